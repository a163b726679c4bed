import { contactChangedSignal, renewalApplicationUpdate, renewalDecisionUpdate, correctExpiryUpdate, revocationUpdate } from '../../workflows/licence-definitions';
import { reminderWindowOpensAt } from '../../domain';
import { updateCatalogueEntry } from '../../services/catalogue';
import { licenceHistory } from '../../services/licence-history';
import { DAY, eventually, LifecycleHarness, TEST_CLOCK_START } from '../support/lifecycle';
import { quietTemporalLogs } from '../support/temporal';

quietTemporalLogs();

const after = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();

// Every test starts on a fresh test server whose clock starts at 2026-11-15 00:00 UTC, whatever
// the day the suite runs, and follows one licence expiring 2027-05-31: its window opens 2027-02-28 00:00 Shanghai; with the default
// ladder the auto prompt goes then, the SMS falls due 7 days later (Sunday 7 March, 00:00) and goes
// out in the next send window (Monday 8 March, 09:00), the phone task 14 days after that.
const t = {
  startAt: TEST_CLOCK_START,
  year: 2027,
  expiresOn: '2027-05-31',
  windowOpens: '2027-02-27T16:00:00.000Z',
  smsDue: '2027-03-06T16:00:00.000Z',
  smsSent: '2027-03-08T01:00:00.000Z',
  callDue: '2027-03-22T01:00:00.000Z',
  lapses: '2027-05-31T16:00:00.000Z',
};

let h: LifecycleHarness;

beforeAll(async () => {
  h = await LifecycleHarness.start({ startAt: t.startAt });
});
beforeEach(async () => h.beginTest());
afterEach(async () => h.endTest());
afterAll(async () => {
  await h?.teardown();
});

/** What the simulated regulators were told of a licence, in order: each decision or closure once. */
const told = (licenceNumber: string) =>
  h.simulators.deliveries
    .filter((delivery) => (delivery.body as { licenceNumber: string }).licenceNumber === licenceNumber)
    .map((delivery) => `${delivery.regulatorId}:${(delivery.body as { decision: { decision: string } }).decision.decision}`);

const approved = (licenceNumber: string, year: number) => ({
  decision: 'approved' as const,
  decidedOn: `${year}-01-10`,
  newLicence: { licenceNumber, issuedOn: `${year}-01-10`, expiresOn: `${year + 5}-01-09` },
});

it('sleeps until the window, then climbs the ladder at the exact instants: prompt, SMS, phone task', async () => {
  const licence = await h.register('LADDER-1', t.expiresOn);
  await h.skipTo(after(t.windowOpens, -DAY));
  expect(await h.status(licence)).toMatchObject({ stage: 'awaiting_window', nextAction: { kind: 'open_reminder_window', dueAt: t.windowOpens } });
  expect(await h.ledger(licence.id)).toEqual([]);

  await h.skipTo(after(t.windowOpens, 60_000));
  await eventually(async () => expect(await h.ledger(licence.id)).toEqual(['auto_prompt:delivered']));
  const open = await h.status(licence);
  expect(open.stage).toBe('window_open');
  expect(open.steps.find((step) => step.kind === 'reminder_window_opened')?.at).toBe(t.windowOpens);
  // The text is due on a Sunday night: the next action says when it goes, Monday's first send window.
  expect(open.nextAction).toEqual({ kind: 'sms', dueAt: t.smsSent });
  const opened = await h.database.prisma.licenceEvent.findFirst({ where: { licenceId: licence.id, kind: 'reminder_window_opened' } });
  expect(opened?.occurredAt.toISOString()).toBe(t.windowOpens);

  await h.skipTo(after(t.smsDue, 60_000));
  expect(await h.ledger(licence.id)).toEqual(['auto_prompt:delivered']);
  expect((await h.status(licence)).nextAction).toEqual({ kind: 'sms', dueAt: t.smsSent });
  await h.skipTo(after(t.smsSent, 60_000));
  await eventually(async () => expect(await h.ledger(licence.id)).toEqual(['auto_prompt:delivered', 'sms:sent']));
  const sms = h.textsFor('LADDER-1');
  expect(sms).toHaveLength(1);
  expect(sms[0]!.phone).toBe('13800138000');
  expect(sms[0]!.text).toContain('2027-05-31');
  // The wait starts once the SMS's delivery receipt is in.
  await eventually(async () => expect((await h.status(licence)).nextAction).toEqual({ kind: 'phone_call', dueAt: t.callDue }));

  await h.skipTo(after(t.callDue, 60_000));
  const task = await h.openTask(licence.id, 'phone_call');
  // Three working days from Monday 2027-03-22: Thursday 25 March, end of day.
  expect(task.dueAt.toISOString()).toBe('2027-03-25T15:59:59.999Z');
  await h.complete(task, 'reached');
  await eventually(async () =>
    expect(await h.ledger(licence.id)).toEqual(['auto_prompt:delivered', 'sms:sent', 'phone_call:reached']),
  );
  expect((await h.status(licence)).nextAction).toEqual({ kind: 'record_expiry', dueAt: t.lapses });
});

it('a phone task still open at its due time is escalated to the supervisors once, and still awaited', async () => {
  const licence = await h.register('OVERDUE-1', t.expiresOn);
  await h.skipTo(after(t.callDue, 60_000));
  const task = await h.openTask(licence.id, 'phone_call');
  const due = task.dueAt.toISOString();
  const alerts = () => h.database.prisma.alert.findMany({ where: { licenceId: licence.id, kind: 'task_overdue' } });

  await h.skipTo(after(due, -60_000));
  expect(await alerts()).toEqual([]);
  await h.skipTo(after(due, 60_000));
  await eventually(async () => expect(await alerts()).toHaveLength(1));
  const [alert] = await alerts();
  expect(alert!.message).toContain('市场准入二科的电话提醒任务（OVERDUE-1）已逾期未办结');
  const escalated = await h.database.prisma.humanTask.findUniqueOrThrow({ where: { id: task.id } });
  expect(escalated.escalatedAt?.getTime()).toBeGreaterThanOrEqual(Date.parse(due));
  expect(escalated.status).toBe('open');
  expect((await h.status(licence)).steps.filter((step) => step.kind === 'task_overdue')).toHaveLength(1);

  // Days later the alert is still the only one, and completing the task moves the ladder on.
  await h.skipTo(after(due, 3 * DAY));
  expect(await alerts()).toHaveLength(1);
  await h.complete(task, 'reached');
  await eventually(async () => expect(await h.ledger(licence.id)).toEqual(['auto_prompt:delivered', 'sms:sent', 'phone_call:reached']));
});

it('renewed before the window: no reminder at all, decision pushed, new licence started', async () => {
  const licence = await h.register('EARLY-1', t.expiresOn);
  await h.skipTo(`${t.year}-01-05T00:00:00.000Z`);
  await expect(licence.handle.executeUpdate(renewalDecisionUpdate, { args: [approved('EARLY-2', t.year)] })).rejects.toThrow();
  expect(await licence.handle.executeUpdate(renewalApplicationUpdate, { args: [{ applicationNumber: 'A-1', appliedOn: `${t.year}-01-05` }] })).toEqual({
    stage: 'renewal_pending',
  });
  await eventually(async () => expect((await h.status(licence)).stage).toBe('renewal_pending'));
  await licence.handle.executeUpdate(renewalDecisionUpdate, { args: [approved('EARLY-2', t.year)] });
  const final = await licence.handle.result();
  expect(final.stage).toBe('renewed');
  expect(await h.ledger(licence.id)).toEqual([]);
  const deliveries = h.simulators.deliveries.filter((d) => (d.body as { licenceNumber: string }).licenceNumber === 'EARLY-1');
  expect(deliveries).toHaveLength(1);
  expect(deliveries[0]!.regulatorId).toBe('weihai:market-supervision');
  const renewed = await h.database.prisma.licence.findUniqueOrThrow({ where: { bureauCode_licenceNumber: { bureauCode: 'weihai', licenceNumber: 'EARLY-2' } } });
  expect(renewed.expiresOn.toISOString().slice(0, 10)).toBe(`${t.year + 5}-01-09`);
  const next = await h.env.client.workflow.getHandle(renewed.workflowId).describe();
  expect(next.status.name).toBe('RUNNING');
});

it('renewed keeping its number (延续): the next term runs in the same workflow, its window counted from the new expiry', async () => {
  const licence = await h.register('SC-1', t.expiresOn);
  await h.skipTo(after(t.windowOpens, 60_000));
  await eventually(async () => expect(await h.ledger(licence.id)).toEqual(['auto_prompt:delivered']));
  const firstRun = (await licence.handle.describe()).runId;
  await licence.handle.executeUpdate(renewalApplicationUpdate, { args: [{ applicationNumber: 'A-SC', appliedOn: `${t.year}-03-01` }] });
  const next = { licenceNumber: 'SC-1', issuedOn: `${t.year}-03-05`, expiresOn: `${t.year + 5}-03-04` };
  await licence.handle.executeUpdate(renewalDecisionUpdate, { args: [{ decision: 'approved', decidedOn: next.issuedOn, newLicence: next }] });
  // The time-skipping server's continue-as-new is not atomic (temporalio/sdk-java#1537): wait for the first run to close.
  await eventually(async () => expect((await h.env.client.workflow.getHandle(licence.workflowId, firstRun).describe()).status.name).toBe('CONTINUED_AS_NEW'), 60_000);

  // Three months before 2032-03-04: midnight of 2031-12-04 in Shanghai.
  const nextWindow = reminderWindowOpensAt(next.expiresOn, 3, 'Asia/Shanghai').toUTC().toISO()!;
  await eventually(async () =>
    expect(await h.status(licence)).toMatchObject({ stage: 'awaiting_window', expiresOn: next.expiresOn, nextAction: { kind: 'open_reminder_window', dueAt: nextWindow } }),
  );
  const description = await licence.handle.describe();
  expect(description).toMatchObject({ workflowId: 'licence/weihai/SC-1', status: { name: 'RUNNING' } });
  expect(description.runId).not.toBe(firstRun);
  expect(h.simulators.deliveries.filter((d) => (d.body as { licenceNumber: string }).licenceNumber === 'SC-1')).toHaveLength(1);
  const row = await h.database.prisma.licence.findUniqueOrThrow({ where: { id: licence.id }, include: { terms: { orderBy: { term: 'asc' } } } });
  expect(row).toMatchObject({ term: 2, stage: 'awaiting_window', expiresOn: new Date(`${next.expiresOn}T00:00:00.000Z`), reminderWindowOpensAt: new Date(nextWindow) });
  expect(row.terms.map((term) => [term.term, term.issuedOn.toISOString().slice(0, 10), term.expiresOn.toISOString().slice(0, 10), term.applicationNumber])).toEqual([
    [1, '2022-05-31', t.expiresOn, null],
    [2, next.issuedOn, next.expiresOn, 'A-SC'],
  ]);

  // The next term is reminded afresh: its steps have keys of their own, and its ledger row its own expiry.
  await h.skipTo(after(nextWindow, 60_000));
  await eventually(async () => expect(await h.ledger(licence.id)).toEqual(['auto_prompt:delivered', 'auto_prompt:delivered']));
  const ledger = await h.database.prisma.ledgerEntry.findMany({ where: { licenceId: licence.id }, orderBy: { remindedAt: 'asc' } });
  expect(ledger.map((entry) => entry.expiresOn.toISOString().slice(0, 10))).toEqual([t.expiresOn, next.expiresOn]);
  await licence.handle.executeUpdate(revocationUpdate, { args: [{ reason: '企业申请注销', revokedOn: `${t.year + 4}-12-10` }] });
  expect((await licence.handle.result()).stage).toBe('revoked');
});

it('an approved renewal whose new licence is refused (its catalogue entry retired meanwhile): an alert and a task say what to fix, nothing retries, and it goes on once fixed', async () => {
  const licence = await h.register('RETIRED-1', t.expiresOn);
  await h.skipTo(`${t.year}-01-05T00:00:00.000Z`);
  await licence.handle.executeUpdate(renewalApplicationUpdate, { args: [{ applicationNumber: 'A-R1', appliedOn: `${t.year}-01-05` }] });
  const entry = await h.database.prisma.catalogueEntry.findFirstOrThrow({ where: { bureauCode: 'weihai', code: 'WH01' } });
  await h.database.prisma.catalogueEntry.update({ where: { id: entry.id }, data: { retiredAt: new Date() } });
  let task: Awaited<ReturnType<typeof h.openTask>>;
  try {
    await licence.handle.executeUpdate(renewalDecisionUpdate, { args: [approved('RETIRED-2', t.year)] });
    task = await h.openTask(licence.id, 'resolve_refusal');
    expect(task.note).toContain('RETIRED-2');
    expect(task.note).toContain('licenceType');
    const alert = await h.database.prisma.alert.findFirstOrThrow({ where: { licenceId: licence.id, kind: 'step_refused' } });
    expect(alert.message).toContain('RETIRED-2');
    expect((await licence.handle.describe()).raw.pendingActivities ?? []).toEqual([]);
    expect((await h.status(licence)).stage).toBe('renewal_approved');
  } finally {
    await h.database.prisma.catalogueEntry.update({ where: { id: entry.id }, data: { retiredAt: null } });
  }
  await h.complete(task, 'fixed');
  expect((await licence.handle.result()).stage).toBe('renewed');
  expect(await h.database.prisma.licence.findUnique({ where: { bureauCode_licenceNumber: { bureauCode: 'weihai', licenceNumber: 'RETIRED-2' } } })).not.toBeNull();
});

it('a run whose history grows long continues as new where it stood: the awaited phone task is the same, nothing is reminded twice', async () => {
  const licence = await h.register('LONG-1', t.expiresOn);
  await h.skipTo(after(t.callDue, 60_000));
  const task = await h.openTask(licence.id, 'phone_call');
  const firstRun = (await licence.handle.describe()).runId;
  // A contact change is one event: 1,100 of them take the run past its limit while it awaits the call.
  for (let sent = 0; sent < 1_100; sent += 100) await Promise.all(Array.from({ length: 100 }, () => licence.handle.signal(contactChangedSignal)));
  await eventually(async () => expect((await licence.handle.describe()).runId).not.toBe(firstRun), 60_000);
  const continued = await eventually(async () => {
    const status = await h.status(licence);
    expect(status).toMatchObject({ stage: 'window_open', expiresOn: t.expiresOn, nextAction: { kind: 'await_task', taskId: task.id } });
    return status;
  });
  expect(continued.steps.map((step) => step.kind)).toContain('history_continued');

  await h.complete(task, 'reached');
  await eventually(async () => expect(await h.ledger(licence.id)).toEqual(['auto_prompt:delivered', 'sms:sent', 'phone_call:reached']));
  expect(await h.tasks(licence.id)).toEqual(['phone_call#1:completed:reached']);
  const history = await licence.handle.fetchHistory();
  expect(history.events!.length).toBeLessThan(1_000);
  const told = (await licenceHistory(h.env.client, licence.workflowId)).map((entry) => entry.what);
  expect(told.filter((what) => what === 'history continued in a fresh run, the term where it stood')).toHaveLength(1);
  expect(told).not.toContain('next term started, lifecycle continued');
});

it('renewed under a number the approval system registered itself, with other details: linked, and the licence ends renewed', async () => {
  const licence = await h.register('OLD-7', t.expiresOn);
  await h.register('NEW-7', `${t.year + 5}-05-31`, { contact: { name: '李雷', phone: '13900139000' }, issuedOn: `${t.year}-01-10` });
  await h.skipTo(`${t.year}-01-05T00:00:00.000Z`);
  await licence.handle.executeUpdate(renewalApplicationUpdate, { args: [{ applicationNumber: 'A-7', appliedOn: `${t.year}-01-05` }] });
  await licence.handle.executeUpdate(renewalDecisionUpdate, { args: [approved('NEW-7', t.year)] });
  await eventually(async () => expect((await h.status(licence)).stage).toBe('renewed'));
  expect((await licence.handle.result()).stage).toBe('renewed');
  const application = await h.database.prisma.renewalApplication.findFirstOrThrow({ where: { licenceId: licence.id } });
  expect(application).toMatchObject({ decision: 'approved', newLicenceNumber: 'NEW-7' });
  // The successor keeps what its approval system registered.
  const successor = await h.database.prisma.licence.findUniqueOrThrow({ where: { bureauCode_licenceNumber: { bureauCode: 'weihai', licenceNumber: 'NEW-7' } } });
  expect(successor.contactName).toBe('李雷');
});

it('renewed mid-ladder: the SMS went out, no phone task is ever created', async () => {
  const licence = await h.register('MID-1', t.expiresOn);
  await h.skipTo(after(t.smsSent, 60_000));
  await eventually(async () => expect(await h.ledger(licence.id)).toEqual(['auto_prompt:delivered', 'sms:sent']));
  await licence.handle.executeUpdate(renewalApplicationUpdate, { args: [{ applicationNumber: 'A-2', appliedOn: `${t.year}-03-08` }] });
  await h.skipTo(after(t.callDue, DAY));
  expect((await h.status(licence)).stage).toBe('renewal_pending');
  await licence.handle.executeUpdate(renewalDecisionUpdate, { args: [approved('MID-2', t.year)] });
  expect((await licence.handle.result()).stage).toBe('renewed');
  expect(await h.tasks(licence.id)).toEqual([]);
  expect(h.textsFor('MID-1')).toHaveLength(1);
});

it('phone no_answer is tried again two days later, then reached: no letter', async () => {
  const licence = await h.register('CALL-1', t.expiresOn);
  await h.skipTo(after(t.callDue, 60_000));
  const first = await h.openTask(licence.id, 'phone_call');
  expect(first.attempt).toBe(1);
  await h.complete(first, 'no_answer');
  await eventually(async () => expect(await h.tasks(licence.id)).toEqual(['phone_call#1:completed:no_answer']));
  await h.skipTo(after(t.callDue, 2 * DAY + 120_000));
  const second = await h.openTask(licence.id, 'phone_call');
  expect(second.attempt).toBe(2);
  await h.complete(second, 'reached');
  await eventually(async () =>
    expect(await h.ledger(licence.id)).toEqual(['auto_prompt:delivered', 'sms:sent', 'phone_call:no_answer', 'phone_call:reached']),
  );
  await h.skipTo(after(t.callDue, 30 * DAY));
  expect(await h.tasks(licence.id)).toEqual(['phone_call#1:completed:no_answer', 'phone_call#2:completed:reached']);
});

it('wrong_number goes straight to the letter and flags the contact; the letter waits for the renewal guidance', async () => {
  const licence = await h.register('WRONG-1', t.expiresOn);
  await h.skipTo(after(t.callDue, 60_000));
  await h.complete(await h.openTask(licence.id, 'phone_call'), 'wrong_number');

  // The seeds give no renewal guidance: the department is asked for it, and no letter is written.
  const guidanceTask = await h.openTask(licence.id, 'complete_guidance');
  expect((await h.database.prisma.licence.findUniqueOrThrow({ where: { id: licence.id } })).contactFlaggedAt).not.toBeNull();
  expect(await h.database.prisma.letter.count({ where: { licenceId: licence.id } })).toBe(0);
  // The task row is written by the activity; the workflow notes the step once it has the task's id.
  await eventually(async () =>
    expect((await h.status(licence)).steps.find((step) => step.kind === 'guidance_requested')?.detail).toBe(
      'renewalDeadline, officeAddress, servicePhone, materials',
    ),
  );
  await updateCatalogueEntry(
    { prisma: h.database.prisma, temporal: h.env.client, taskQueue: h.taskQueue },
    'weihai:WH01',
    { renewalDeadline: '届满前30个工作日', officeAddress: '威海市政务服务中心二楼B区', servicePhone: '0631-5201234', materials: ['延续申请表', '营业执照副本'] },
    '李强',
  );
  expect((await h.database.prisma.humanTask.findUniqueOrThrow({ where: { id: guidanceTask.id } })).outcome).toBe('completed');

  const letterTask = await h.openTask(licence.id, 'send_letter');
  const letter = await h.database.prisma.letter.findUniqueOrThrow({ where: { id: letterTask.letterId! } });
  expect(letter.body).toContain('威海康宁大药房有限公司');
  expect(letter.body).toContain(t.expiresOn);
  expect(letter.body).toContain('申请换证时限：届满前30个工作日');
  expect(letter.body).toContain('提交材料：1. 延续申请表；2. 营业执照副本');
  await h.complete(letterTask, 'sent');
  await eventually(async () =>
    expect(await h.ledger(licence.id)).toEqual(['auto_prompt:delivered', 'sms:sent', 'phone_call:wrong_number', 'letter:sent']),
  );
});

it('expired without renewal: stage expired with an alert, then lapsed after the grace period', async () => {
  const licence = await h.register('LAPSE-1', t.expiresOn);
  await h.skipTo(after(t.callDue, 60_000));
  await h.complete(await h.openTask(licence.id, 'phone_call'), 'refused');
  await h.skipTo(after(t.lapses, 60_000));
  await eventually(async () => expect((await h.status(licence)).stage).toBe('expired'));
  const alerts = await h.database.prisma.alert.findMany({ where: { licenceId: licence.id } });
  expect(alerts.map((alert) => alert.kind)).toEqual(['licence_expired']);
  expect(await h.ledger(licence.id)).toEqual(['auto_prompt:delivered', 'sms:sent', 'phone_call:refused', 'expiry:expired_unrenewed']);
  const expired = await h.database.prisma.licenceEvent.findFirstOrThrow({ where: { licenceId: licence.id, kind: 'expired' } });
  expect(expired.occurredAt.toISOString()).toBe(t.lapses);
  const final = await licence.handle.result();
  expect(final.stage).toBe('lapsed');
  const lapsed = await h.database.prisma.licenceEvent.findFirstOrThrow({ where: { licenceId: licence.id, kind: 'lapsed' } });
  expect(lapsed.occurredAt.toISOString()).toBe(after(t.lapses, 30 * DAY));
  expect(told('LAPSE-1')).toEqual(['weihai:market-supervision:lapsed']);
});

it('a holder who says it already renewed: a specialist confirms it in the approval system, and at expiry the term closes as renewed, with no expiry alert and no lapse', async () => {
  const licence = await h.register('TOLD-1', t.expiresOn);
  await h.skipTo(after(t.callDue, 60_000));
  await h.complete(await h.openTask(licence.id, 'phone_call'), 'already_renewed');
  const check = await h.openTask(licence.id, 'confirm_renewal');
  await h.complete(check, 'renewal_found');
  await h.skipTo(after(t.lapses, 60_000));
  expect((await licence.handle.result()).stage).toBe('renewed');
  expect(await h.database.prisma.alert.findMany({ where: { licenceId: licence.id } })).toEqual([]);
  expect(await h.ledger(licence.id)).toEqual(['auto_prompt:delivered', 'sms:sent', 'phone_call:already_renewed']);
  expect((await h.database.prisma.licence.findUniqueOrThrow({ where: { id: licence.id } })).stage).toBe('renewed');
});

it('a holder who says it already renewed, but the approval system knows nothing of it: the ladder goes on to the letter', async () => {
  const licence = await h.register('TOLD-2', t.expiresOn);
  await h.skipTo(after(t.callDue, 60_000));
  await h.complete(await h.openTask(licence.id, 'phone_call'), 'already_renewed');
  await h.complete(await h.openTask(licence.id, 'confirm_renewal'), 'not_renewed');
  // The letter step: its guidance task, or its letter when an earlier test completed the guidance.
  await eventually(async () =>
    expect((await h.database.prisma.humanTask.findMany({ where: { licenceId: licence.id, kind: { in: ['complete_guidance', 'send_letter'] } } })).length).toBe(1),
  );
  expect(await h.ledger(licence.id)).toEqual(['auto_prompt:delivered', 'sms:sent', 'phone_call:already_renewed']);
});

it('revoked while sleeping: ends at once with its reason', async () => {
  const licence = await h.register('REVOKE-1', t.expiresOn);
  await h.skipTo(`${t.year}-01-01T00:00:00.000Z`);
  await licence.handle.executeUpdate(revocationUpdate, { args: [{ reason: '企业申请注销', revokedOn: `${t.year}-01-01` }] });
  expect((await licence.handle.result()).stage).toBe('revoked');
  const row = await h.database.prisma.licence.findUniqueOrThrow({ where: { id: licence.id } });
  expect(row).toMatchObject({ stage: 'revoked', closedReason: '企业申请注销' });
  expect(await h.ledger(licence.id)).toEqual([]);
  expect(told('REVOKE-1')).toEqual(['weihai:market-supervision:revoked']);
});

it('a licence type with no regulator: its approval is not pushed to nobody, a task asks for the regulators, and the push goes once they are set', async () => {
  const licence = await h.register('NOREG-1', t.expiresOn, { licenceType: 'WH05' });
  const links = await h.database.prisma.catalogueRegulator.findMany({ where: { catalogueEntryId: 'weihai:WH05' } });
  await h.database.prisma.catalogueRegulator.deleteMany({ where: { catalogueEntryId: 'weihai:WH05' } });
  try {
    await h.skipTo(`${t.year}-01-05T00:00:00.000Z`);
    await licence.handle.executeUpdate(renewalApplicationUpdate, { args: [{ applicationNumber: 'A-NR', appliedOn: `${t.year}-01-05` }] });
    await licence.handle.executeUpdate(renewalDecisionUpdate, { args: [approved('NOREG-2', t.year)] });
    const task = await h.openTask(licence.id, 'resolve_refusal');
    expect(task.note).toContain('no regulator');
    expect((await h.status(licence)).stage).toBe('renewal_approved');
    await h.database.prisma.catalogueRegulator.createMany({ data: links });
    await h.complete(task, 'fixed');
    expect((await licence.handle.result()).stage).toBe('renewed');
  } finally {
    await h.database.prisma.catalogueRegulator.createMany({ data: links, skipDuplicates: true });
  }
  expect(told('NOREG-1')).toEqual(links.map((link) => `${link.regulatorId}:approved`));
});

it('expiry corrected while sleeping moves the window', async () => {
  const licence = await h.register('CORRECT-1', t.expiresOn);
  await h.skipTo(`${t.year}-01-01T00:00:00.000Z`);
  expect(await licence.handle.executeUpdate(correctExpiryUpdate, { args: [{ expiresOn: `${t.year}-08-31` }] })).toEqual({
    reminderWindowOpensOn: `${t.year}-05-31`,
  });
  await h.skipTo(after(t.windowOpens, DAY));
  expect((await h.status(licence)).stage).toBe('awaiting_window');
  expect(await h.ledger(licence.id)).toEqual([]);
  await h.skipTo(`${t.year}-05-30T16:01:00.000Z`);
  await eventually(async () => expect(await h.ledger(licence.id)).toEqual(['auto_prompt:delivered']));
  const opened = await h.database.prisma.licenceEvent.findFirstOrThrow({ where: { licenceId: licence.id, kind: 'reminder_window_opened' } });
  expect(opened.occurredAt.toISOString()).toBe(`${t.year}-05-30T16:00:00.000Z`);
});

it('expiry corrected while in the ladder: open tasks withdrawn, the ladder starts afresh at the new window', async () => {
  const licence = await h.register('CORRECT-2', t.expiresOn);
  await h.skipTo(after(t.callDue, 60_000));
  await h.openTask(licence.id, 'phone_call');
  await licence.handle.executeUpdate(correctExpiryUpdate, { args: [{ expiresOn: `${t.year + 1}-05-31` }] });
  await eventually(async () => expect(await h.tasks(licence.id)).toEqual(['phone_call#1:cancelled']));
  await eventually(async () => expect((await h.status(licence)).stage).toBe('awaiting_window'));
  await h.skipTo(after(reminderWindowOpensAt(`${t.year + 1}-05-31`, 3, 'Asia/Shanghai').toUTC().toISO()!, 60_000));
  await eventually(async () =>
    expect(await h.ledger(licence.id)).toEqual(['auto_prompt:delivered', 'sms:sent', 'auto_prompt:delivered']),
  );
  expect(h.simulators.prompts.filter((prompt) => prompt.idempotencyKey.includes('CORRECT-2'))).toHaveLength(2);
});

it('a regulator failing for two simulated days gets the decision exactly once when it recovers', async () => {
  const licence = await h.register('PUSH-1', t.expiresOn);
  await h.skipTo(`${t.year}-01-05T00:00:00.000Z`);
  const outageEnds = (await h.now()) + 2 * DAY;
  h.simulators.setRegulatorOutage('weihai:market-supervision', { status: 500, failing: async () => (await h.now()) < outageEnds });
  try {
    await licence.handle.executeUpdate(renewalApplicationUpdate, { args: [{ applicationNumber: 'A-9', appliedOn: `${t.year}-01-05` }] });
    await licence.handle.executeUpdate(renewalDecisionUpdate, { args: [approved('PUSH-2', t.year)] });
    expect((await licence.handle.result()).stage).toBe('renewed');
  } finally {
    h.simulators.setRegulatorOutage('weihai:market-supervision', undefined);
  }
  const deliveries = h.simulators.deliveries.filter((d) => (d.body as { licenceNumber: string }).licenceNumber === 'PUSH-1');
  expect(deliveries).toHaveLength(1);
  const delivery = await h.database.prisma.regulatorDelivery.findFirstOrThrow({ where: { licenceId: licence.id }, include: { attemptLog: true } });
  expect(delivery.attempts).toBeGreaterThan(5);
  expect(delivery.attemptLog.filter((attempt) => attempt.httpStatus === 500)).toHaveLength(delivery.attempts - 1);
  expect(Date.parse(deliveries[0]!.at)).toBeGreaterThanOrEqual(outageEnds);
  expect(delivery.receipt).toBe(deliveries[0]!.receiptId);
  // Tried inside the workflow task first, the push went on through the server once those tries failed.
  const throughServer = ((await licence.handle.fetchHistory()).events ?? []).flatMap((event) => event.activityTaskScheduledEventAttributes?.activityType?.name ?? []);
  expect(throughServer).toEqual(['pushDecisionToRegulator']);
});

it('while an approved decision is being pushed the read model says renewal_approved, a revocation or an expiry correction is refused, and the licence closes as renewed', async () => {
  const licence = await h.register('PUSH-3', t.expiresOn);
  await h.skipTo(`${t.year}-01-05T00:00:00.000Z`);
  const outageEnds = (await h.now()) + DAY;
  h.simulators.setRegulatorOutage('weihai:market-supervision', { status: 503, failing: async () => (await h.now()) < outageEnds });
  try {
    await licence.handle.executeUpdate(renewalApplicationUpdate, { args: [{ applicationNumber: 'A-33', appliedOn: `${t.year}-01-05` }] });
    await licence.handle.executeUpdate(renewalDecisionUpdate, { args: [approved('PUSH-4', t.year)] });
    // Dashboards and the PATCH answer read the stage from the read model: it says the approval is being pushed.
    await eventually(async () =>
      expect({ workflow: (await h.status(licence)).stage, readModel: (await h.database.prisma.licence.findUniqueOrThrow({ where: { id: licence.id } })).stage }).toEqual({
        workflow: 'renewal_approved',
        readModel: 'renewal_approved',
      }),
    );
    const refused = { cause: { message: expect.stringMatching(/PUSH-4\) is being pushed to the regulators/) } };
    await expect(licence.handle.executeUpdate(revocationUpdate, { args: [{ reason: '吊销', revokedOn: `${t.year}-01-05` }] })).rejects.toMatchObject(refused);
    await expect(licence.handle.executeUpdate(correctExpiryUpdate, { args: [{ expiresOn: `${t.year}-06-30` }] })).rejects.toMatchObject(refused);
    expect((await licence.handle.result()).stage).toBe('renewed');
  } finally {
    h.simulators.setRegulatorOutage('weihai:market-supervision', undefined);
  }
  expect((await h.database.prisma.licence.findUniqueOrThrow({ where: { id: licence.id } })).closedReason).toBeNull();
});

it('the read model follows the stage back: after a rejected application, an expiry moved out of the window, an expiry moved past an expiry', async () => {
  const stages = async (licence: { id: string; workflowId: string }) => ({
    workflow: (await h.status(licence)).stage,
    readModel: (await h.database.prisma.licence.findUniqueOrThrow({ where: { id: licence.id } })).stage,
  });
  const both = (stage: string) => ({ workflow: stage, readModel: stage });
  const licence = await h.register('STAGE-1', t.expiresOn);
  const stale = await h.register('STAGE-2', t.expiresOn);
  await h.skipTo(after(t.windowOpens, 60_000));
  await eventually(async () => expect(await stages(licence)).toEqual(both('window_open')));
  await licence.handle.executeUpdate(renewalApplicationUpdate, { args: [{ applicationNumber: 'A-ST', appliedOn: `${t.year}-02-28` }] });
  await eventually(async () => expect(await stages(licence)).toEqual(both('renewal_pending')));
  await licence.handle.executeUpdate(renewalDecisionUpdate, { args: [{ decision: 'rejected', decidedOn: `${t.year}-03-01` }] });
  await eventually(async () => expect(await stages(licence)).toEqual(both('window_open')));
  // A year later: the window is months away again.
  await licence.handle.executeUpdate(correctExpiryUpdate, { args: [{ expiresOn: `${t.year + 1}-05-31` }] });
  await eventually(async () => expect(await stages(licence)).toEqual(both('awaiting_window')));

  await h.skipTo(after(t.lapses, DAY));
  await eventually(async () => expect(await stages(stale)).toEqual(both('expired')));
  // Corrected to the end of July: current again, inside its window.
  await stale.handle.executeUpdate(correctExpiryUpdate, { args: [{ expiresOn: `${t.year}-07-31` }] });
  await eventually(async () => expect(await stages(stale)).toEqual(both('window_open')));
});

it('a rejected application resumes the ladder where it stood: no second SMS, the phone task when due', async () => {
  const licence = await h.register('REJECT-1', t.expiresOn);
  await h.skipTo(after(t.smsSent, 60_000));
  await eventually(async () => expect(await h.ledger(licence.id)).toEqual(['auto_prompt:delivered', 'sms:sent']));
  await licence.handle.executeUpdate(renewalApplicationUpdate, { args: [{ applicationNumber: 'A-3', appliedOn: '2027-03-08' }] });
  await eventually(async () => expect((await h.status(licence)).stage).toBe('renewal_pending'));
  await licence.handle.executeUpdate(renewalDecisionUpdate, { args: [{ decision: 'rejected', decidedOn: '2027-03-09' }] });
  await eventually(async () =>
    expect(await h.status(licence)).toMatchObject({ stage: 'window_open', nextAction: { kind: 'phone_call', dueAt: t.callDue } }),
  );
  await h.skipTo(after(t.callDue, 60_000));
  expect((await h.openTask(licence.id, 'phone_call')).attempt).toBe(1);
  expect(h.textsFor('REJECT-1')).toHaveLength(1);
  expect(await h.ledger(licence.id)).toEqual(['auto_prompt:delivered', 'sms:sent']);
  // 事中事后监管: the supervising departments hear of the rejection too.
  expect(told('REJECT-1')).toEqual(['weihai:market-supervision:rejected']);
});

it('registered after its expiry date: recorded as expired with an alert, no ladder', async () => {
  const licence = await h.register('LATE-1', '2026-11-01');
  await eventually(async () => expect((await h.status(licence)).stage).toBe('expired'));
  // The workflow's stage says expired as soon as it decides; the ledger row and the alert are
  // written by the activities that follow.
  await eventually(async () => expect(await h.ledger(licence.id)).toEqual(['expiry:expired_unrenewed']));
  const alerts = await eventually(async () => {
    const rows = await h.database.prisma.alert.findMany({ where: { licenceId: licence.id } });
    expect(rows).toHaveLength(1);
    return rows;
  });
  expect(alerts.map((alert) => alert.kind)).toEqual(['licence_expired']);
  expect(h.simulators.prompts.filter((prompt) => prompt.idempotencyKey.includes('LATE-1'))).toEqual([]);
});

it('a five-year licence lives its whole life: sleep, ladder, renewal, regulator receipt, successor started', async () => {
  // Issued today (test-server time), valid five years.
  const today = new Date(await h.now()).toISOString().slice(0, 10);
  const expiresOn = `${Number(today.slice(0, 4)) + 5}${today.slice(4)}`;
  const licence = await h.register('LIFE-1', expiresOn, { issuedOn: today });
  const windowOpens = reminderWindowOpensAt(expiresOn, 3, 'Asia/Shanghai').toMillis();
  // The prompt at the window, the SMS a week later and the call two weeks after it, each moved
  // to the next send window when due at night or on a day off: all done within 30 days.
  await h.skipTo(after(new Date(windowOpens).toISOString(), 30 * DAY));
  await h.complete(await h.openTask(licence.id, 'phone_call'), 'reached');
  await eventually(async () => expect(await h.ledger(licence.id)).toEqual(['auto_prompt:delivered', 'sms:sent', 'phone_call:reached']));
  await h.skipTo(after(new Date(windowOpens).toISOString(), 40 * DAY));
  const appliedOn = new Date(await h.now()).toISOString().slice(0, 10);
  await licence.handle.executeUpdate(renewalApplicationUpdate, { args: [{ applicationNumber: 'A-LIFE', appliedOn }] });
  await licence.handle.executeUpdate(renewalDecisionUpdate, {
    args: [{ decision: 'approved', decidedOn: appliedOn, newLicence: { licenceNumber: 'LIFE-2', issuedOn: appliedOn, expiresOn: `${Number(expiresOn.slice(0, 4)) + 5}${expiresOn.slice(4)}` } }],
  });
  expect((await licence.handle.result()).stage).toBe('renewed');
  expect(h.simulators.deliveries.filter((d) => (d.body as { licenceNumber: string }).licenceNumber === 'LIFE-1')).toHaveLength(1);
  const successor = await h.database.prisma.licence.findFirstOrThrow({ where: { licenceNumber: 'LIFE-2' } });
  expect((await h.env.client.workflow.getHandle(successor.workflowId).describe()).status.name).toBe('RUNNING');
});

it("a dependant follows its parent: the parent's renewal moves its expiry, the parent's revocation ends it", async () => {
  const luliang = { bureau: 'luliang', holder: { name: '吕梁顺风出租汽车有限公司' }, contact: { name: '郭强', phone: '13700137000' } };
  const company = await h.register('晋吕道运2022001', '2027-05-31', { ...luliang, licenceType: 'LL18' });
  const taxi = await h.register('晋吕出租2022001', '2027-05-31', { ...luliang, licenceType: 'LL15', parentLicenceNumber: '晋吕道运2022001' });
  await h.skipTo('2027-01-05T00:00:00.000Z');
  await company.handle.executeUpdate(renewalApplicationUpdate, { args: [{ applicationNumber: 'A-CO', appliedOn: '2027-01-05' }] });
  await company.handle.executeUpdate(renewalDecisionUpdate, {
    args: [{ decision: 'approved', decidedOn: '2027-01-10', newLicence: { licenceNumber: '晋吕道运2027001', issuedOn: '2027-01-10', expiresOn: '2031-01-09' } }],
  });
  // The clock is held until the certificate has taken the correction in: waiting for the company's
  // result would let the server skip to the certificate's old window (2027-02-28), which then opens
  // before the correction arrives.
  const release = await h.holdTime();
  try {
    await eventually(async () => expect((await company.handle.describe()).status.name).toBe('COMPLETED'), 60_000);
    expect((await company.handle.result()).stage).toBe('renewed');
    // The taxi certificate now expires with the renewed company permit, and its window moved with
    // it: the certificate's own run takes the correction in, after the company's run handed it over.
    await eventually(async () =>
      expect(await h.status(taxi)).toMatchObject({ stage: 'awaiting_window', expiresOn: '2031-01-09', reminderWindowOpensAt: '2030-10-08T16:00:00.000Z' }),
    );
  } finally {
    await release();
  }
  const successor = await h.database.prisma.licence.findFirstOrThrow({ where: { licenceNumber: '晋吕道运2027001' } });
  const taxiRow = await h.database.prisma.licence.findUniqueOrThrow({ where: { id: taxi.id } });
  expect(taxiRow).toMatchObject({ parentLicenceId: successor.id, expiresOn: new Date('2031-01-09T00:00:00Z') });
  await h.skipTo(t.windowOpens);
  expect(await h.ledger(taxi.id)).toEqual([]);

  await h.env.client.workflow.getHandle(successor.workflowId).executeUpdate(revocationUpdate, { args: [{ reason: '企业申请注销', revokedOn: '2027-03-01' }] });
  expect((await taxi.handle.result()).stage).toBe('revoked');
  const ended = await h.database.prisma.licence.findUniqueOrThrow({ where: { id: taxi.id } });
  expect(ended.closedReason).toBe('上级证照晋吕道运2027001已注销或吊销：企业申请注销');
});
