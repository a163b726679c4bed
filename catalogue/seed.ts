import type { PrismaClient } from '../generated/prisma/client';
import { DEFAULT_REMINDER_LEAD_MONTHS } from '../domain';
import { LULIANG } from './luliang';
import { regulatorFor } from './regulators';
import type { SeedBureau } from './seed-types';
import { WEIHAI } from './weihai';

/** The bureaus whose published notices this engine implements. */
export const SEED_BUREAUS: readonly SeedBureau[] = [LULIANG, WEIHAI];

/** `无` in a catalogue's validity column: the licence does not expire, so nothing is reminded. */
const NO_EXPIRY = '无';

export function departmentId(bureau: string, department: string): string {
  return `${bureau}:${department}`;
}

/**
 * Loads the seed bureaus, departments and catalogues. Idempotent: existing rows are updated to
 * the published text, nothing is duplicated.
 */
export async function seedCatalogues(prisma: PrismaClient, bureaus: readonly SeedBureau[] = SEED_BUREAUS): Promise<void> {
  for (const bureau of bureaus) {
    await prisma.$transaction(async (tx) => {
      await tx.bureau.upsert({
        where: { code: bureau.code },
        create: { code: bureau.code, name: bureau.name, timeZone: bureau.timeZone },
        update: { name: bureau.name, timeZone: bureau.timeZone },
      });
      for (const name of new Set(bureau.catalogue.map((entry) => entry.department))) {
        const id = departmentId(bureau.code, name);
        await tx.department.upsert({ where: { id }, create: { id, bureauCode: bureau.code, name }, update: {} });
      }
      for (const entry of bureau.catalogue) {
        const fields = {
          departmentId: departmentId(bureau.code, entry.department),
          approvalItem: entry.approvalItem,
          licenceName: entry.licenceName,
          validityText: entry.validityText,
          remindersEnabled: entry.validityText !== NO_EXPIRY,
        };
        await tx.catalogueEntry.upsert({
          where: { bureauCode_code: { bureauCode: bureau.code, code: entry.code } },
          create: {
            id: `${bureau.code}:${entry.code}`,
            bureauCode: bureau.code,
            code: entry.code,
            reminderLeadMonths: DEFAULT_REMINDER_LEAD_MONTHS,
            ...fields,
          },
          update: fields,
        });
        const regulator = regulatorFor(entry);
        const regulatorId = `${bureau.code}:${regulator.id}`;
        await tx.regulator.upsert({
          where: { id: regulatorId },
          create: { id: regulatorId, bureauCode: bureau.code, name: `${bureau.city}${regulator.name}` },
          update: {},
        });
        await tx.catalogueRegulator.upsert({
          where: { catalogueEntryId_regulatorId: { catalogueEntryId: `${bureau.code}:${entry.code}`, regulatorId } },
          create: { catalogueEntryId: `${bureau.code}:${entry.code}`, regulatorId, role: 'competent' },
          update: {},
        });
      }
    });
  }
}
