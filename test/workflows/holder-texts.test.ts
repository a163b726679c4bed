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
    const [holderText, ...others] = await h.database.prisma.holderText.findMany({ where: { phone } });
    expect(others).toEqual([]);
    expect([...holderText!.licenceIds].sort()).toEqual(licences.map((licence) => licence.id).sort());
  });

  it('a holder known by its credit code gets one text for its licences though each names another contact number; the ledger keeps a row for each', async () => {
    const { h } = suite;
    const holder = { name: '威海康宁大药房有限公司', idNumber: '91371000MA3C8XYZ1K' };
    const phones = ['13500135011', '13500135012', '13500135013'];
    const numbers = ['鲁威药经2023241', '鲁威药经2023242', '鲁威药经2023243'];
    const licences = [];
    for (const [index, number] of numbers.entries()) licences.push(await h.register(number, t.expiresOn, { holder, contact: { name: '张敏', phone: phones[index]! } }));
    await h.skipTo(after(t.smsSent, HOUR));
    for (const licence of licences) await eventually(async () => expect(await h.ledger(licence.id)).toEqual(['auto_prompt:delivered', 'sms:sent']));
    const texts = h.simulators.sms.filter((message) => phones.includes(message.phone));
    expect(texts).toHaveLength(1);
    expect(texts[0]!.text).toContain('鲁威药经2023241、鲁威药经2023242、鲁威药经2023243');
    // One claim on the credit code: the other licences' steps found it taken and sent nothing.
    const claims = await h.database.prisma.holderTextClaim.findMany({ where: { holder: `id:${holder.idNumber}` } });
    expect(claims).toHaveLength(1);
  });

  it("another holder at one of the numbers, whose step runs first, has a text of its own: the holder's licences share theirs, whichever step plans first", async () => {
    const { h } = suite;
    const holder = { name: '威海康宁大药房有限公司', idNumber: '91371000MA3C8XYZ4N' };
    const phones = ['13500135041', '13500135042', '13500135043'];
    // Registered first, so that its step tends to run first: the order must not change the texts.
    const outsider = await h.register('鲁威药经2023274', t.expiresOn, { holder: { name: '威海仁和堂药店' }, contact: { name: '张敏', phone: phones[0]! } });
    const licences = [];
    for (const [index, number] of ['鲁威药经2023271', '鲁威药经2023272', '鲁威药经2023273'].entries()) {
      licences.push(await h.register(number, t.expiresOn, { holder, contact: { name: '张敏', phone: phones[index]! } }));
    }
    await h.skipTo(after(t.smsSent, HOUR));
    for (const licence of [outsider, ...licences]) await eventually(async () => expect(await h.ledger(licence.id)).toEqual(['auto_prompt:delivered', 'sms:sent']));
    const texts = h.simulators.sms.filter((message) => phones.includes(message.phone));
    expect(texts.filter((message) => message.text.includes('鲁威药经2023271、鲁威药经2023272、鲁威药经2023273'))).toHaveLength(1);
    const outsiders = texts.filter((message) => message.text.includes('鲁威药经2023274'));
    expect(outsiders).toHaveLength(1);
    expect(outsiders[0]!.text).not.toContain('鲁威药经2023271');
    expect(texts).toHaveLength(2);
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

describe("the provider's daily limit for a number", () => {
  const suite = lifecycleSuite({ sms: { provider: 'aliyun', receiptTimeoutHours: 24 } });

  it('a text the provider refused for the day goes at the next send window, not at night, and the ledger says it was deferred', async () => {
    const { h } = suite;
    const phone = '13500135003';
    // The transport licence is renewed elsewhere: one text cannot speak for both.
    await h.database.prisma.catalogueEntry.update({ where: { bureauCode_code: { bureauCode: 'weihai', code: 'WH04' } }, data: { officeAddress: '威海市交通运输服务中心' } });
    h.simulators.smsProvider.perNumberDailyLimit = 1;
    const drugs = await h.register('鲁威药经2023221', t.expiresOn, { contact: { name: '张敏', phone } });
    const transport = await h.register('鲁交运管2023222', t.expiresOn, { licenceType: 'WH04', holder: { name: '威海顺达危险货物运输有限公司' }, contact: { name: '张敏', phone }, issuedOn: '2023-05-31' });
    await h.skipTo(after(t.smsSent, HOUR));
    const ledgers = async () => [(await h.ledger(drugs.id)).join(' '), (await h.ledger(transport.id)).join(' ')].sort();
    await eventually(async () => expect(await ledgers()).toEqual(['auto_prompt:delivered sms:deferred', 'auto_prompt:delivered sms:sent']));

    // Tuesday 9 March, 09:00 in Weihai: the next send window.
    await h.skipTo('2027-03-09T02:00:00.000Z');
    await eventually(async () => expect(await ledgers()).toEqual(['auto_prompt:delivered sms:deferred sms:sent', 'auto_prompt:delivered sms:sent']));
    const texts = h.simulators.sms.filter((message) => message.phone === phone);
    expect(texts).toHaveLength(2);
    expect(texts[1]!.at >= '2027-03-09T01:00:00.000Z').toBe(true);
  });
});

describe("the account's own limit for a number (SMS_PER_NUMBER_DAILY_LIMIT)", () => {
  const suite = lifecycleSuite({ sms: { provider: 'tencent', receiptTimeoutHours: 24, perNumberDailyLimit: 1 } });

  it('defers a second text to the number without asking the provider; the licences one text can speak for still share it', async () => {
    const { h } = suite;
    const phone = '13500135004';
    await h.database.prisma.catalogueEntry.update({ where: { bureauCode_code: { bureauCode: 'weihai', code: 'WH04' } }, data: { officeAddress: '威海市交通运输服务中心' } });
    const drugs = [
      await h.register('鲁威药经2023231', t.expiresOn, { contact: { name: '张敏', phone } }),
      await h.register('鲁威药经2023232', t.expiresOn, { contact: { name: '张敏', phone } }),
    ];
    const transport = await h.register('鲁交运管2023233', t.expiresOn, { licenceType: 'WH04', holder: { name: '威海顺达危险货物运输有限公司' }, contact: { name: '张敏', phone }, issuedOn: '2023-05-31' });
    const ledgers = async () => Promise.all([...drugs, transport].map(async (licence) => (await h.ledger(licence.id)).join(' ')));
    const texted = 'auto_prompt:delivered sms:sent';
    const deferred = 'auto_prompt:delivered sms:deferred';
    await h.skipTo(after(t.smsSent, HOUR));
    // One text today, to whichever group's step came first: the two drug licences together, or the transport licence.
    const firstDay = await eventually(async () => {
      const rows = await ledgers();
      expect([[texted, texted, deferred], [deferred, deferred, texted]]).toContainEqual(rows);
      return rows;
    });
    expect(h.simulators.sms.filter((message) => message.phone === phone)).toHaveLength(1);
    await h.skipTo('2027-03-09T02:00:00.000Z');
    await eventually(async () => expect(await ledgers()).toEqual(firstDay.map((row) => (row === deferred ? `${deferred} sms:sent` : row))));
    const texts = h.simulators.sms.filter((message) => message.phone === phone);
    expect(texts).toHaveLength(2);
    expect(texts.filter((message) => message.text.includes('鲁威药经2023231、鲁威药经2023232'))).toHaveLength(1);
  });
});

describe("the account's daily limit for a template (SMS_PER_TEMPLATE_DAILY_LIMIT)", () => {
  const suite = lifecycleSuite({ sms: { provider: 'aliyun', receiptTimeoutHours: 24, perTemplateDailyLimit: 2 } });

  it('texts past the limit wait for the next day’s send window; every holder is texted once', async () => {
    const { h } = suite;
    const phones = ['13500135041', '13500135042', '13500135043'];
    const licences: Array<Awaited<ReturnType<typeof h.register>>> = [];
    for (const [index, phone] of phones.entries()) {
      licences.push(await h.register(`鲁威药经202327${index}`, t.expiresOn, { holder: { name: `威海第${index + 1}药店` }, contact: { name: '张敏', phone } }));
    }
    await h.skipTo(after(t.smsSent, HOUR));
    const ledgers = async () => (await Promise.all(licences.map(async (licence) => (await h.ledger(licence.id)).join(' ')))).sort();
    await eventually(async () => expect(await ledgers()).toEqual(['auto_prompt:delivered sms:deferred', 'auto_prompt:delivered sms:sent', 'auto_prompt:delivered sms:sent']));
    expect(h.simulators.sms.filter((text) => phones.includes(text.phone))).toHaveLength(2);

    // Tuesday 9 March, 09:00 in Weihai: the template's count starts again.
    await h.skipTo('2027-03-09T02:00:00.000Z');
    await eventually(async () => expect(await ledgers()).toEqual(['auto_prompt:delivered sms:deferred sms:sent', 'auto_prompt:delivered sms:sent', 'auto_prompt:delivered sms:sent']));
    expect(new Set(h.simulators.sms.filter((text) => phones.includes(text.phone)).map((text) => text.phone)).size).toBe(3);
  });
});
