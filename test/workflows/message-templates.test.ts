import { eventually, LifecycleHarness } from '../support/lifecycle';
import { quietTemporalLogs } from '../support/temporal';

quietTemporalLogs();

// The default ladder for a licence expiring 2027-05-31: the prompt goes out when the window opens,
// the SMS at 09:00 on Monday 8 March 2027, the call is due 14 days later.
const t = { expiresOn: '2027-05-31', windowOpens: '2027-02-27T16:01:00.000Z', afterSms: '2027-03-08T01:01:00.000Z', callDue: '2027-03-22T01:00:00.000Z' };

const BUREAU_SMS = '【温馨提示】${holder}：${licence}（${number}）${expires}到期。申请时限：${deadline}；地点：${office}；预约：${booking}；电话：${phone}。';
const NURSE_SMS = '${holder}护士您好：您的${licence}将于${expires}到期，请于${deadline}到${office}办理延续注册，预约${booking}，咨询${phone}。';

let h: LifecycleHarness;
beforeAll(async () => {
  h = await LifecycleHarness.start();
  const prisma = h.database.prisma;
  await prisma.bureau.update({ where: { code: 'weihai' }, data: { servicePhone: '0631-5200000', portalUrl: 'https://zwfw.example.cn/book' } });
  await prisma.catalogueEntry.update({
    where: { bureauCode_code: { bureauCode: 'weihai', code: 'WH13' } },
    data: { renewalDeadline: '有效期届满30日前', officeAddress: '威海市政务服务中心三楼社会民生科窗口' },
  });
  h.approvedSmsTemplates.set('SMS_480000100', BUREAU_SMS);
  h.approvedSmsTemplates.set('SMS_480000113', NURSE_SMS);
  await prisma.messageTemplate.createMany({
    data: [
      { bureauCode: 'weihai', channel: 'sms', text: BUREAU_SMS, providerTemplateId: 'SMS_480000100', updatedBy: 'test' },
      { bureauCode: 'weihai', channel: 'sms', catalogueCode: 'WH13', text: NURSE_SMS, providerTemplateId: 'SMS_480000113', updatedBy: 'test' },
    ],
  });
});
beforeEach(async () => h.beginTest());
afterEach(async () => h.endTest());
afterAll(async () => {
  await h?.teardown();
});

const smsTo = (phone: string) => h.simulators.sms.filter((message) => message.phone === phone);

it("words each reminder with its licence type's template, else its bureau's, filling unset guidance from the bureau", async () => {
  const pharmacy = await h.register('TPL-WH01', t.expiresOn, { contact: { name: '张敏', phone: '13800138101' } });
  const nurse = await h.register('TPL-WH13', t.expiresOn, { licenceType: 'WH13', holder: { name: '李娜' }, contact: { name: '李娜', phone: '13800138102' } });
  await h.skipTo(t.windowOpens);
  await eventually(async () => expect(h.simulators.prompts.filter((prompt) => prompt.idempotencyKey.includes('TPL-'))).toHaveLength(2));
  const pharmacyPrompt = h.simulators.prompts.find((prompt) => prompt.idempotencyKey.includes('TPL-WH01'))!;
  // No auto prompt wording of its own: the engine's default, with the bureau's phone and booking page.
  expect(pharmacyPrompt.body).toMatchObject({
    servicePhone: '0631-5200000',
    officeAddress: '威海市政务服务中心',
    booking: 'https://zwfw.example.cn/book',
    message: expect.stringContaining('服务电话：0631-5200000；提交材料：请致电0631-5200000咨询，窗口一次性告知'),
  });

  await h.skipTo(t.afterSms);
  await eventually(async () => expect([...smsTo('13800138101'), ...smsTo('13800138102')]).toHaveLength(2));
  expect(smsTo('13800138101')[0]!.text).toBe(
    '【威海审批】【温馨提示】威海康宁大药房有限公司：药品经营许可证（TPL-WH01）2027-05-31到期。申请时限：有效期届满前；地点：威海市政务服务中心；' +
      '预约：https://zwfw.example.cn/book；电话：0631-5200000。',
  );
  expect(smsTo('13800138102')[0]!.text).toBe(
    '【威海审批】李娜护士您好：您的护士执业证书将于2027-05-31到期，请于有效期届满30日前到威海市政务服务中心三楼社会民生科窗口办理延续注册，' +
      '预约https://zwfw.example.cn/book，咨询0631-5200000。',
  );
  expect(await h.ledger(pharmacy.id)).toEqual(['auto_prompt:delivered', 'sms:sent']);
  expect(await h.ledger(nurse.id)).toEqual(['auto_prompt:delivered', 'sms:sent']);
});

it('records a wording the provider has not approved as refused, sends nothing, and the ladder goes on to the call', async () => {
  await h.database.prisma.messageTemplate.update({
    where: { bureauCode_channel_catalogueCode: { bureauCode: 'weihai', channel: 'sms', catalogueCode: '*' } },
    data: { providerTemplateId: 'SMS_NEVER_APPROVED' },
  });
  const licence = await h.register('TPL-UNAPPROVED', t.expiresOn, { contact: { name: '张敏', phone: '13800138103' } });
  await h.skipTo(t.afterSms);
  await eventually(async () => expect(await h.ledger(licence.id)).toEqual(['auto_prompt:delivered', 'sms:refused_by_provider']));
  expect(smsTo('13800138103')).toEqual([]);
  await h.skipTo(t.callDue);
  expect((await h.openTask(licence.id, 'phone_call')).dueAt).toBeInstanceOf(Date);
  // The bureau's wording is approved again for the tests after this one.
  await h.database.prisma.messageTemplate.update({
    where: { bureauCode_channel_catalogueCode: { bureauCode: 'weihai', channel: 'sms', catalogueCode: '*' } },
    data: { providerTemplateId: 'SMS_480000100' },
  });
});

it("texts each bureau's holders under the bureau's own signature, the account's where the bureau has none", async () => {
  await h.database.prisma.bureau.update({ where: { code: 'luliang' }, data: { smsSignName: '吕梁审批' } });
  await h.register('SIGN-LL', t.expiresOn, { bureau: 'luliang', licenceType: 'LL02', holder: { name: '吕梁汾河大药房' }, contact: { name: '王磊', phone: '13800138301' } });
  await h.register('SIGN-WH', t.expiresOn, { contact: { name: '张敏', phone: '13800138302' } });
  await h.skipTo(t.afterSms);
  await eventually(async () => expect([...smsTo('13800138301'), ...smsTo('13800138302')]).toHaveLength(2));
  expect(smsTo('13800138301')[0]!.text).toMatch(/^【吕梁审批】/);
  expect(smsTo('13800138302')[0]!.text).toMatch(/^【威海审批】/);
  await h.database.prisma.bureau.update({ where: { code: 'luliang' }, data: { smsSignName: null } });
});
