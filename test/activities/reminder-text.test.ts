import { smsText } from '../../activities/channels';

type ReminderLicence = Parameters<typeof smsText>[0];

const licence = (guidance: Partial<ReminderLicence['catalogueEntry']>) =>
  ({
    holderName: '威海康宁大药房有限公司',
    licenceNumber: '鲁威药经2023001',
    expiresOn: new Date('2027-05-31T00:00:00Z'),
    bureau: { name: '威海市行政审批服务局' },
    catalogueEntry: { licenceName: '药品经营许可证', renewalDeadline: null, servicePhone: null, materials: [], ...guidance },
  }) as unknown as ReminderLicence;

describe('smsText', () => {
  it('names the licence, its number and its expiry, and leaves unset guidance out rather than invent it', () => {
    const text = smsText(licence({}));
    expect(text).toBe('尊敬的威海康宁大药房有限公司：您持有的药品经营许可证（编号鲁威药经2023001）将于2027-05-31到期，请及时向威海市行政审批服务局申请办理延续手续。');
    expect(text).not.toMatch(/待定|null|undefined/);
  });

  it("carries the department's renewal deadline and service phone once they are set", () => {
    expect(smsText(licence({ renewalDeadline: '届满前30个工作日', servicePhone: '0631-5201234' }))).toBe(
      '尊敬的威海康宁大药房有限公司：您持有的药品经营许可证（编号鲁威药经2023001）将于2027-05-31到期，请于届满前30个工作日向威海市行政审批服务局申请办理延续手续。咨询电话：0631-5201234。',
    );
  });
});
