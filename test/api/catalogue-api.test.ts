import { apiSuite } from '../support/api-server';
import { eventually } from '../support/lifecycle';
import { quietTemporalLogs } from '../support/temporal';
import { Client, Connection } from '@temporalio/client';
import { replanBatch } from '../../activities/replans';
import type { ActivityDependencies } from '../../activities';
import { revocationUpdate } from '../../workflows/licence-definitions';

quietTemporalLogs();

const suite = apiSuite();
/** The catalogue is the administrator's to manage (and reads span both bureaus). */
const asAdmin = async (method: string, path: string, body?: unknown) => (await suite.api.as('admin')).call(method, path, body);

/** A weihai licence of a type these tests add to the catalogue (3年), expiring 2029-05-31. */
const licenceOfType = (licenceType: string, licenceNumber: string) => ({
  bureau: 'weihai',
  licenceNumber,
  licenceType,
  holder: { name: '威海海洋苗种有限公司' },
  contact: { name: '王涛', phone: '13900139001' },
  issuedOn: '2026-06-01',
  expiresOn: '2029-05-31',
});


it('lists both seed catalogues with their structured validity rules', async () => {
  const weihai = await asAdmin('GET', '/api/v1/catalogue?bureau=weihai');
  const luliang = await asAdmin('GET', '/api/v1/catalogue?bureau=luliang');
  expect(weihai.body.entries).toHaveLength(25);
  expect(luliang.body.entries).toHaveLength(24);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- entries as the API answered them
  const byCode: Record<string, any> = Object.fromEntries([...weihai.body.entries, ...luliang.body.entries].map((entry: { code: string }) => [entry.code, entry]));
  expect(byCode.WH15).toMatchObject({ validityText: '2至5年,1年(C类)', validityRule: { kind: 'years', minYears: 2, maxYears: 5, byClass: { C: 1 } } });
  expect(byCode.WH21).toMatchObject({ validityText: '无', validityRule: { kind: 'none' }, remindersEnabled: false });
  expect(byCode.LL15).toMatchObject({ validityRule: { kind: 'follows_parent', parent: 'company_permit' } });
  expect(byCode.WH01.guidance).toEqual({ renewalDeadline: null, officeAddress: null, servicePhone: null, materials: [], bookingUrl: null, complete: false });
});

it('re-plans every running licence of an entry when its lead time changes, and no other', async () => {
  const sleeping = await suite.h.register('REPLAN-1', '2027-05-31');
  const later = await suite.h.register('REPLAN-2', '2027-06-30');
  const closed = await suite.h.register('REPLAN-3', '2027-07-31');
  await closed.handle.executeUpdate(revocationUpdate, { args: [{ reason: '吊销', revokedOn: '2026-12-01' }] });
  await eventually(async () => expect((await suite.h.database.prisma.licence.findUniqueOrThrow({ where: { id: closed.id } })).stage).toBe('revoked'));
  const otherType = await suite.h.register('REPLAN-4', '2027-05-31', { licenceType: 'WH02' });

  const changed = await asAdmin('PATCH', `/api/v1/catalogue/${encodeURIComponent('weihai:WH01')}`, { reminderLeadMonths: 1 });
  expect(changed.status).toBe(200);
  expect(changed.body).toMatchObject({ version: 2, reminderLeadMonths: 1, replanJob: { status: 'running', total: 2, done: 0 } });

  const job = await eventually(async () => {
    const progress = await asAdmin('GET', `/api/v1/catalogue/replans/${changed.body.replanJob.id}`);
    expect(progress.body).toMatchObject({ status: 'finished', total: 2, done: 2, failed: 0 });
    return progress.body;
  });
  expect(job.reason).toBe('reminderLeadMonths 3 → 1 (v2)');
  // One month before 2027-05-31: 2027-04-30 00:00 on the Shanghai calendar.
  await eventually(async () => expect((await suite.h.status(sleeping)).reminderWindowOpensAt).toBe('2027-04-29T16:00:00.000Z'));
  expect((await suite.h.status(later)).reminderWindowOpensAt).toBe('2027-05-29T16:00:00.000Z');
  expect((await suite.h.status(otherType)).reminderWindowOpensAt).toBe('2027-02-27T16:00:00.000Z');
  const row = await suite.h.database.prisma.licence.findUniqueOrThrow({ where: { id: sleeping.id } });
  expect(row.reminderWindowOpensAt.toISOString()).toBe('2027-04-29T16:00:00.000Z');

  // The sleeping timers moved: nothing at the old window, the ladder at the new one.
  await suite.h.skipTo('2027-03-01T00:00:00.000Z');
  expect(await suite.h.ledger(sleeping.id)).toEqual([]);
  await eventually(async () => expect(await suite.h.ledger(otherType.id)).toEqual(['auto_prompt:delivered']));
  await suite.h.skipTo('2027-04-29T16:01:00.000Z');
  await eventually(async () => expect(await suite.h.ledger(sleeping.id)).toEqual(['auto_prompt:delivered']));
  expect(await suite.h.ledger(later.id)).toEqual([]);
});

it('a re-plan batch whose signal fails (the frontend unreachable) keeps its cursor before that licence and fails, so that its retry signals it', async () => {
  const { prisma } = suite.h.database;
  const licence = await suite.h.register('CURSOR-1', '2027-05-31', { licenceType: 'WH03' });
  const entry = await prisma.catalogueEntry.findFirstOrThrow({ where: { bureauCode: 'weihai', code: 'WH03' } });
  const job = await prisma.replanJob.create({ data: { catalogueEntryId: entry.id, reason: 'reminderLeadMonths 3 → 2', status: 'running', total: 1 } });
  const batch = { jobId: job.id, catalogueEntryId: entry.id, reminderLeadMonths: 2, catalogueVersion: 2, batchSize: 10 };
  const deps = (temporal: Client) => ({ prisma, temporal, taskQueue: suite.h.taskQueue, endpoints: {} }) as unknown as ActivityDependencies;

  // Nothing listens on port 9, and without the retry interceptor the client gives up at once.
  const unreachable = new Client({ connection: Connection.lazy({ address: '127.0.0.1:9', interceptors: [] }) });
  await expect(replanBatch(deps(unreachable), batch)).rejects.toThrow(licence.workflowId);
  expect(await prisma.replanJob.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({ cursor: null, done: 0, failed: 1, lastError: expect.stringContaining(licence.workflowId) });

  // Temporal retries the activity: the licence it could not tell is told now.
  expect(await replanBatch(deps(suite.h.env.client), batch)).toBe(licence.id);
  expect(await prisma.replanJob.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({ cursor: licence.id, done: 1 });
  await eventually(async () => expect((await suite.h.status(licence)).reminderWindowOpensAt).toBe('2027-03-30T16:00:00.000Z'));
});

it('keeps an audit trail of every version: who, when, the fields before and after', async () => {
  const { body } = await asAdmin('GET', `/api/v1/catalogue/${encodeURIComponent('weihai:WH01')}`);
  expect(body.changes).toHaveLength(1);
  expect(body.changes[0]).toMatchObject({ version: 2, changedBy: '管理员（root-admin）', action: 'update', before: { reminderLeadMonths: 3 }, after: { reminderLeadMonths: 1 } });
});

it('refuses a validity text no rule fits, naming the field, and changes nothing', async () => {
  const refused = await asAdmin('PATCH', `/api/v1/catalogue/${encodeURIComponent('weihai:WH02')}`, { validityText: '视情况而定' });
  expect(refused.status).toBe(400);
  expect(refused.body.error.fields).toEqual([{ path: 'validityText', message: expect.stringMatching(/fits no rule/) }]);
  expect((await asAdmin('GET', `/api/v1/catalogue/${encodeURIComponent('weihai:WH02')}`)).body).toMatchObject({ version: 1, changes: [] });
});

it('adds an entry, refuses its code twice, and retires it so that it takes no new licences', async () => {
  const entry = {
    bureau: 'weihai',
    code: 'WH26',
    departmentName: '经管一科',
    approvalItem: '水产苗种生产经营审批',
    licenceName: '水产苗种生产许可证',
    validityText: '3年',
    renewalDeadline: '届满前30日',
  };
  // Its decisions must reach someone: an entry names its regulators (审管协同), only the bureau's
  // own, one of them the competent department; or it says that it wants none.
  const fieldsOf = (answer: { body: { error: { fields: Array<{ path: string }> } } }) => answer.body.error.fields.map((field) => field.path);
  const withoutRegulators = await asAdmin('POST', '/api/v1/catalogue', entry);
  expect(withoutRegulators.status).toBe(400);
  expect(fieldsOf(withoutRegulators)).toEqual(['regulators']);
  expect(withoutRegulators.body.error.fields[0].message).toContain('regulatorsNotWanted');
  const elsewhere = await asAdmin('POST', '/api/v1/catalogue', { ...entry, regulatorIds: ['luliang:market-supervision'] });
  expect(elsewhere.status).toBe(400);
  expect(elsewhere.body.error.fields[0]).toMatchObject({ path: 'regulators', message: expect.stringContaining('weihai:market-supervision') });
  const twoCompetent = await asAdmin('POST', '/api/v1/catalogue', {
    ...entry,
    regulators: [
      { id: 'weihai:market-supervision', role: 'competent' },
      { id: 'weihai:transport', role: 'competent' },
    ],
  });
  expect(twoCompetent.status).toBe(400);
  expect(twoCompetent.body.error.fields[0].message).toContain('exactly one competent department');
  const both = await asAdmin('POST', '/api/v1/catalogue', { ...entry, regulatorsNotWanted: true, regulatorIds: ['weihai:market-supervision'] });
  expect(fieldsOf(both)).toEqual(['regulatorsNotWanted']);
  expect((await asAdmin('GET', `/api/v1/catalogue/${encodeURIComponent('weihai:WH26')}`)).status).toBe(404);
  const created = await asAdmin('POST', '/api/v1/catalogue', { ...entry, regulatorIds: ['weihai:market-supervision'] });
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({
    id: 'weihai:WH26',
    version: 1,
    validityRule: { kind: 'years', minYears: 3, maxYears: 3 },
    guidance: { renewalDeadline: '届满前30日' },
    regulators: [{ id: 'weihai:market-supervision', name: expect.stringContaining('市场监督管理局'), role: 'competent' }],
    regulatorsNotWanted: false,
  });
  const moved = await asAdmin('PATCH', `/api/v1/catalogue/${encodeURIComponent('weihai:WH26')}`, { regulatorIds: ['weihai:market-supervision', 'weihai:transport'] });
  expect(moved.status).toBe(200);
  expect(moved.body.regulators.map((regulator: { id: string; role: string }) => `${regulator.id}:${regulator.role}`)).toEqual(['weihai:market-supervision:competent', 'weihai:transport:supervising']);
  const none = await asAdmin('PATCH', `/api/v1/catalogue/${encodeURIComponent('weihai:WH26')}`, { regulatorsNotWanted: true });
  expect(none.body).toMatchObject({ regulators: [], regulatorsNotWanted: true, version: 3 });
  const again = await asAdmin('PATCH', `/api/v1/catalogue/${encodeURIComponent('weihai:WH26')}`, { regulators: [{ id: 'weihai:transport', role: 'competent' }] });
  expect(again.body).toMatchObject({ regulators: [{ id: 'weihai:transport', role: 'competent' }], regulatorsNotWanted: false, version: 4 });
  const entry2 = { ...entry, regulatorIds: ['weihai:market-supervision'] };
  expect((await asAdmin('POST', '/api/v1/catalogue', entry2)).status).toBe(409);

  // Registered before the retirement, so that the API keeps the entry: the retirement must still take effect at once.
  expect((await asAdmin('POST', '/api/v1/licences', licenceOfType('WH26', 'SC-2026-000'))).status).toBe(201);

  const retired = await asAdmin('POST', `/api/v1/catalogue/${encodeURIComponent('weihai:WH26')}/retire`, { reason: '事项取消' });
  expect(retired.body).toMatchObject({ version: 5, retiredAt: expect.any(String) });
  const registration = await asAdmin('POST', '/api/v1/licences', licenceOfType('WH26', 'SC-2026-001'));
  expect(registration.status).toBe(400);
  expect(registration.body.error.fields[0].path).toBe('licenceType');
  const listed = await asAdmin('GET', '/api/v1/catalogue?bureau=weihai');
  expect(listed.body.entries.map((e: { code: string }) => e.code)).not.toContain('WH26');
});

it('registers on the new lead time as soon as it is changed, though registrations keep the entries they read', async () => {
  const created = await asAdmin('POST', '/api/v1/catalogue', {
    bureau: 'weihai',
    code: 'WH27',
    departmentName: '经管一科',
    approvalItem: '水产养殖证核发',
    licenceName: '水域滩涂养殖证',
    validityText: '3年',
    regulatorIds: ['weihai:market-supervision'],
  });
  expect(created.status).toBe(201);
  const first = await asAdmin('POST', '/api/v1/licences', licenceOfType('WH27', 'YZ-2026-001'));
  expect(first.body).toMatchObject({ reminderWindowOpensOn: '2029-02-28' });
  expect((await asAdmin('PATCH', `/api/v1/catalogue/${encodeURIComponent('weihai:WH27')}`, { reminderLeadMonths: 2 })).status).toBe(200);
  const second = await asAdmin('POST', '/api/v1/licences', licenceOfType('WH27', 'YZ-2026-002'));
  expect(second.status).toBe(201);
  expect(second.body).toMatchObject({ reminderWindowOpensOn: '2029-03-31' });
});

it("sets a department's ladder: its running licences climb the new one", async () => {
  const department = encodeURIComponent('weihai:经管二科');
  const before = await asAdmin('GET', '/api/v1/departments?bureau=weihai');
  expect(before.body.departments.find((d: { id: string }) => d.id === 'weihai:经管二科')).toMatchObject({ customLadder: false, ladder: [{ channel: 'auto_prompt' }, { channel: 'sms' }, { channel: 'phone_call' }, { channel: 'letter' }] });
  const licence = await suite.h.register('LADDER-SMS-1', '2027-08-31', { licenceType: 'WH04', issuedOn: '2023-08-31' });

  const invalid = await asAdmin('PATCH', `/api/v1/departments/${department}`, { ladder: [{ channel: 'sms', waitDays: -1 }] });
  expect(invalid.status).toBe(400);
  expect(invalid.body.error.fields[0].path).toBe('ladder.0.waitDays');

  // This department texts first, then calls; no portal prompt, no letter.
  const changed = await asAdmin('PATCH', `/api/v1/departments/${department}`, {
    ladder: [
      { channel: 'sms', waitDays: 10 },
      { channel: 'phone_call', maxAttempts: 2, retryAfterDays: 3, dueWorkingDays: 2 },
    ],
  });
  expect(changed.status).toBe(200);
  const jobId = changed.body.replanJobs['weihai:WH04'];
  await eventually(async () => expect((await asAdmin('GET', `/api/v1/catalogue/replans/${jobId}`)).body).toMatchObject({ status: 'finished', done: 1 }));
  const entry = await asAdmin('GET', `/api/v1/catalogue/${encodeURIComponent('weihai:WH04')}`);
  expect(entry.body.changes.at(-1)).toMatchObject({ action: 'department ladder', after: { ladder: [{ channel: 'sms' }, { channel: 'phone_call' }] } });

  // Window: 2027-05-31 00:00 Shanghai; the SMS in that day's send window at 09:00, the call ten days later.
  await suite.h.skipTo('2027-05-31T01:01:00.000Z');
  await eventually(async () => expect(await suite.h.ledger(licence.id)).toEqual(['sms:sent']));
  // The wait starts once the SMS's delivery receipt is in.
  await eventually(async () => expect(await suite.h.status(licence)).toMatchObject({ nextAction: { kind: 'phone_call', dueAt: '2027-06-10T01:00:00.000Z' } }));
});

it('keeps regulators as data: a key is named by reference, never stored; every change is audited', async () => {
  const raw = await asAdmin('POST', '/api/v1/regulators', { bureau: 'weihai', code: 'ecology-test', name: '威海市生态环境局', secretRef: 's3cr3t-signing-key' });
  expect(raw.status).toBe(400);
  expect(raw.body.error.fields).toEqual([{ path: 'secretRef', message: expect.stringContaining('env:NAME') }]);
  const created = await asAdmin('POST', '/api/v1/regulators', {
    bureau: 'weihai',
    code: 'ecology-test',
    name: '威海市生态环境局',
    webhookUrl: 'https://sthjj.example.gov.cn/approvals/decisions',
    secretRef: 'file:/run/secrets/weihai-ecology',
  });
  expect(created.status).toBe(201);
  expect((await asAdmin('POST', '/api/v1/regulators', { bureau: 'weihai', code: 'ecology-test', name: '重复' })).status).toBe(409);
  expect((await asAdmin('POST', '/api/v1/regulators', { bureau: 'nowhere', code: 'x', name: '某局' })).status).toBe(404);
  const changed = await asAdmin('PATCH', `/api/v1/regulators/${encodeURIComponent('weihai:ecology-test')}`, { secretRef: 'env:REGULATOR_KEY_ECOLOGY' });
  expect(changed.body).toMatchObject({ version: 2, secretRef: 'env:REGULATOR_KEY_ECOLOGY', webhookUrl: 'https://sthjj.example.gov.cn/approvals/decisions' });
  const { body } = await asAdmin('GET', `/api/v1/regulators/${encodeURIComponent('weihai:ecology-test')}`);
  expect(body.changes).toEqual([
    expect.objectContaining({ version: 1, action: 'create', changedBy: '管理员（root-admin）' }),
    expect.objectContaining({ version: 2, action: 'update', before: expect.objectContaining({ secretRef: 'file:/run/secrets/weihai-ecology' }), after: expect.objectContaining({ secretRef: 'env:REGULATOR_KEY_ECOLOGY' }) }),
  ]);
  const listed = await asAdmin('GET', '/api/v1/regulators?bureau=weihai');
  const market = listed.body.regulators.find((regulator: { id: string }) => regulator.id === 'weihai:market-supervision');
  expect(market.entries).toEqual(expect.arrayContaining([{ id: 'weihai:WH01', licenceName: expect.any(String), role: 'competent' }]));
});
