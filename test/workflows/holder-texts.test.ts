import { eventually, lifecycleSuite } from '../support/lifecycle';
import { after, HOUR, SMS_TIMELINE as t } from '../support/sms-timeline';
import { quietTemporalLogs } from '../support/temporal';

quietTemporalLogs();

describe('one text per holder and day', () => {
  const suite = lifecycleSuite({ sms: { provider: 'aliyun', receiptTimeoutHours: 24 } });

  it('a holder with three licences falling due together gets one text naming them all; the ledger keeps a row for each', async () => {
    const { h } = suite;
    const phone = '13500135001';
    const holder = { name: '威海康宁大药房有限公司' };
    const numbers = ['鲁威药经2023201', '鲁威药经2023202', '鲁威药经2023203'];
    const licences = [];
    for (const number of numbers) licences.push(await h.register(number, t.expiresOn, { holder, contact: { name: '张敏', phone } }));
    await h.skipTo(after(t.smsSent, HOUR));
    for (const licence of licences) await eventually(async () => expect(await h.ledger(licence.id)).toEqual(['auto_prompt:delivered', 'sms:sent']));

    const texts = h.simulators.sms.filter((message) => message.phone === phone);
    expect(texts).toHaveLength(1);
    expect(texts[0]!.text).toContain('鲁威药经2023201、鲁威药经2023202、鲁威药经2023203');
    // Every ladder goes on to its call; the text's receipt decides for the licence that sent it.
    for (const licence of licences) await eventually(async () => expect((await h.status(licence)).nextAction).toEqual({ kind: 'phone_call', dueAt: t.callDue }));
    expect(await h.database.prisma.holderText.findMany({ where: { phone } })).toEqual([expect.objectContaining({ licenceIds: licences.map((licence) => licence.id) })]);
  });

  it('licences of one number falling due on different days get a text each', async () => {
    const { h } = suite;
    const phone = '13500135002';
    const first = await h.register('鲁威药经2023211', t.expiresOn, { contact: { name: '张敏', phone } });
    const later = await h.register('鲁威药经2023212', '2027-06-30', { contact: { name: '张敏', phone } });
    await h.skipTo(after(t.smsSent, HOUR));
    await eventually(async () => expect(await h.ledger(first.id)).toEqual(['auto_prompt:delivered', 'sms:sent']));
    expect(await h.ledger(later.id)).toEqual([]);
    const texts = h.simulators.sms.filter((message) => message.phone === phone);
    expect(texts).toHaveLength(1);
    expect(texts[0]!.text).not.toContain('鲁威药经2023212');
  });
});
