import { apiSuite } from '../support/api-server';
import { eventually } from '../support/lifecycle';
import { quietTemporalLogs } from '../support/temporal';
import { weihaiDrugLicence } from '../support/licence-bodies';

quietTemporalLogs();

// The supervisors' alerts: a licence registered after its expiry raises one at once (the suite's
// clock starts at 2026-11-15, two weeks after it expired); they list it, and acknowledge it once.
const suite = apiSuite();
const UNKNOWN = '00000000-0000-4000-8000-000000000000';

it('lists the bureau’s alerts newest first for its supervisors, and takes each acknowledgement once', async () => {
  const registered = await suite.api.call(
    'POST',
    '/api/v1/licences',
    weihaiDrugLicence('鲁威药经2021321', '威海福寿堂药店', { name: '高峰', phone: '13700137321' }, { issuedOn: '2021-11-01', expiresOn: '2026-11-01' }),
  );
  expect(registered.status).toBe(201);
  const supervisor = await suite.api.as('supervisor');
  const open = await eventually(async () => {
    const answer = await supervisor.call('GET', '/api/v1/alerts');
    expect(answer.body.alerts).toHaveLength(1);
    return answer.body;
  });
  expect(open).toEqual({
    bureau: 'weihai',
    alerts: [
      {
        id: expect.any(String),
        kind: 'licence_expired',
        message: expect.stringContaining('鲁威药经2021321'),
        createdAt: expect.any(String),
        licence: { id: registered.body.id, licenceNumber: '鲁威药经2021321', licenceName: '药品经营许可证', holderName: '威海福寿堂药店', department: '市场准入二科' },
        acknowledgedAt: null,
        acknowledgedBy: null,
      },
    ],
  });
  // Raised at the workflow's instant: the test server's first day, not the wall clock's.
  expect(open.alerts[0].createdAt.slice(0, 10)).toBe('2026-11-15');
  const alertId = open.alerts[0].id;

  for (const who of ['system', 'specialistA'] as const) {
    expect((await (await suite.api.as(who)).call('GET', '/api/v1/alerts')).status).toBe(403);
    expect((await (await suite.api.as(who)).call('POST', `/api/v1/alerts/${alertId}/acknowledgement`)).status).toBe(403);
  }
  expect((await supervisor.call('GET', '/api/v1/alerts?bureau=luliang')).status).toBe(403);
  expect((await supervisor.call('GET', '/api/v1/alerts?status=closed')).status).toBe(400);
  expect((await supervisor.call('POST', '/api/v1/alerts/not-a-uuid/acknowledgement')).status).toBe(400);
  expect((await supervisor.call('POST', `/api/v1/alerts/${UNKNOWN}/acknowledgement`)).status).toBe(404);

  const acknowledged = await supervisor.call('POST', `/api/v1/alerts/${alertId}/acknowledgement`);
  expect(acknowledged.status).toBe(200);
  expect(acknowledged.body).toMatchObject({ id: alertId, acknowledgedBy: 'chenjing', acknowledgedAt: expect.any(String) });
  const again = await (await suite.api.as('admin')).call('POST', `/api/v1/alerts/${alertId}/acknowledgement`);
  expect(again.body).toEqual(acknowledged.body);
  expect((await supervisor.call('GET', '/api/v1/alerts')).body.alerts).toEqual([]);
  expect((await supervisor.call('GET', '/api/v1/alerts?status=acknowledged')).body.alerts).toEqual([acknowledged.body]);
  expect((await (await suite.api.as('admin')).call('GET', '/api/v1/alerts?bureau=weihai&status=all')).body.alerts).toEqual([acknowledged.body]);
});

it('shows the open alerts on a page where a supervisor acknowledges them', async () => {
  const registered = await suite.api.call(
    'POST',
    '/api/v1/licences',
    weihaiDrugLicence('鲁威药经2021654', '威海百草堂药店', { name: '田野', phone: '13700137654' }, { issuedOn: '2021-11-02', expiresOn: '2026-11-02' }),
  );
  const supervisor = await suite.api.as('supervisor');
  const alert = await eventually(async () => {
    const [found] = (await supervisor.call('GET', '/api/v1/alerts')).body.alerts;
    expect(found.licence.id).toBe(registered.body.id);
    return found;
  });
  const page = await supervisor.call('GET', '/alerts');
  expect(page.status).toBe(200);
  expect(page.body).toContain('鲁威药经2021654');
  expect(page.body).toContain('证照到期未申请延续');
  expect(page.body).toContain(`action="/alerts/${alert.id}/acknowledge"`);

  const acknowledged = await supervisor.call('POST', `/alerts/${alert.id}/acknowledge`);
  expect(acknowledged.status).toBe(303);
  expect(acknowledged.headers.get('location')).toMatch(/^\/alerts\?bureau=weihai&notice=/);
  expect((await supervisor.call('GET', '/alerts')).body).toContain('没有待确认的提醒');
  expect((await supervisor.call('GET', '/alerts?status=all')).body).toContain('chenjing');
});
