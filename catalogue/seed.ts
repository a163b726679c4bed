import type { PrismaClient } from '../generated/prisma/client';
import { DEFAULT_REMINDER_LEAD_MONTHS, parseValidityText } from '../domain';
import { LULIANG } from './luliang';
import { regulatorFor } from './regulators';
import type { SeedBureau } from './seed-types';
import { WEIHAI } from './weihai';

/** The bureaus whose published notices this engine implements. */
export const SEED_BUREAUS: readonly SeedBureau[] = [LULIANG, WEIHAI];

export function departmentId(bureau: string, department: string): string {
  return `${bureau}:${department}`;
}

/**
 * Loads the seed bureaus, departments and catalogues. Idempotent: entries never changed through
 * the catalogue API follow the published text; those a department edited keep their edits.
 */
export async function seedCatalogues(prisma: PrismaClient, bureaus: readonly SeedBureau[] = SEED_BUREAUS): Promise<void> {
  for (const bureau of bureaus) {
    await prisma.$transaction(async (tx) => {
      await tx.bureau.upsert({
        where: { code: bureau.code },
        // The office address is the bureau's to change later; a re-seed keeps its change.
        create: { code: bureau.code, name: bureau.name, timeZone: bureau.timeZone, officeAddress: bureau.officeAddress },
        update: { name: bureau.name, timeZone: bureau.timeZone },
      });
      for (const name of new Set(bureau.catalogue.map((entry) => entry.department))) {
        const id = departmentId(bureau.code, name);
        await tx.department.upsert({ where: { id }, create: { id, bureauCode: bureau.code, name }, update: {} });
      }
      for (const entry of bureau.catalogue) {
        const validityRule = parseValidityText(entry.validityText);
        const fields = {
          departmentId: departmentId(bureau.code, entry.department),
          approvalItem: entry.approvalItem,
          licenceName: entry.licenceName,
          validityText: entry.validityText,
          validityRule,
          remindersEnabled: validityRule.kind !== 'none',
        };
        const id = `${bureau.code}:${entry.code}`;
        const existing = await tx.catalogueEntry.findUnique({ where: { id }, select: { version: true } });
        if (!existing) {
          await tx.catalogueEntry.create({
            data: { id, bureauCode: bureau.code, code: entry.code, reminderLeadMonths: DEFAULT_REMINDER_LEAD_MONTHS, ...fields },
          });
        } else if (existing.version === 1) {
          await tx.catalogueEntry.update({ where: { id }, data: fields });
        }
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
