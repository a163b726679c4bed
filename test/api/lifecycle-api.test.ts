import SwaggerParser from '@apidevtools/swagger-parser';
import { apiSuite } from '../support/api-server';
import { eventually } from '../support/lifecycle';
import { quietTemporalLogs } from '../support/temporal';
import { weihaiDrugLicence } from '../support/licence-bodies';

quietTemporalLogs();

// One licence's story told through the HTTP API, on the time-skipping server: the API answers
// from the read model and the workflow exactly as it does in production.
const suite = apiSuite();


const call = (method: string, path: string, body?: unknown) => suite.api.call(method, path, body);
/** The phone tasks are worked by the specialists of 市场准入二科. */
const asSpecialist = async (who: 'specialistA' | 'specialistA2', method: string, path: string, body?: unknown) => (await suite.api.as(who)).call(method, path, body);

const UNKNOWN = '00000000-0000-4000-8000-000000000000';
// 14 days after the SMS, which went out at 09:00 on Monday 8 March 2027.
const CALL_DUE = '2027-03-22T01:00:00.000Z';
let licenceId: string;

/** What the database holds for the licence, to prove a refused request changed nothing. */
const snapshot = async () => ({
  licence: await suite.h.database.prisma.licence.findUniqueOrThrow({ where: { id: licenceId } }),
  renewals: await suite.h.database.prisma.renewalApplication.count({ where: { licenceId } }),
  tasks: await suite.h.database.prisma.humanTask.findMany({ where: { licenceId }, orderBy: { createdAt: 'asc' } }),
  status: await suite.h.status({ workflowId: 'licence/weihai/鲁威药经2023009' }),
});

it('registers a licence', async () => {
  const { status, body } = await call('POST', '/api/v1/licences', {
    bureau: 'weihai',
    licenceNumber: '鲁威药经2023009',
    licenceType: 'WH01',
    holder: { name: '威海康宁大药房有限公司' },
    contact: { name: '张敏', phone: '13800138000' },
    issuedOn: '2022-05-31',
    expiresOn: '2027-05-31',
  });
  expect(status).toBe(201);
  licenceId = body.id;
});

it('answers 404 for an unknown licence or task, naming it', async () => {
  for (const [method, path, body] of [
    ['POST', `/api/v1/licences/${UNKNOWN}/renewal-application`, { applicationNumber: 'A-1', appliedOn: '2027-01-05' }],
    ['POST', `/api/v1/licences/${UNKNOWN}/revocation`, { reason: '吊销', revokedOn: '2027-01-05' }],
    ['PATCH', `/api/v1/licences/${UNKNOWN}`, { expiresOn: '2028-01-01' }],
    ['GET', `/api/v1/licences/${UNKNOWN}/history`, undefined],
    ['POST', `/api/v1/tasks/${UNKNOWN}/complete`, { outcome: 'reached' }],
  ] as const) {
    const answer = path.startsWith('/api/v1/tasks') ? await asSpecialist('specialistA', method, path, body) : await call(method, path, body);
    expect({ path, status: answer.status }).toEqual({ path, status: 404 });
    expect(answer.body.error.message).toContain(UNKNOWN);
  }
});

it('answers 400 naming every bad field, and 409 for a decision with no application; nothing changes', async () => {
  const before = await snapshot();
  const invalid = await call('POST', `/api/v1/licences/${licenceId}/renewal-application`, { applicationNumber: '', appliedOn: '2027-02-30' });
  expect(invalid.status).toBe(400);
  expect(invalid.body.error.fields.map((error: { path: string }) => error.path).sort()).toEqual(['applicationNumber', 'appliedOn']);
  const approvedWithoutLicence = await call('POST', `/api/v1/licences/${licenceId}/renewal-decision`, { decision: 'approved', decidedOn: '2027-01-05' });
  expect(approvedWithoutLicence.status).toBe(400);
  expect(approvedWithoutLicence.body.error.fields.map((error: { path: string }) => error.path)).toContain('newLicence');
  const noApplication = await call('POST', `/api/v1/licences/${licenceId}/renewal-decision`, { decision: 'rejected', decidedOn: '2027-01-05' });
  expect(noApplication.status).toBe(409);
  expect(noApplication.body.error.message).toMatch(/no renewal application is pending/);
  const beforeIssue = await call('PATCH', `/api/v1/licences/${licenceId}`, { expiresOn: '2021-01-01' });
  expect(beforeIssue.status).toBe(400);
  expect(await snapshot()).toEqual(before);
});

it('corrects the contact; the phone task carries the new one', async () => {
  const { status } = await call('PATCH', `/api/v1/licences/${licenceId}`, { contact: { name: '李娜', phone: '13900139000' } });
  expect(status).toBe(200);
  // The SMS goes out at 09:00 on Monday 8 March; its delivery receipt comes back at once.
  await suite.h.skipTo('2027-03-08T01:01:00.000Z');
  await eventually(async () => expect((await suite.h.database.prisma.smsMessage.findFirstOrThrow({ where: { licenceId } })).status).toBe('delivered'));
  await suite.h.skipTo(new Date(Date.parse(CALL_DUE) + 60_000).toISOString());
  await suite.h.openTask(licenceId, 'phone_call');
  const { body } = await asSpecialist('specialistA', 'GET', '/api/v1/tasks?bureau=weihai&status=open');
  expect(body.tasks).toHaveLength(1);
  expect(body.tasks[0]).toMatchObject({
    kind: 'phone_call',
    attempt: 1,
    status: 'open',
    dueAt: '2027-03-25T15:59:59.999Z',
    licence: { licenceNumber: '鲁威药经2023009', holderName: '威海康宁大药房有限公司', expiresOn: '2027-05-31' },
    contact: { name: '李娜', phone: '13900139000' },
  });
  const sms = suite.h.textsFor('鲁威药经2023009');
  expect(sms.map((message) => message.phone)).toEqual(['13900139000']);
});

it('counts registrations, reminders by channel and outcome, and the task backlog in /metrics', async () => {
  const answer = await fetch(`${suite.api.url}/metrics`);
  expect(answer.status).toBe(200);
  expect(answer.headers.get('content-type')).toMatch(/^text\/plain/);
  const text = await answer.text();
  const ledger = await suite.h.ledger(licenceId);
  expect(ledger.length).toBeGreaterThanOrEqual(2);
  for (const row of ledger) {
    const [channel, outcome] = row.split(':');
    expect(text).toContain(`licence_reminders{bureau="weihai",channel="${channel}",outcome="${outcome}"} ${ledger.filter((other) => other === row).length}`);
  }
  expect(text).toContain('licences_registered{bureau="weihai",stage="window_open"} 1');
  expect(text).toContain('licence_task_backlog{bureau="weihai",department="市场准入二科",kind="phone_call",overdue="false"} 1');
  expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
});

it('lets one specialist claim a task and complete it with an outcome that fits the task', async () => {
  const [task] = (await asSpecialist('specialistA', 'GET', '/api/v1/tasks?department=市场准入二科&status=open')).body.tasks;
  expect((await asSpecialist('specialistA', 'POST', `/api/v1/tasks/${task.id}/claim`)).body).toMatchObject({ status: 'claimed', claimedBy: 'wangfang' });
  const taken = await asSpecialist('specialistA2', 'POST', `/api/v1/tasks/${task.id}/claim`);
  expect(taken.status).toBe(409);
  expect(taken.body.error.message).toContain('wangfang');
  const byOther = await asSpecialist('specialistA2', 'POST', `/api/v1/tasks/${task.id}/complete`, { outcome: 'reached' });
  expect(byOther.status).toBe(409);
  const wrongKind = await asSpecialist('specialistA', 'POST', `/api/v1/tasks/${task.id}/complete`, { outcome: 'sent' });
  expect(wrongKind.status).toBe(400);
  expect(wrongKind.body.error.fields[0].path).toBe('outcome');
  const done = await asSpecialist('specialistA', 'POST', `/api/v1/tasks/${task.id}/complete`, { outcome: 'no_answer', note: '无人接听' });
  expect(done.status).toBe(200);
  expect(done.body).toMatchObject({ status: 'completed', outcome: 'no_answer' });
  expect((await asSpecialist('specialistA', 'POST', `/api/v1/tasks/${task.id}/complete`, { outcome: 'reached' })).status).toBe(409);
  await eventually(async () => expect((await suite.h.status({ workflowId: 'licence/weihai/鲁威药经2023009' })).nextAction).toMatchObject({ kind: 'phone_call' }));
});

it('takes a renewal application, refuses a second one, and closes with the approved decision', async () => {
  const applied = await call('POST', `/api/v1/licences/${licenceId}/renewal-application`, { applicationNumber: 'SQ-2027-031', appliedOn: '2027-03-22' });
  expect(applied).toEqual({ status: 200, body: { stage: 'renewal_pending' } });
  const again = await call('POST', `/api/v1/licences/${licenceId}/renewal-application`, { applicationNumber: 'SQ-2027-032', appliedOn: '2027-03-22' });
  expect(again.status).toBe(409);
  expect(again.body.error.message).toContain('SQ-2027-031');
  await eventually(async () => expect((await suite.h.status({ workflowId: 'licence/weihai/鲁威药经2023009' })).stage).toBe('renewal_pending'));
  const decided = await call('POST', `/api/v1/licences/${licenceId}/renewal-decision`, {
    decision: 'approved',
    decidedOn: '2027-03-25',
    newLicence: { licenceNumber: '鲁威药经2027031', issuedOn: '2027-03-25', expiresOn: '2032-03-24' },
  });
  expect(decided).toEqual({ status: 200, body: { stage: 'renewal_approved' } });
  await eventually(async () => expect((await suite.h.database.prisma.licence.findUniqueOrThrow({ where: { id: licenceId } })).stage).toBe('renewed'));
  const closed = await call('GET', `/api/v1/licences/${licenceId}`);
  expect(closed.body).toMatchObject({ stage: 'renewed' });
  expect((await call('GET', `/api/v1/licences/${licenceId}/status`)).body).toMatchObject({ stage: 'renewed', nextAction: null });
  expect(closed.body.regulatorDeliveries).toEqual([
    {
      regulator: expect.stringContaining('市场监督管理局'),
      delivered: true,
      attempts: 1,
      deliveredAt: expect.any(String),
      receipt: suite.h.simulators.deliveries[0]!.receiptId,
      lastError: null,
    },
  ]);
  const next = await suite.h.database.prisma.licence.findFirstOrThrow({ where: { licenceNumber: '鲁威药经2027031' } });
  const successor = await call('GET', `/api/v1/licences/${next.id}`);
  expect(successor.status).toBe(200);
  expect(successor.body).toMatchObject({ expiresOn: '2032-03-24', stage: 'awaiting_window' });
});

it('tells the history in domain words, from registration to the regulator receipt', async () => {
  const { status, body } = await call('GET', `/api/v1/licences/${licenceId}/history`);
  expect(status).toBe(200);
  const told = body.events.map((event: { what: string; detail?: string }) => (event.detail ? `${event.what} (${event.detail})` : event.what));
  expect(told).toEqual([
    'licence registered, lifecycle started',
    'contact changed',
    'reminder window opened',
    'business-system prompt delivered',
    'SMS reminder sent',
    'SMS delivery receipt (delivered, DELIVERED)',
    'phone-call task opened (attempt 1, due 2027-03-25T15:59:59.999Z)',
    'specialist reported a task done (no_answer, by 王芳)',
    'phone call made (no_answer, by 王芳)',
    'renewal application received (SQ-2027-031)',
    'open tasks withdrawn (renewal applied)',
    'renewal application recorded; reminders paused',
    'renewal approved (new licence 鲁威药经2027031, valid until 2032-03-24)',
    'decision delivered to a regulator (weihai:market-supervision)',
    'new licence registered (鲁威药经2027031)',
    'closed as renewed',
    'lifecycle finished',
  ]);
  const instants = body.events.map((event: { at: string }) => Date.parse(event.at));
  expect(instants).toEqual([...instants].sort((a, b) => a - b));
  expect(body.events.find((event: { what: string }) => event.what === 'SMS reminder sent').at.slice(0, 10)).toBe('2027-03-08');
});

it('answers 409 for anything on a closed licence', async () => {
  const revoked = await call('POST', `/api/v1/licences/${licenceId}/revocation`, { reason: '吊销', revokedOn: '2027-04-01' });
  expect(revoked.status).toBe(409);
  const corrected = await call('PATCH', `/api/v1/licences/${licenceId}`, { expiresOn: '2028-05-31' });
  expect(corrected.status).toBe(409);
});

it('describes every route in a valid OpenAPI 3.1 document', async () => {
  const { body } = await call('GET', '/openapi.json');
  await expect(SwaggerParser.validate(structuredClone(body))).resolves.toMatchObject({ openapi: '3.1.0' });
  expect(Object.keys(body.paths).sort()).toEqual(
    [
      '/api/v1/licences',
      '/api/v1/licences/{id}',
      '/api/v1/licences/{id}/history',
      '/api/v1/licences/{id}/status',
      '/api/v1/licences/{id}/renewal-application',
      '/api/v1/licences/{id}/renewal-decision',
      '/api/v1/licences/{id}/revocation',
      '/api/v1/tasks',
      '/api/v1/tasks/{id}/claim',
      '/api/v1/tasks/{id}/complete',
      '/api/v1/tasks/{id}/release',
      '/api/v1/licences/{id}/assistance-requests',
      '/api/v1/tasks/{id}/assign',
      '/api/v1/tasks/{id}/bundle-letter',
      '/api/v1/session',
      '/api/v1/users',
      '/api/v1/users/{id}',
      '/api/v1/alerts',
      '/api/v1/alerts/{id}/acknowledgement',
      '/api/v1/api-keys',
      '/api/v1/api-keys/{id}/rotate',
      '/api/v1/api-keys/{id}/revoke',
      '/api/v1/audit',
      '/api/v1/dashboard',
      '/api/v1/inspection-report',
      '/api/v1/inspection-runs',
      '/api/v1/inspection-runs/{id}',
      '/api/v1/inspection-runs/{id}/follow-ups',
      '/api/v1/bureaus/{bureau}/inspection-schedule',
      '/api/v1/outcome-figures',
      '/api/v1/ledger',
      '/api/v1/ledger/window-open',
      '/api/v1/catalogue',
      '/api/v1/catalogue/{id}',
      '/api/v1/catalogue/{id}/retire',
      '/api/v1/catalogue/replans/{jobId}',
      '/api/v1/regulators',
      '/api/v1/regulators/{id}',
      '/api/v1/departments',
      '/api/v1/departments/{id}',
      '/api/v1/imports',
      '/api/v1/imports/{id}',
      '/api/v1/bureaus/{bureau}/calendar',
      '/api/v1/bureaus/{bureau}/calendar/overrides/{date}',
      '/api/v1/bureaus/{bureau}/send-window',
      '/api/v1/national-schedule',
      '/api/v1/national-schedule/{year}',
      '/api/v1/bureaus/{bureau}/message-templates',
      '/api/v1/bureaus/{bureau}/message-templates/{channel}',
      '/api/v1/bureaus/{bureau}/guidance',
      '/api/v1/bureaus/{bureau}/sms-sign-name',
      '/api/v1/bureaus/{bureau}/batch-notices',
      '/api/v1/bureaus/{bureau}/batch-notices/feed.xml',
      '/api/v1/bureaus/{bureau}/batch-notices/schedule',
      '/api/v1/sms-receipts/{provider}',
      '/api/v1/sms-replies/{provider}',
      '/api/v1/letters/{id}',
      '/api/v1/letters/{id}/pdf',
      '/healthz',
      '/metrics',
    ].sort(),
  );
  const docs = await fetch(`${suite.api.url}/docs`);
  expect(await docs.text()).toContain('swagger-ui');
});

it('renews a licence under its own number (延续): the read model shows the next term and the earlier one, the history tells both', async () => {
  const registered = await call('POST', '/api/v1/licences', weihaiDrugLicence('鲁威药经2023555', '威海安泰大药房有限公司', { name: '刘洋', phone: '13500135000' }));
  expect(registered.status).toBe(201);
  const id = registered.body.id;
  expect((await call('GET', `/api/v1/licences/${id}`)).body).toMatchObject({ term: 1, terms: [{ term: 1, issuedOn: '2022-05-31', expiresOn: '2027-05-31', applicationNumber: null }] });
  const firstRun = (await suite.h.env.client.workflow.getHandle(registered.body.workflowId).describe()).runId;
  expect((await call('POST', `/api/v1/licences/${id}/renewal-application`, { applicationNumber: 'SQ-2027-555', appliedOn: '2027-03-26' })).status).toBe(200);
  const decided = await call('POST', `/api/v1/licences/${id}/renewal-decision`, {
    decision: 'approved',
    decidedOn: '2027-03-26',
    newLicence: { licenceNumber: '鲁威药经2023555', issuedOn: '2027-03-26', expiresOn: '2032-03-25' },
  });
  expect(decided).toEqual({ status: 200, body: { stage: 'renewal_approved' } });

  await eventually(async () => expect((await call('GET', `/api/v1/licences/${id}`)).body).toMatchObject({ term: 2, stage: 'awaiting_window' }));
  expect((await call('GET', `/api/v1/licences/${id}`)).body).toMatchObject({
    licenceNumber: '鲁威药经2023555',
    workflowId: 'licence/weihai/鲁威药经2023555',
    issuedOn: '2027-03-26',
    expiresOn: '2032-03-25',
    reminderWindowOpensOn: '2031-12-25',
    terms: [
      { term: 1, issuedOn: '2022-05-31', expiresOn: '2027-05-31', applicationNumber: null },
      { term: 2, issuedOn: '2027-03-26', expiresOn: '2032-03-25', applicationNumber: 'SQ-2027-555' },
    ],
  });
  // The read model has the next term a moment before the run that carries it answers. The
  // time-skipping server's continue-as-new is not atomic (temporalio/sdk-java#1537): a query that
  // meets it between the two runs goes unanswered, and twice in CI the first run's closing event
  // never came and its clock stayed locked. Ask only once the first run has closed as continued.
  await eventually(async () => expect((await suite.h.env.client.workflow.getHandle(registered.body.workflowId, firstRun).describe()).status.name).toBe('CONTINUED_AS_NEW'), 60_000);
  await eventually(
    async () =>
      expect((await call('GET', `/api/v1/licences/${id}/status`)).body).toMatchObject({ stage: 'awaiting_window', nextAction: { kind: 'open_reminder_window', dueAt: '2031-12-24T16:00:00.000Z' } }),
    45_000,
  );
  // On a loaded machine the time-skipping server has been seen to answer for the next run before
  // the run before tells its continue-as-new event: the history is read until it tells both.
  await eventually(async () => {
    const told = (await call('GET', `/api/v1/licences/${id}/history`)).body.events.map((event: { what: string }) => event.what);
    expect(told[0]).toBe('licence registered, lifecycle started');
    expect(told).toEqual(
      expect.arrayContaining(['renewed under the same number: next term recorded', 'term closed as renewed; the licence continues', 'next term started, lifecycle continued']),
    );
    expect(told.indexOf('term closed as renewed; the licence continues')).toBeLessThan(told.indexOf('next term started, lifecycle continued'));
  });
});

it('tells an SMS that was not sent as not sent, with the reason', async () => {
  // A landline: no text can reach it.
  const registered = await call('POST', '/api/v1/licences', weihaiDrugLicence('鲁威药经2023666', '威海康泰药店', { name: '孙丽', phone: '0631-5201234' }));
  expect(registered.status).toBe(201);
  await suite.h.skipTo(new Date((await suite.h.now()) + 10 * 86_400_000).toISOString());
  await eventually(async () =>
    expect((await suite.h.database.prisma.ledgerEntry.findMany({ where: { licenceId: registered.body.id }, orderBy: { remindedAt: 'asc' } })).map((row) => `${row.channel}:${row.outcome}`)).toEqual([
      'auto_prompt:delivered',
      'sms:invalid_number',
    ]),
  );
  const { body } = await call('GET', `/api/v1/licences/${registered.body.id}/history`);
  const sms = body.events.filter((event: { what: string }) => event.what.startsWith('SMS'));
  expect(sms).toEqual([{ at: expect.any(String), what: 'SMS reminder not sent', detail: 'invalid_number' }]);
});

it('sends the next decision to a regulator added to the entry, signed with the key its reference names', async () => {
  const asAdmin = await suite.api.as('admin');
  const key = 'drug-safety-office-key-0001';
  process.env.REGULATOR_KEY_TEST_DRUG_SAFETY = key;
  suite.h.simulators.regulatorKeys.set('weihai:drug-safety', key);
  const added = await asAdmin.call('POST', '/api/v1/regulators', {
    bureau: 'weihai',
    code: 'drug-safety',
    name: '威海市药品安全委员会办公室',
    secretRef: 'env:REGULATOR_KEY_TEST_DRUG_SAFETY',
  });
  expect(added).toMatchObject({ status: 201, body: { id: 'weihai:drug-safety', secretRef: 'env:REGULATOR_KEY_TEST_DRUG_SAFETY', version: 1, entries: [] } });
  const linked = await asAdmin.call('PATCH', `/api/v1/catalogue/${encodeURIComponent('weihai:WH01')}`, {
    regulators: [
      { id: 'weihai:market-supervision', role: 'competent' },
      { id: 'weihai:drug-safety', role: 'supervising' },
    ],
  });
  expect(linked.status).toBe(200);
  expect(linked.body.regulators.map(({ id, role }: { id: string; role: string }) => `${id}:${role}`)).toEqual(['weihai:market-supervision:competent', 'weihai:drug-safety:supervising']);

  const registered = await call('POST', '/api/v1/licences', weihaiDrugLicence('鲁威药经2023777', '威海仁和大药房有限公司', { name: '周强', phone: '13600136000' }, { expiresOn: '2031-05-31' }));
  expect(registered.status).toBe(201);
  const id = registered.body.id;
  expect((await call('POST', `/api/v1/licences/${id}/renewal-application`, { applicationNumber: 'SQ-2027-777', appliedOn: '2027-04-02' })).status).toBe(200);
  const decided = await call('POST', `/api/v1/licences/${id}/renewal-decision`, {
    decision: 'approved',
    decidedOn: '2027-04-02',
    newLicence: { licenceNumber: '鲁威药经2027777', issuedOn: '2027-04-02', expiresOn: '2032-04-01' },
  });
  expect(decided.status).toBe(200);
  await eventually(async () => {
    const reached = suite.h.simulators.deliveries.filter((delivery) => (delivery.body as { licenceNumber: string }).licenceNumber === '鲁威药经2023777');
    expect(reached.map((delivery) => delivery.regulatorId).sort()).toEqual(['weihai:drug-safety', 'weihai:market-supervision']);
  });
  // The regulator refused every request signed with any other key: one attempt each.
  expect(suite.h.simulators.regulatorAttempts.get('weihai:drug-safety')).toBe(1);
  const { body } = await call('GET', `/api/v1/licences/${id}`);
  expect(body.regulatorDeliveries).toHaveLength(2);
  expect(body.regulatorDeliveries).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ regulator: '威海市市场监督管理局', delivered: true }),
      expect.objectContaining({ regulator: '威海市药品安全委员会办公室', delivered: true, attempts: 1 }),
    ]),
  );
  const trail = await asAdmin.call('GET', `/api/v1/catalogue/${encodeURIComponent('weihai:WH01')}`);
  expect(trail.body.changes.at(-1)).toMatchObject({
    changedBy: '管理员（root-admin）',
    before: { regulators: [{ id: 'weihai:market-supervision', role: 'competent' }] },
    after: { regulators: [{ id: 'weihai:drug-safety', role: 'supervising' }, { id: 'weihai:market-supervision', role: 'competent' }] },
  });
});
