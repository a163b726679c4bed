import { temporal as proto } from '@temporalio/proto';
import { connectTemporalClient, type TemporalClient } from '../../runtime/temporal';
import { startTestSystem, type TestSystem } from '../support/system';
import { quietTemporalLogs } from '../support/temporal';
import { fiveYearLicenceDates } from '../support/wall-clock';

quietTemporalLogs();

// The dev server's clock is the wall clock: every date is counted from today.
const dates = fiveYearLicenceDates();

// Personal details that reach the workflow: a revocation reason quoting the holder's contact.
const CONTACT_NAME = '张敏';
const CONTACT_PHONE = '13800138000';

describe('personal data in Temporal history', () => {
  let system: TestSystem;
  let plain: TemporalClient;

  beforeAll(async () => {
    system = await startTestSystem();
    // A client without the codec sees history as the server stores it.
    plain = await connectTemporalClient(system.temporalAddress, 'default');
  });

  afterAll(async () => {
    await plain?.close();
    await system?.stop();
  });

  it('is stored encrypted, and the codec endpoint shows it to an operator', async () => {
    const registered = await system.request('POST', '/api/v1/licences', {
      bureau: 'weihai',
      licenceNumber: '鲁威药经2026777',
      licenceType: '药品经营许可证',
      holder: { name: '威海康宁大药房有限公司' },
      contact: { name: CONTACT_NAME, phone: CONTACT_PHONE },
      issuedOn: dates.issuedOn,
      expiresOn: dates.expiresOn,
    });
    expect(registered.status).toBe(201);
    const reason = `持有人联系人${CONTACT_NAME}（${CONTACT_PHONE}）来电申请注销`;
    const revoked = await system.request('POST', `/api/v1/licences/${registered.body.id}/revocation`, { reason, revokedOn: dates.today });
    expect(revoked.status).toBe(200);
    await plain.client.workflow.getHandle(registered.body.workflowId).result().catch(() => undefined);

    const { history } = await plain.client.workflowService.getWorkflowExecutionHistory({
      namespace: 'default',
      execution: { workflowId: registered.body.workflowId },
    });
    const raw = Buffer.from(proto.api.history.v1.History.encode(history!).finish());
    expect(raw.includes(Buffer.from(CONTACT_PHONE))).toBe(false);
    expect(raw.includes(Buffer.from(CONTACT_NAME))).toBe(false);

    const accepted = history!.events!.find((event) => event.workflowExecutionUpdateAcceptedEventAttributes);
    const payloads = accepted!.workflowExecutionUpdateAcceptedEventAttributes!.acceptedRequest!.input!.args!.payloads!;
    const asJson = payloads.map((payload) => ({
      metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
      data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64'),
    }));
    expect(Buffer.from(asJson[0]!.metadata.encoding!, 'base64').toString()).toBe('binary/encrypted');

    const decoded = await system.request('POST', '/codec/decode', { payloads: asJson });
    expect(decoded.status).toBe(200);
    expect(JSON.parse(Buffer.from(decoded.body.payloads[0].data, 'base64').toString('utf8'))).toEqual({ reason, revokedOn: dates.today });

    // The engine's own client reads the same workflow in the clear.
    const status = await system.request('GET', `/api/v1/licences/${registered.body.id}/status`);
    expect(status.body.stage).toBe('revoked');
  });

  it('refuses a malformed codec request, naming the field', async () => {
    const { status, body } = await system.request('POST', '/codec/decode', { payloads: [{ data: 'not base64!' }] });
    expect(status).toBe(400);
    expect(body.error.fields[0].path).toBe('payloads.0.data');
  });
});
