import { reminderParams } from '../../activities/channels';
import { REMINDER_TEMPLATE, renderTemplate, smsProblems } from '../../activities/sms';

type ReminderLicence = Parameters<typeof reminderParams>[0];

const licence = (guidance: Partial<ReminderLicence['catalogueEntry']>) =>
  ({
    holderName: '威海康宁大药房有限公司',
    licenceNumber: '鲁威药经2023001',
    expiresOn: new Date('2027-05-31T00:00:00Z'),
    bureau: { name: '威海市行政审批服务局' },
    catalogueEntry: { licenceName: '药品经营许可证', renewalDeadline: null, servicePhone: null, materials: [], ...guidance },
  }) as unknown as ReminderLicence;

const limits = { maxParamLength: 35, maxTextLength: 500, signName: '威海审批' };

describe('the SMS template', () => {
  it('names the licence, its number and its expiry, and never sends a placeholder for unset guidance', () => {
    const text = renderTemplate(REMINDER_TEMPLATE, { ...reminderParams(licence({})) }, '威海审批');
    expect(text).toBe('【威海审批】尊敬的威海康宁大药房有限公司：您持有的药品经营许可证（编号鲁威药经2023001）将于2027-05-31到期，请于有效期届满前向威海市行政审批服务局申请办理延续手续。');
    expect(text).not.toMatch(/\$\{|待定|null|undefined/);
  });

  it("carries the department's renewal deadline once it is set", () => {
    expect(reminderParams(licence({ renewalDeadline: '届满前30个工作日' })).deadline).toBe('届满前30个工作日');
  });

  it("checks the provider's limits before sending: a landline, a parameter too long, a message too long", () => {
    const params = reminderParams(licence({}));
    expect(smsProblems('13800138000', params, limits)).toEqual([]);
    expect(smsProblems('0631-5201234', params, limits)).toEqual(['invalid_number: not a mainland mobile number']);
    const longName = { ...params, holder: '威'.repeat(36) };
    expect(smsProblems('13800138000', longName, limits)).toEqual(['param holder has 36 characters; the provider allows 35']);
    expect(smsProblems('13800138000', params, { ...limits, maxTextLength: 60 })).toEqual([expect.stringMatching(/^the message has \d+ characters; the provider allows 60$/)]);
  });
});
