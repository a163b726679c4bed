import type { RegisterLicenceBody } from '../../api/schemas';

/**
 * What an approval system posts to register a weihai drug retail licence (药品经营许可证, WH01)
 * issued 2022-05-31 and expiring 2027-05-31; a test names the holder and contact it needs.
 */
export function weihaiDrugLicence(
  licenceNumber: string,
  holderName: string,
  contact: RegisterLicenceBody['contact'],
  overrides: Partial<RegisterLicenceBody> = {},
): RegisterLicenceBody {
  return { bureau: 'weihai', licenceNumber, licenceType: 'WH01', holder: { name: holderName }, contact, issuedOn: '2022-05-31', expiresOn: '2027-05-31', ...overrides };
}
