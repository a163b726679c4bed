import type { PrismaClient } from '../generated/prisma/client';
import { DEFAULT_LADDER, ladderProblems, type LadderStep } from '../domain';
import { Refusal } from '../services/refusal';

/** What the workflow needs to climb the ladder, read once when the window opens. */
export interface ReminderPlan {
  ladder: LadderStep[];
  graceDays: number;
}

/**
 * The department's ladder (or the default one) and the licence type's grace period. A ladder
 * in the database that does not validate falls back to the default, so reminders never stop.
 */
export async function loadReminderPlan(prisma: PrismaClient, input: { licenceId: string }): Promise<ReminderPlan> {
  const licence = await prisma.licence.findUniqueOrThrow({
    where: { id: input.licenceId },
    include: { catalogueEntry: { include: { department: true } } },
  });
  const configured = licence.catalogueEntry.department.ladder as LadderStep[] | null;
  const ladder = configured && ladderProblems(configured).length === 0 ? configured : [...DEFAULT_LADDER];
  return { ladder, graceDays: licence.catalogueEntry.graceDays };
}

/**
 * The regulators (competent and supervising departments) of a licence's type; none when the entry
 * says explicitly that it wants none.
 * @throws Refusal when the type has none and did not say so: its decisions would go to nobody.
 */
export async function listRegulators(prisma: PrismaClient, input: { licenceId: string }): Promise<Array<{ id: string; name: string }>> {
  const licence = await prisma.licence.findUniqueOrThrow({
    where: { id: input.licenceId },
    include: { catalogueEntry: { include: { regulators: { include: { regulator: true } } } } },
  });
  const entry = licence.catalogueEntry;
  if (entry.regulators.length === 0 && !entry.regulatorsNotWanted) {
    throw new Refusal('unprocessable', 'no_regulators', `catalogue entry ${entry.id} (${entry.licenceName}) has no regulator to tell of its decisions`, [
      { path: 'regulators', message: `set the entry's regulators (or regulatorsNotWanted) with PATCH /api/v1/catalogue/${entry.id}` },
    ]);
  }
  return entry.regulators
    .map(({ regulator }) => ({ id: regulator.id, name: regulator.name }))
    .sort((a, b) => a.id.localeCompare(b.id));
}
