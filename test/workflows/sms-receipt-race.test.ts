import type { RequestHandler } from 'express';
import { createLicenceActivities } from '../../activities';
import { writeLedgerEntry } from '../../activities/ledger';
import { eventually, LifecycleHarness } from '../support/lifecycle';
import { quietTemporalLogs } from '../support/temporal';

quietTemporalLogs();

// The provider's answer to the send is slow to reach the worker, and the carrier's receipt comes
// first: the engine hears of the message from the receipt before it has recorded it.
const slowSendAnswer: RequestHandler = (req, res, next) => {
  if (req.method === 'POST' && req.path === '/sms/aliyun') {
    const send = res.json.bind(res);
    res.json = (body: unknown) => {
      setTimeout(() => send(body), 500);
      return res;
    };
  }
  next();
};

let h: LifecycleHarness;
beforeAll(async () => {
  h = await LifecycleHarness.start({ intercept: slowSendAnswer });
  await h.beginTest();
});
afterAll(async () => {
  await h?.teardown();
});

it('a receipt that arrives before its message is recorded is kept and applied once the message is', async () => {
  const licence = await h.register('RACE-1', '2027-05-31');
  await h.skipTo('2027-03-08T01:01:00.000Z');
  await eventually(async () => {
    const message = await h.database.prisma.smsMessage.findFirstOrThrow({ where: { licenceId: licence.id } });
    expect(message).toMatchObject({ status: 'delivered', reportCode: 'DELIVERED', duplicateReceipts: 0 });
  });
  expect(await h.database.prisma.pendingSmsReceipt.count()).toBe(0);
  await eventually(async () => expect((await h.status(licence)).steps.filter((step) => step.kind === 'sms_receipt').map((step) => step.detail)).toEqual(['delivered (DELIVERED)']));
});

it('a receipt kept for a message whose worker died right after recording it is applied when the step is run again', async () => {
  const licence = await h.register('RACE-2', '2028-05-31');
  const outId = `${licence.workflowId}/cycle-0/step-1/sms`;
  const { prisma } = h.database;
  // What the dead worker left: the text recorded, its ledger row written, the receipt that came first still kept.
  await prisma.smsMessage.create({ data: { messageId: 'BIZ-RACE-2', provider: 'aliyun', outId, licenceId: licence.id, workflowId: licence.workflowId, sentAt: new Date() } });
  await prisma.ledgerEntry.deleteMany({ where: { idempotencyKey: outId } });
  await prisma.$transaction((tx) => writeLedgerEntry(tx, { licenceId: licence.id, idempotencyKey: outId, channel: 'sms', outcome: 'sent', remindedBy: 'system', remindedAt: new Date() }));
  await prisma.pendingSmsReceipt.create({ data: { messageId: 'BIZ-RACE-2', outId, provider: 'aliyun', status: 'delivered', reportCode: 'DELIVERED', receivedAt: new Date() } });

  const again = await createLicenceActivities(h.dependencies()).sendReminderSms({ licenceId: licence.id, idempotencyKey: outId });
  expect(again).toMatchObject({ outcome: 'sent', messageId: 'BIZ-RACE-2' });
  expect(await prisma.pendingSmsReceipt.count({ where: { messageId: 'BIZ-RACE-2' } })).toBe(0);
  expect(await prisma.smsMessage.findUniqueOrThrow({ where: { messageId: 'BIZ-RACE-2' } })).toMatchObject({ status: 'delivered', reportCode: 'DELIVERED' });
});
