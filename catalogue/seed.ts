import { isDeepStrictEqual } from 'node:util';
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
 * How long a bureau's seed may hold its transaction. Every API and worker process seeds as it
 * starts, and a process restarted while the database is busy must still start.
 */
const SEED_TRANSACTION_TIMEOUT_MS = 60_000;

/**
 * Loads the seed bureaus, departments and catalogues. Idempotent: entries never changed through
 * the catalogue API follow the published text; those a department edited keep their edits. A few
 * statements a bureau, whatever the size of its catalogue: a database already seeded is read once
 * and written only where the published text differs from it.
 */
export async function seedCatalogues(prisma: PrismaClient, bureaus: readonly SeedBureau[] = SEED_BUREAUS): Promise<void> {
  for (const bureau of bureaus) {
    await prisma.$transaction(
      async (tx) => {
        // Written first: processes that start together wait here on the bureau's row, each seeding
        // after the one before it has committed, so that none creates an entry twice.
        await tx.bureau.upsert({
          where: { code: bureau.code },
          // The office address is the bureau's to change later; a re-seed keeps its change.
          create: { code: bureau.code, name: bureau.name, timeZone: bureau.timeZone, officeAddress: bureau.officeAddress },
          update: { name: bureau.name, timeZone: bureau.timeZone },
        });
        const departments = [...new Set(bureau.catalogue.map((entry) => entry.department))];
        await tx.department.createMany({ data: departments.map((name) => ({ id: departmentId(bureau.code, name), bureauCode: bureau.code, name })), skipDuplicates: true });

        const published = bureau.catalogue.map((entry) => {
          const validityRule = parseValidityText(entry.validityText);
          return {
            id: `${bureau.code}:${entry.code}`,
            code: entry.code,
            regulator: regulatorFor(entry),
            fields: {
              departmentId: departmentId(bureau.code, entry.department),
              approvalItem: entry.approvalItem,
              licenceName: entry.licenceName,
              validityText: entry.validityText,
              validityRule,
              remindersEnabled: validityRule.kind !== 'none',
            },
          };
        });
        const stored = new Map(
          (
            await tx.catalogueEntry.findMany({
              where: { id: { in: published.map((entry) => entry.id) } },
              select: { id: true, version: true, departmentId: true, approvalItem: true, licenceName: true, validityText: true, validityRule: true, remindersEnabled: true },
            })
          ).map(({ id, version, ...fields }) => [id, { version, fields }]),
        );
        await tx.catalogueEntry.createMany({
          data: published
            .filter((entry) => !stored.has(entry.id))
            .map((entry) => ({ id: entry.id, bureauCode: bureau.code, code: entry.code, reminderLeadMonths: DEFAULT_REMINDER_LEAD_MONTHS, ...entry.fields })),
        });
        for (const entry of published) {
          const current = stored.get(entry.id);
          if (current?.version === 1 && !isDeepStrictEqual(current.fields, entry.fields)) {
            await tx.catalogueEntry.update({ where: { id: entry.id }, data: entry.fields });
          }
        }

        const regulatorId = (entry: (typeof published)[number]) => `${bureau.code}:${entry.regulator.id}`;
        await tx.regulator.createMany({
          data: [...new Map(published.map((entry) => [regulatorId(entry), { id: regulatorId(entry), bureauCode: bureau.code, name: `${bureau.city}${entry.regulator.name}` }])).values()],
          skipDuplicates: true,
        });
        await tx.catalogueRegulator.createMany({
          data: published.map((entry) => ({ catalogueEntryId: entry.id, regulatorId: regulatorId(entry), role: 'competent' })),
          skipDuplicates: true,
        });
      },
      { timeout: SEED_TRANSACTION_TIMEOUT_MS, maxWait: SEED_TRANSACTION_TIMEOUT_MS },
    );
  }
}
