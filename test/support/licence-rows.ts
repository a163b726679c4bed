import type { PrismaClient } from '../../generated/prisma/client';
import type { LicenceWorkflowInput } from '../../workflows/licence-definitions';

/**
 * Writes a Weihai drug-retail licence row as registration would, and returns the input its
 * workflow starts with; for tests that start the workflow themselves.
 */
export async function insertWorkflowLicence(prisma: PrismaClient, licenceNumber: string, expiresOn: string): Promise<LicenceWorkflowInput> {
  const id = crypto.randomUUID();
  await prisma.licence.create({
    data: {
      id,
      bureauCode: 'weihai',
      licenceNumber,
      catalogueEntryId: 'weihai:WH01',
      holderName: '威海康宁大药房有限公司',
      contactName: '张敏',
      contactPhone: '13800138000',
      issuedOn: new Date('2022-05-31T00:00:00Z'),
      expiresOn: new Date(`${expiresOn}T00:00:00Z`),
      workflowId: `licence/weihai/${licenceNumber}`,
      stage: 'awaiting_window',
      reminderWindowOpensAt: new Date(),
    },
  });
  return {
    licenceId: id,
    bureau: 'weihai',
    licenceNumber,
    licenceType: 'WH01',
    department: '市场准入二科',
    expiresOn,
    reminderLeadMonths: 3,
    timeZone: 'Asia/Shanghai',
  };
}

