import { eventually, lifecycleSuite } from '../support/lifecycle';
import { after, HOUR, SMS_TIMELINE } from '../support/sms-timeline';
import { quietTemporalLogs } from '../support/temporal';

quietTemporalLogs();

const t = SMS_TIMELINE;

describe.each(['aliyun', 'tencent'] as const)("holders' replies through %s", (provider) => {
  const suite = lifecycleSuite({ sms: { provider, receiptTimeoutHours: 24 } });
  let phone = 13600136000;

  /** Licences texted to one number of their own, up to the day after their SMS. */
  const textedLicences = async (...numbers: string[]) => {
    phone += 1;
    const licences = [];
    for (const number of numbers) {
      licences.push({ ...(await suite.h.register(`${provider}-${number}`, t.expiresOn, { contact: { name: '张敏', phone: String(phone) } })), phone: String(phone) });
    }
    await suite.h.skipTo(after(t.smsSent, HOUR));
    for (const licence of licences) await eventually(async () => expect(await suite.h.ledger(licence.id)).toEqual(['auto_prompt:delivered', 'sms:sent']));
    return licences;
  };
  const reply = async (phoneNumber: string, text: string) => {
    const answer = await suite.h.simulators.smsProvider.postReply(phoneNumber, text);
    expect(answer.status).toBe(200);
    return answer.body as { matched: number; unmatched: number; duplicates: number };
  };

  it('"已办理": a specialist confirms the renewal in the approval system, and the ladder stops without a call', async () => {
    const [licence] = await textedLicences('RENEWED');
    expect(await reply(licence!.phone, '您好，已办理')).toMatchObject({ matched: 1, unmatched: 0 });
    const check = await suite.h.openTask(licence!.id, 'confirm_renewal');
    expect(check.note).toBe('短信回复：您好，已办理');
    await suite.h.complete(check, 'renewal_found');
    await eventually(async () => expect((await suite.h.status(licence!)).nextAction).toEqual({ kind: 'record_expiry', dueAt: expect.any(String) }));
    await suite.h.skipTo(after(t.callDue, HOUR));
    expect(await suite.h.tasks(licence!.id)).toEqual(['confirm_renewal#1:open']);
    const steps = (await suite.h.status(licence!)).steps.map((step) => `${step.kind}${step.detail ? `: ${step.detail}` : ''}`);
    expect(steps).toEqual(expect.arrayContaining(['holder_replied: renewed: 您好，已办理', 'renewal_checked: renewal_found']));
  });

  it('"已办理" not found in the approval system: the ladder goes on to the call as planned', async () => {
    const [licence] = await textedLicences('NOT-FOUND');
    await reply(licence!.phone, '已续期');
    await suite.h.complete(await suite.h.openTask(licence!.id, 'confirm_renewal'), 'not_renewed');
    await eventually(async () => expect((await suite.h.status(licence!)).nextAction).toEqual({ kind: 'phone_call', dueAt: t.callDue }));
  });

  it('"号码错误": the contact is flagged and the call opens at once, to find the holder another way', async () => {
    const [licence] = await textedLicences('WRONG');
    await reply(licence!.phone, '号码错误，我不是这家公司的');
    await suite.h.openTask(licence!.id, 'phone_call');
    // Opened on the day of the reply, two weeks before the call was due.
    expect(await suite.h.now()).toBeLessThan(Date.parse(t.callDue) - 13 * 24 * HOUR);
    expect((await suite.h.database.prisma.licence.findUniqueOrThrow({ where: { id: licence!.id } })).contactFlaggedAt).not.toBeNull();
  });

  it('"请回电" from a holder of two licences, reminded in one text: a call-back task on each, the ladder unchanged; a repeated push changes nothing', async () => {
    const licences = await textedLicences('CALL-1', 'CALL-2');
    const first = await suite.h.simulators.smsProvider.postReply(licences[0]!.phone, '请回电');
    expect(first.body).toMatchObject({ matched: 1, duplicates: 0 });
    for (const licence of licences) {
      await eventually(async () => expect(await suite.h.tasks(licence.id)).toEqual(['sms_reply#1:open']));
      const task = await suite.h.database.prisma.humanTask.findFirstOrThrow({ where: { licenceId: licence.id, kind: 'sms_reply' } });
      expect(task.note).toBe('请回电：请回电');
      await eventually(async () => expect((await suite.h.status(licence)).nextAction).toEqual({ kind: 'phone_call', dueAt: t.callDue }));
      expect((await suite.h.status(licence)).steps.some((step) => step.kind === 'holder_replied' && step.detail === 'call_back: 请回电')).toBe(true);
    }
    expect((await suite.h.simulators.smsProvider.pushLastReplyAgain()).body).toMatchObject({ matched: 0, duplicates: 1 });
    for (const licence of licences) expect(await suite.h.tasks(licence.id)).toEqual(['sms_reply#1:open']);
    const stored = await suite.h.database.prisma.smsReply.findMany({ where: { phone: licences[0]!.phone }, include: { licences: true } });
    expect(stored).toHaveLength(1);
    expect(stored[0]!.licences).toHaveLength(2);
  });

  it('a reply from a number no recent text went to is kept, and touches no licence', async () => {
    const [licence] = await textedLicences('STRANGER');
    await suite.h.database.prisma.smsSendIntent.updateMany({ where: { licenceId: licence!.id }, data: { phone: '13000000000' } });
    await suite.h.database.prisma.holderText.updateMany({ where: { phone: licence!.phone }, data: { phone: '13000000000' } });
    expect(await reply(licence!.phone, '已办理')).toMatchObject({ matched: 0, unmatched: 1 });
    expect(await suite.h.tasks(licence!.id)).toEqual([]);
  });
});
