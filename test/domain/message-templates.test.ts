import { templateParameters } from '../../domain';
import { renderSms, smsProblems } from '../../activities/sms';
import { billedSmsParts, DEFAULT_TEMPLATES, holderTextValues, MESSAGE_CHANNELS, MessageTemplateError, messageValues, renderMessage, smsWordingProblems, templateProblems, type MessageSources } from '../../domain';

const unsetGuidance: MessageSources = {
  holderName: '威海康宁大药房有限公司',
  licenceName: '药品经营许可证',
  licenceNumber: '鲁威药经2023001',
  expiresOn: '2027-05-31',
  renewalDeadline: null,
  officeAddress: null,
  servicePhone: null,
  materials: [],
  bookingUrl: null,
  bureauName: '威海市行政审批服务局',
  bureauOfficeAddress: null,
  bureauServicePhone: null,
  bureauPortalUrl: null,
};
const completeGuidance: MessageSources = {
  ...unsetGuidance,
  renewalDeadline: '有效期届满30个工作日前',
  officeAddress: '威海市政务服务中心二楼B区',
  servicePhone: '0631-5201234',
  materials: ['延续申请表', '营业执照复印件'],
  bookingUrl: 'https://example.gov.cn/book',
};
const limits = { maxParamLength: 35, maxTextLength: 500, signName: '威海审批' };

describe('reminder wording', () => {
  it('states every content item of 精准提醒 and never leaves a placeholder when the department set no guidance', () => {
    const values = messageValues(unsetGuidance);
    expect(renderSms(DEFAULT_TEMPLATES.sms, values, '威海审批')).toBe(
      '【威海审批】尊敬的威海康宁大药房有限公司：您的药品经营许可证（编号鲁威药经2023001）将于2027-05-31到期，' +
        '请于有效期届满前到威海市行政审批服务局政务服务窗口申请延续，预约：致电12345预约，咨询电话12345。',
    );
    for (const channel of MESSAGE_CHANNELS) {
      expect(renderMessage(DEFAULT_TEMPLATES[channel], values)).not.toMatch(/\$\{|待定|null|undefined|：[；，。]/);
    }
  });

  it("uses the licence type's guidance first, then the bureau's, then the 12345 hotline", () => {
    expect(messageValues(completeGuidance)).toMatchObject({
      deadline: '有效期届满30个工作日前',
      office: '威海市政务服务中心二楼B区',
      phone: '0631-5201234',
      materials: '1. 延续申请表；2. 营业执照复印件',
      booking: 'https://example.gov.cn/book',
    });
    const bureauOnly = messageValues({
      ...unsetGuidance,
      bureauOfficeAddress: '威海市政务服务中心',
      bureauServicePhone: '0631-5200000',
      bureauPortalUrl: 'https://portal.example.gov.cn',
    });
    expect(bureauOnly).toMatchObject({
      office: '威海市政务服务中心',
      phone: '0631-5200000',
      booking: 'https://portal.example.gov.cn',
      materials: '请致电0631-5200000咨询，窗口一次性告知',
    });
  });

  it('refuses a template with an unknown value, an unclosed value, or without what the channel must state', () => {
    for (const channel of MESSAGE_CHANNELS) expect(templateProblems(channel, DEFAULT_TEMPLATES[channel])).toEqual([]);
    expect(templateProblems('sms', '到期${expires}，请于${deadline}前到${office}办理，电话${phone}，预约${booking}，${holdr}')).toEqual([
      expect.stringContaining('${holdr} is not a value the engine fills'),
    ]);
    expect(templateProblems('auto_prompt', '${holder}的证照将于${expires}到期')).toEqual([
      'a auto_prompt reminder must state 申请换证时限: add ${deadline}',
      'a auto_prompt reminder must state 办理地点: add ${office}',
      'a auto_prompt reminder must state 服务电话: add ${phone}',
      'a auto_prompt reminder must state 提交材料清单: add ${materials}',
      'a auto_prompt reminder must state 预约办理方式: add ${booking}',
    ]);
    expect(templateProblems('sms', `${DEFAULT_TEMPLATES.sms}\${expires`)).toContain('a `${` is never closed; write values as ${name}');
  });

  it('refuses to render a blank value instead of sending a gap', () => {
    expect(() => renderMessage('到期${expires}', { ...messageValues(unsetGuidance), expires: ' ' })).toThrow(MessageTemplateError);
  });

  it('passes the parameters in the order the template first uses them, as Tencent numbers them', () => {
    expect(templateParameters('${expires}到期，${holder}，再提${expires}', messageValues(unsetGuidance))).toEqual([
      ['expires', '2027-05-31'],
      ['holder', '威海康宁大药房有限公司'],
    ]);
  });

  it("checks the provider's limits before sending: a landline, a parameter too long, a message too long", () => {
    const values = messageValues(completeGuidance);
    expect(smsProblems('13800138000', DEFAULT_TEMPLATES.sms, values, limits)).toEqual([]);
    expect(smsProblems('0631-5201234', DEFAULT_TEMPLATES.sms, values, limits)).toEqual(['invalid_number: not a mainland mobile number']);
    expect(smsProblems('13800138000', DEFAULT_TEMPLATES.sms, { ...values, holder: '威'.repeat(36) }, limits)).toEqual([
      'param holder has 36 characters; the provider allows 35',
    ]);
    // A value the template does not use is not the provider's business.
    expect(smsProblems('13800138000', DEFAULT_TEMPLATES.sms, { ...values, materials: '材'.repeat(80) }, limits)).toEqual([]);
    expect(smsProblems('13800138000', DEFAULT_TEMPLATES.sms, values, { ...limits, maxTextLength: 60 })).toEqual([
      expect.stringMatching(/^the message has \d+ characters; the provider allows 60$/),
    ]);
  });
});

describe('billedSmsParts: what a text costs at Aliyun and Tencent', () => {
  it.each([
    [1, 1],
    [70, 1],
    [71, 2],
    [134, 2],
    [135, 3],
    [201, 3],
    [202, 4],
  ])('%i characters are billed as %i', (characters, parts) => {
    expect(billedSmsParts('证'.repeat(characters))).toBe(parts);
  });

  it('counts a character outside the basic plane once', () => {
    expect(billedSmsParts('𠀀'.repeat(70))).toBe(1);
  });
});

describe('smsWordingProblems: what the providers would refuse', () => {
  it('passes the default wording when the booking is a phone call', () => {
    expect(smsWordingProblems(DEFAULT_TEMPLATES.sms, [messageValues(unsetGuidance)])).toEqual([]);
  });

  it('refuses a link inside a variable, and takes it written into the wording', () => {
    const withPortal = messageValues({ ...unsetGuidance, bureauPortalUrl: 'https://zwfw.example.cn/book' });
    expect(smsWordingProblems(DEFAULT_TEMPLATES.sms, [withPortal])).toEqual([
      expect.stringMatching(/^\$\{booking\} would carry the link https:\/\/zwfw\.example\.cn\/book, and the providers refuse links inside variables/),
    ]);
    const fixedLink = DEFAULT_TEMPLATES.sms.replace('${booking}', 'https://zwfw.example.cn/book');
    expect(smsWordingProblems(fixedLink, [withPortal])).toEqual([]);
    expect(templateProblems('sms', fixedLink)).toEqual([]);
  });

  it('refuses the brackets the signature goes in', () => {
    expect(smsWordingProblems(`【提醒】${DEFAULT_TEMPLATES.sms}`, [messageValues(unsetGuidance)])).toEqual(['must not contain 【 or 】: the providers keep them for the signature']);
  });
});

describe('holderTextValues: one text for a holder whose licences fall due together', () => {
  const pharmacy = messageValues(completeGuidance);
  const second = messageValues({ ...completeGuidance, licenceNumber: '鲁威药经2023103', expiresOn: '2027-06-02' });
  const food = messageValues({ ...completeGuidance, licenceName: '食品经营许可证', licenceNumber: 'JY13710020000001' });

  it('lists the numbers and dates, and writes a shared name once', () => {
    expect(holderTextValues([pharmacy, second, food])).toMatchObject({
      holder: '威海康宁大药房有限公司',
      licence: '药品经营许可证、食品经营许可证',
      number: '鲁威药经2023001、鲁威药经2023103、JY13710020000001',
      expires: '2027-05-31、2027-06-02',
      office: '威海市政务服务中心二楼B区',
    });
  });

  it('gives none when the licences are renewed in different places or by different deadlines', () => {
    expect(holderTextValues([pharmacy, messageValues({ ...completeGuidance, officeAddress: '威海市政务服务中心一楼' })])).toBeUndefined();
    expect(holderTextValues([pharmacy, messageValues({ ...completeGuidance, renewalDeadline: null })])).toBeUndefined();
  });
});
