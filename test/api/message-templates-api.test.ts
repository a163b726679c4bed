import { DEFAULT_TEMPLATES } from '../../domain';
import { apiSuite } from '../support/api-server';
import { quietTemporalLogs } from '../support/temporal';

quietTemporalLogs();

const suite = apiSuite();
const NURSE_LETTER = [
  '${holder}：',
  '　　你的《${licence}》（编号：${number}）将于${expires}有效期届满，请于${deadline}申请延续注册。',
  '　　办理地点：${office}；服务电话：${phone}；所需材料：${materials}；预约：${booking}',
].join('\n');

it('shows whose wording each channel uses, and lets a supervisor set it for the bureau or one licence type', async () => {
  const supervisor = await suite.api.as('supervisor');
  const initial = await suite.api.call('GET', '/api/v1/bureaus/weihai/message-templates?licenceType=WH13');
  expect(initial.status).toBe(200);
  expect(initial.body.templates).toEqual([
    {
      channel: 'sms',
      text: DEFAULT_TEMPLATES.sms,
      providerTemplateId: null,
      source: 'default',
      requiredValues: ['expires', 'deadline', 'office', 'phone', 'booking'],
      billing: { characters: expect.any(Number), parts: expect.any(Number), longestText: expect.any(String) },
    },
    expect.objectContaining({ channel: 'auto_prompt', source: 'default' }),
    expect.objectContaining({ channel: 'letter', source: 'default' }),
  ]);

  const typeLetter = await supervisor.call('PUT', '/api/v1/bureaus/weihai/message-templates/letter', { licenceType: 'WH13', text: NURSE_LETTER });
  expect(typeLetter.status).toBe(200);
  expect(typeLetter.body.templates[2]).toMatchObject({ channel: 'letter', text: NURSE_LETTER, source: 'licence_type' });
  const bureauSms = await supervisor.call('PUT', '/api/v1/bureaus/weihai/message-templates/sms', { text: DEFAULT_TEMPLATES.sms.replace('尊敬的', ''), providerTemplateId: 'SMS_480000200' });
  expect(bureauSms.status).toBe(200);
  // WH13 has no SMS wording of its own: the bureau's applies; other types keep the default letter.
  const nurse = await suite.api.call('GET', '/api/v1/bureaus/weihai/message-templates?licenceType=WH13');
  expect(nurse.body.templates.map((template: { source: string }) => template.source)).toEqual(['bureau', 'default', 'licence_type']);
  const pharmacy = await suite.api.call('GET', '/api/v1/bureaus/weihai/message-templates?licenceType=WH01');
  expect(pharmacy.body.templates.map((template: { source: string }) => template.source)).toEqual(['bureau', 'default', 'default']);

  const removed = await supervisor.call('DELETE', '/api/v1/bureaus/weihai/message-templates/letter?licenceType=WH13');
  expect(removed.body.templates[2]).toMatchObject({ source: 'default', text: DEFAULT_TEMPLATES.letter });
  expect((await supervisor.call('DELETE', '/api/v1/bureaus/weihai/message-templates/letter?licenceType=WH13')).status).toBe(404);
});

it('refuses wording that would leave out required content or garble it, naming the field and the fix', async () => {
  const supervisor = await suite.api.as('supervisor');
  const before = await suite.api.call('GET', '/api/v1/bureaus/weihai/message-templates');
  const missing = await supervisor.call('PUT', '/api/v1/bureaus/weihai/message-templates/auto_prompt', { text: '${holder}的${licence}将于${expires}到期，请及时办理。' });
  expect(missing.status).toBe(400);
  expect(missing.body.error.fields).toEqual([
    { path: 'text', message: 'a auto_prompt reminder must state 申请换证时限: add ${deadline}' },
    { path: 'text', message: 'a auto_prompt reminder must state 办理地点: add ${office}' },
    { path: 'text', message: 'a auto_prompt reminder must state 服务电话: add ${phone}' },
    { path: 'text', message: 'a auto_prompt reminder must state 提交材料清单: add ${materials}' },
    { path: 'text', message: 'a auto_prompt reminder must state 预约办理方式: add ${booking}' },
  ]);
  const unknownValue = await supervisor.call('PUT', '/api/v1/bureaus/weihai/message-templates/sms', { text: `${DEFAULT_TEMPLATES.sms}\${联系人}`, providerTemplateId: 'SMS_1' });
  expect(unknownValue.body.error.fields).toEqual([{ path: 'text', message: expect.stringContaining('${联系人} is not a value the engine fills') }]);
  const unapproved = await supervisor.call('PUT', '/api/v1/bureaus/weihai/message-templates/sms', { text: DEFAULT_TEMPLATES.sms });
  expect(unapproved.body.error.fields).toEqual([{ path: 'providerTemplateId', message: expect.stringContaining('is required for SMS') }]);
  const noType = await supervisor.call('PUT', '/api/v1/bureaus/weihai/message-templates/letter', { licenceType: 'WH99', text: DEFAULT_TEMPLATES.letter });
  expect(noType.status).toBe(404);
  const badChannel = await supervisor.call('PUT', '/api/v1/bureaus/weihai/message-templates/wechat', { text: DEFAULT_TEMPLATES.letter });
  expect(badChannel.status).toBe(400);
  expect(badChannel.body.error.fields[0].path).toBe('params.channel');
  expect((await suite.api.call('GET', '/api/v1/bureaus/weihai/message-templates')).body).toEqual(before.body);
});

it("sets the bureau's guidance, which fills what a licence type leaves unset", async () => {
  const supervisor = await suite.api.as('supervisor');
  const set = await supervisor.call('PUT', '/api/v1/bureaus/weihai/guidance', { officeAddress: '威海市政务服务中心', servicePhone: '0631-5200000', portalUrl: 'https://zwfw.example.cn/book' });
  expect(set).toMatchObject({ status: 200, body: { officeAddress: '威海市政务服务中心', servicePhone: '0631-5200000', portalUrl: 'https://zwfw.example.cn/book' } });
  const bad = await supervisor.call('PUT', '/api/v1/bureaus/weihai/guidance', { officeAddress: null, servicePhone: '12', portalUrl: 'not a url' });
  expect(bad.status).toBe(400);
  expect(bad.body.error.fields.map((field: { path: string }) => field.path)).toEqual(['servicePhone', 'portalUrl']);
  expect((await suite.h.database.prisma.bureau.findUniqueOrThrow({ where: { code: 'weihai' } })).servicePhone).toBe('0631-5200000');
});

it("shows what an SMS wording costs, and refuses one the providers would not approve: a link inside a variable", async () => {
  const supervisor = await suite.api.as('supervisor');
  const initial = await suite.api.call('GET', '/api/v1/bureaus/weihai/message-templates?licenceType=WH01');
  const billing = initial.body.templates[0].billing;
  expect(billing.longestText.startsWith('【')).toBe(true);
  expect(billing.characters).toBe([...billing.longestText].length);
  expect(billing.parts).toBe(billing.characters <= 70 ? 1 : Math.ceil(billing.characters / 67));
  expect(billing.parts).toBeGreaterThan(1);

  await supervisor.call('PUT', '/api/v1/bureaus/weihai/guidance', { officeAddress: null, servicePhone: null, portalUrl: 'https://zwfw.example.cn/book' });
  try {
    const linked = await supervisor.call('PUT', '/api/v1/bureaus/weihai/message-templates/sms', { text: DEFAULT_TEMPLATES.sms, providerTemplateId: 'SMS_480000201' });
    expect(linked.status).toBe(400);
    expect(linked.body.error.fields).toEqual([{ path: 'text', message: expect.stringContaining('${booking} would carry the link https://zwfw.example.cn/book') }]);
    const longOffice = '威海市环翠区统一路政务服务中心东楼三层社会事务综合受理窗口十二号至十八号';
    await supervisor.call('PUT', '/api/v1/bureaus/weihai/guidance', { officeAddress: longOffice, servicePhone: null, portalUrl: null });
    const tooLong = await supervisor.call('PUT', '/api/v1/bureaus/weihai/message-templates/sms', { text: DEFAULT_TEMPLATES.sms, providerTemplateId: 'SMS_480000203' });
    expect(tooLong.body.error.fields).toEqual([{ path: 'text', message: expect.stringContaining(`\${office} would carry ${[...longOffice].length} characters`) }]);
    await supervisor.call('PUT', '/api/v1/bureaus/weihai/guidance', { officeAddress: null, servicePhone: null, portalUrl: 'https://zwfw.example.cn/book' });
    const fixed = DEFAULT_TEMPLATES.sms.replace('预约：${booking}', '预约：https://zwfw.example.cn/book');
    const accepted = await supervisor.call('PUT', '/api/v1/bureaus/weihai/message-templates/sms', { text: fixed, providerTemplateId: 'SMS_480000202' });
    expect(accepted.status).toBe(200);
    expect(accepted.body.templates[0].billing.longestText).toContain('https://zwfw.example.cn/book');
  } finally {
    await supervisor.call('DELETE', '/api/v1/bureaus/weihai/message-templates/sms');
    await supervisor.call('PUT', '/api/v1/bureaus/weihai/guidance', { officeAddress: null, servicePhone: null, portalUrl: null });
  }
});
