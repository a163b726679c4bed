import { recordDatabaseRestore } from '../../services/database-restores';
import { revocationUpdate } from '../../workflows/licence-definitions';
import { smsReconciliationWorkflow } from '../../workflows/sms-reconciliation-workflow';
import { eventually, LifecycleHarness, SMS_RECEIPT_SECRET } from '../support/lifecycle';
import { after, HOUR, SMS_TIMELINE } from '../support/sms-timeline';
import { quietTemporalLogs } from '../support/temporal';

quietTemporalLogs();

const t = SMS_TIMELINE;

describe('a carrier that reports two seconds after the text', () => {
  let h: LifecycleHarness;
  beforeAll(async () => {
    h = await LifecycleHarness.start({ sms: { receiptTimeoutHours: 24, receiptDelayMs: 2_000 } });
    await h.beginTest();
  });
  afterAll(async () => {
    await h?.teardown();
  });

  it('is heard by a skip that runs past the receipt timeout', async () => {
    // The engine waits 24 hours for the receipt: skipping two days of test-server time in one go
    // must neither jump over a receipt on its way nor fire the timer the receipt cancels.
    const licences = await Promise.all(['SKIP-1', 'SKIP-2', 'SKIP-3'].map((number, index) => h.register(number, t.expiresOn, { contact: { name: '张敏', phone: `1390013900${index}` } })));
    await h.skipTo(after(t.smsSent, 48 * HOUR));
    for (const licence of licences) {
      await eventually(async () => expect((await h.status(licence)).steps.filter((step) => step.kind === 'sms_receipt').map((step) => step.detail)).toEqual(['delivered (DELIVERED)']));
    }
    // The provider pushed the three reports that came in within its two seconds together, as one array.
    expect(h.simulators.smsProvider.receiptPushes).toEqual([3]);
  });
});

describe.each(['aliyun', 'tencent'] as const)('SMS through %s, decided by its delivery receipt', (provider) => {
  let h: LifecycleHarness;
  let phone = 13800138000;

  beforeAll(async () => {
    h = await LifecycleHarness.start({ sms: { provider, receiptTimeoutHours: 24 } });
  });
  beforeEach(async () => h.beginTest());
  afterEach(async () => h.endTest());
  afterAll(async () => {
    await h?.teardown();
  });

  /** A licence whose contact has a number of its own, so that each test sets its own carrier plan. */
  const register = async (licenceNumber: string) => {
    phone += 1;
    const licence = await h.register(`${provider}-${licenceNumber}`, t.expiresOn, { contact: { name: '张敏', phone: String(phone) } });
    return { ...licence, phone: String(phone) };
  };
  const messageOf = (licenceId: string) => h.database.prisma.smsMessage.findFirstOrThrow({ where: { licenceId } });
  const receiptSignals = async (licence: { handle: { fetchHistory(): Promise<{ events?: Array<{ workflowExecutionSignaledEventAttributes?: { signalName?: string | null } | null }> | null }> } }) =>
    ((await licence.handle.fetchHistory()).events ?? []).filter((event) => event.workflowExecutionSignaledEventAttributes?.signalName === 'smsReceipt').length;

  it('delivered: the ladder waits as planned for the phone task', async () => {
    const licence = await register('DELIVERED');
    await h.skipTo(after(t.smsSent, 60_000));
    await eventually(async () => expect((await messageOf(licence.id)).status).toBe('delivered'));
    expect(await messageOf(licence.id)).toMatchObject({ provider, reportCode: provider === 'aliyun' ? 'DELIVERED' : 'DELIVRD', duplicateReceipts: 0, lateReceipt: false });
    await eventually(async () => expect((await h.status(licence)).nextAction).toEqual({ kind: 'phone_call', dueAt: t.callDue }));
    expect((await h.status(licence)).steps.filter((step) => step.kind === 'sms_receipt').map((step) => step.detail)).toEqual([
      `delivered (${provider === 'aliyun' ? 'DELIVERED' : 'DELIVRD'})`,
    ]);
    const sms = h.simulators.sms.filter((message) => message.phone === licence.phone);
    expect(sms).toHaveLength(1);
    expect(sms[0]!.text).toMatch(/^【威海审批】尊敬的威海康宁大药房有限公司：您的药品经营许可证（编号.+）将于2027-05-31到期/);
    expect((await h.database.prisma.licence.findUniqueOrThrow({ where: { id: licence.id } })).contactFlaggedAt).toBeNull();
  });

  it('undeliverable: the contact is flagged and the phone task opens at once', async () => {
    const licence = await register('FAILED');
    h.simulators.smsProvider.setReceiptPlan(licence.phone, { kind: 'failed', code: 'MK:0012' });
    await h.skipTo(after(t.smsSent, 60_000));
    await h.openTask(licence.id, 'phone_call');
    // Opened on the workflow's clock, long before the call would have fallen due after a delivered text.
    const opened = (await h.status(licence)).steps.find((step) => step.kind === 'call_task_created');
    expect(Date.parse(opened!.at)).toBeLessThan(Date.parse(t.callDue));
    expect(await messageOf(licence.id)).toMatchObject({ status: 'undeliverable', reportCode: 'MK:0012' });
    expect((await h.database.prisma.licence.findUniqueOrThrow({ where: { id: licence.id } })).contactFlaggedAt).not.toBeNull();
    expect((await h.status(licence)).steps.find((step) => step.kind === 'sms_receipt')?.detail).toBe('undeliverable (MK:0012)');
  });

  it('a revocation while the receipt is awaited ends the licence at once, not when the wait runs out', async () => {
    const licence = await register('CUT-SHORT');
    h.simulators.smsProvider.setReceiptPlan(licence.phone, { kind: 'none' });
    await h.skipTo(after(t.smsSent, 60_000));
    await eventually(async () => expect(await h.ledger(licence.id)).toEqual(['auto_prompt:delivered', 'sms:sent']));
    const revokedAt = await h.now();
    await licence.handle.executeUpdate(revocationUpdate, { args: [{ reason: '企业申请注销', revokedOn: '2027-03-08' }] });
    expect((await licence.handle.result()).stage).toBe('revoked');
    const revoked = await h.database.prisma.licenceEvent.findFirstOrThrow({ where: { licenceId: licence.id, kind: 'revoked' } });
    expect(revoked.occurredAt.getTime() - revokedAt).toBeLessThan(HOUR);
    // The wait was cut short, not run out: the text is not given up for unknown.
    expect((await messageOf(licence.id)).status).toBe('sent');
  });

  it('missing: after the receipt timeout the message is unknown and the ladder goes on; a late receipt changes nothing', async () => {
    const licence = await register('MISSING');
    h.simulators.smsProvider.setReceiptPlan(licence.phone, { kind: 'none' });
    await h.skipTo(after(t.smsSent, 60_000));
    await eventually(async () => expect(await h.ledger(licence.id)).toEqual(['auto_prompt:delivered', 'sms:sent']));
    await h.skipTo(after(t.smsSent, 23 * HOUR));
    expect((await messageOf(licence.id)).status).toBe('sent');
    expect((await h.status(licence)).steps.some((step) => step.kind === 'sms_receipt')).toBe(false);

    await h.skipTo(after(t.smsSent, 24 * HOUR + 60_000));
    await eventually(async () => expect((await messageOf(licence.id)).status).toBe('unknown'));
    await eventually(async () => expect((await h.status(licence)).nextAction).toEqual({ kind: 'phone_call', dueAt: t.callDue }));
    expect((await h.status(licence)).steps.find((step) => step.kind === 'sms_receipt')?.detail).toBe('unknown: no receipt in time');

    const [sent] = h.simulators.sms.filter((message) => message.phone === licence.phone);
    expect(await h.simulators.smsProvider.postReceipt(sent!)).toBe(200);
    expect(await messageOf(licence.id)).toMatchObject({ status: 'delivered', lateReceipt: true });
    expect(await receiptSignals(licence)).toBe(0);
    expect((await h.status(licence)).nextAction).toEqual({ kind: 'phone_call', dueAt: t.callDue });
    expect((await h.database.prisma.licence.findUniqueOrThrow({ where: { id: licence.id } })).contactFlaggedAt).toBeNull();
  });

  it("a receipt lost on its way: the hourly reconciliation learns the outcome from the provider's records", async () => {
    const licence = await register('LOST-RECEIPT');
    h.simulators.smsProvider.setReceiptPlan(licence.phone, { kind: 'lost_callback' });
    await h.skipTo(after(t.smsSent, 24 * HOUR + 60_000));
    await eventually(async () => expect((await messageOf(licence.id)).status).toBe('unknown'));
    // Waiting for a result lets the test server skip ahead, here to the call thirteen days on: held.
    const release = await h.holdTime();
    const run = await h.env.client.workflow.execute(smsReconciliationWorkflow, { taskQueue: h.taskQueue, workflowId: `sms-reconciliation-${provider}` }).finally(release);
    expect(run.reconciled).toBeGreaterThanOrEqual(1);
    expect(await messageOf(licence.id)).toMatchObject({ status: 'delivered', reconciled: true, lateReceipt: true, reportCode: provider === 'aliyun' ? 'DELIVERED' : 'DELIVRD' });
    // The ladder went on when the receipt did not come; what was learnt later is for the record.
    expect((await h.status(licence)).nextAction).toEqual({ kind: 'phone_call', dueAt: t.callDue });
    const again = await h.env.client.workflow.execute(smsReconciliationWorkflow, { taskQueue: h.taskQueue, workflowId: `sms-reconciliation-${provider}-again` });
    expect(again).toEqual({ lookedUp: 0, reconciled: 0 });
  });

  it('duplicated: the second receipt is counted and changes nothing', async () => {
    const licence = await register('DUPLICATE');
    h.simulators.smsProvider.setReceiptPlan(licence.phone, { kind: 'failed', code: 'MK:0012', duplicate: true });
    await h.skipTo(after(t.smsSent, 60_000));
    await eventually(async () => expect((await messageOf(licence.id)).duplicateReceipts).toBe(1));
    await h.openTask(licence.id, 'phone_call');
    // A third copy, delivered this time, does not overturn the first receipt either.
    const [sent] = h.simulators.sms.filter((message) => message.phone === licence.phone);
    expect(await h.simulators.smsProvider.postReceipt(sent!)).toBe(200);
    expect(await messageOf(licence.id)).toMatchObject({ status: 'undeliverable', duplicateReceipts: 2 });
    expect(await receiptSignals(licence)).toBe(1);
    expect(await h.tasks(licence.id)).toEqual(['phone_call#1:open']);
  });
  it("a connection reset after the provider took the text: the retry finds it in the provider's records and does not send it again", async () => {
    const licence = await register('RESET-AFTER');
    h.simulators.smsProvider.failNextSends(licence.phone, 'reset_after_accept');
    const queriesBefore = h.simulators.smsProvider.queries;
    await h.skipTo(after(t.smsSent, 60_000));
    await eventually(async () => expect(await h.ledger(licence.id)).toEqual(['auto_prompt:delivered', 'sms:sent']));
    const texts = h.simulators.sms.filter((message) => message.phone === licence.phone);
    expect(texts).toHaveLength(1);
    expect(h.simulators.smsProvider.queries).toBeGreaterThan(queriesBefore);
    expect(await h.database.prisma.smsSendIntent.findFirstOrThrow({ where: { licenceId: licence.id } })).toMatchObject({ attempts: 1, resends: 0 });
    // Tencent's status names the text by the SerialNo its callbacks carry; Aliyun's records by OutId alone.
    expect((await messageOf(licence.id)).messageId).toBe(provider === 'tencent' ? texts[0]!.messageId : `outid:${texts[0]!.clientToken}`);
    // The carrier's receipt names the text by the provider's id (and Aliyun's by the OutId too): it still decides the step.
    await eventually(async () => expect((await messageOf(licence.id)).status).toBe('delivered'));
    expect((await h.status(licence)).steps.find((step) => step.kind === 'sms_receipt')?.detail).toMatch(/^delivered/);
    // A repeat of that receipt, after the text is recorded, is matched to it too.
    expect(await h.simulators.smsProvider.postReceipt(texts[0]!)).toBe(200);
    expect((await messageOf(licence.id)).duplicateReceipts).toBe(1);
  });

  it("a connection reset before the provider took the text: sent again, once, when the provider's records still show nothing", async () => {
    const licence = await register('RESET-BEFORE');
    h.simulators.smsProvider.failNextSends(licence.phone, 'reset_before_accept');
    await h.skipTo(after(t.smsSent, 30 * 60_000));
    await eventually(async () => expect(await h.ledger(licence.id)).toEqual(['auto_prompt:delivered', 'sms:sent']));
    const texts = h.simulators.sms.filter((message) => message.phone === licence.phone);
    expect(texts).toHaveLength(1);
    expect(await h.database.prisma.smsSendIntent.findFirstOrThrow({ where: { licenceId: licence.id } })).toMatchObject({ attempts: 2, resends: 1 });
    await eventually(async () => expect((await messageOf(licence.id)).status).toBe('delivered'));
    expect((await messageOf(licence.id)).messageId).toBe(texts[0]!.messageId);
  });

  it("after the database was restored, a first text is looked up at the provider, and one it has no record of goes once the settle minutes since the restore have passed", async () => {
    // The lost disk may have held this text's record; the provider's records may not show it yet.
    const recordedAt = new Date(after(t.smsSent, -60_000));
    await recordDatabaseRestore(h.database.prisma, { recoveredUpTo: new Date(after(t.smsSent, -HOUR)), recordedAt });
    try {
      const licence = await register('AFTER-RESTORE');
      const queriesBefore = h.simulators.smsProvider.queries;
      await h.skipTo(after(t.smsSent, 30 * 60_000));
      await eventually(async () => expect(await h.ledger(licence.id)).toEqual(['auto_prompt:delivered', 'sms:sent']));
      const texts = h.simulators.sms.filter((message) => message.phone === licence.phone);
      expect(texts).toHaveLength(1);
      expect(Date.parse(texts[0]!.at)).toBeGreaterThanOrEqual(recordedAt.getTime() + 10 * 60_000);
      // Asked when the text fell due and when the records had settled, not at every backoff (about
      // ten lookups); the time-skipping server retries a first failure at once, whatever its delay.
      expect(h.simulators.smsProvider.queries - queriesBefore).toBeLessThanOrEqual(3);
      expect(await h.database.prisma.smsSendIntent.findFirstOrThrow({ where: { licenceId: licence.id } })).toMatchObject({ attempts: 1, resends: 0 });
    } finally {
      await h.database.prisma.databaseRestore.deleteMany();
    }
  });
});

describe('the receipt endpoint', () => {
  let h: LifecycleHarness;
  beforeAll(async () => {
    h = await LifecycleHarness.start();
    await h.beginTest({ worker: false });
  });
  afterAll(async () => {
    await h?.teardown();
  });
  const post = (path: string, body: unknown) =>
    fetch(`${h.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(async (response) => ({
      status: response.status,
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- assertions read arbitrary response JSON
      body: (await response.json()) as any,
    }));
  const report = [{ phone_number: '13800138000', success: true, err_code: 'DELIVERED', biz_id: 'unknown-id', out_id: 'x' }];

  it('refuses a caller without the shared secret', async () => {
    expect((await post('/api/v1/sms-receipts/aliyun?token=guess', report)).status).toBe(401);
    expect((await post('/api/v1/sms-receipts/aliyun', report)).status).toBe(400);
  });

  it("names the field of a body that is not the provider's report, and counts receipts of messages it never sent", async () => {
    const bad = await post(`/api/v1/sms-receipts/tencent?token=${SMS_RECEIPT_SECRET}`, report);
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.map((field: { path: string }) => field.path)).toEqual(expect.arrayContaining(['0.sid', '0.report_status']));
    const unknown = await post(`/api/v1/sms-receipts/aliyun?token=${SMS_RECEIPT_SECRET}`, report);
    expect(unknown).toEqual({ status: 200, body: { code: 0, msg: '接收成功', accepted: 0, late: 0, duplicates: 0, unknown: 1 } });
  });
});
