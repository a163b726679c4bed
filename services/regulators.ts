import type { Prisma, PrismaClient, Regulator } from '../generated/prisma/client';
import { Refusal } from './refusal';

/**
 * Where a regulator's signing key lives, never the key itself: an environment variable of the
 * worker (`env:REGULATOR_KEY_MARKET`) or a file it can read (`file:/run/secrets/market`).
 */
export const SECRET_REF_PATTERN = /^(?:env:[A-Z_][A-Z0-9_]{0,127}|file:\/[A-Za-z0-9._\-/]{1,255})$/;

/** What a regulator is to a licence type: its competent department (主管部门) or one that supervises it (事中事后监管部门). */
export const REGULATOR_ROLES = ['competent', 'supervising'] as const;
export type RegulatorRole = (typeof REGULATOR_ROLES)[number];

export interface RegulatorLink {
  id: string;
  role: RegulatorRole;
}

export interface NewRegulator {
  bureau: string;
  /** The part of the id after the bureau: `market-supervision` makes `weihai:market-supervision`. */
  code: string;
  name: string;
  webhookUrl?: string | null;
  secretRef?: string | null;
}

export type RegulatorChanges = Partial<Pick<NewRegulator, 'name' | 'webhookUrl' | 'secretRef'>>;

const audited = (regulator: Regulator) => ({ name: regulator.name, webhookUrl: regulator.webhookUrl, secretRef: regulator.secretRef });

/** Adds a regulator to a bureau (version 1), audited. */
export async function createRegulator(prisma: PrismaClient, input: NewRegulator, changedBy: string): Promise<Regulator> {
  if (!(await prisma.bureau.findUnique({ where: { code: input.bureau } }))) throw Refusal.notFound(`Bureau ${input.bureau}`, 'bureau');
  const id = `${input.bureau}:${input.code}`;
  if (await prisma.regulator.findUnique({ where: { id } })) {
    throw new Refusal('conflict', 'regulator_exists', `${input.bureau} already has a regulator ${id}; change it with PATCH /api/v1/regulators/${id}`);
  }
  return prisma.$transaction(async (tx) => {
    const created = await tx.regulator.create({
      data: { id, bureauCode: input.bureau, name: input.name, webhookUrl: input.webhookUrl ?? null, secretRef: input.secretRef ?? null },
    });
    await tx.regulatorChange.create({ data: { regulatorId: id, version: 1, changedBy, action: 'create', after: audited(created) } });
    return created;
  });
}

/** Changes a regulator's name, endpoint or key reference: a new version with the fields before and after. */
export async function updateRegulator(prisma: PrismaClient, id: string, changes: RegulatorChanges, changedBy: string): Promise<Regulator> {
  const before = await prisma.regulator.findUnique({ where: { id } });
  if (!before) throw Refusal.notFound(`Regulator ${id}`, 'params.id');
  return prisma.$transaction(async (tx) => {
    const updated = await tx.regulator.update({ where: { id, version: before.version }, data: { ...changes, version: { increment: 1 } } });
    await tx.regulatorChange.create({
      data: { regulatorId: id, version: updated.version, changedBy, action: 'update', before: audited(before), after: audited(updated) },
    });
    return updated;
  });
}

/**
 * The regulators a catalogue entry's decisions go to, as the caller gave them: explicit links with
 * roles, or the older list of ids (the first is the competent department, the rest supervise).
 */
export function regulatorLinksOf(input: { regulators?: RegulatorLink[]; regulatorIds?: string[] }): RegulatorLink[] | undefined {
  if (input.regulators) return input.regulators;
  if (!input.regulatorIds) return undefined;
  return [...new Set(input.regulatorIds)].map((id, index) => ({ id, role: index === 0 ? 'competent' : 'supervising' }));
}

/**
 * Makes `links` an entry's regulators, or none when the entry says explicitly that it wants none
 * (the caller stores `regulatorsNotWanted` with the entry's own change).
 * An entry that reminds must have one or the other: decisions that go to nobody are a choice, never
 * an accident.
 *
 * @throws Refusal (invalid) naming `regulators` or `regulatorsNotWanted`, with the bureau's regulators to pick from.
 */
export async function setEntryRegulators(
  tx: Prisma.TransactionClient,
  entry: { id: string; bureauCode: string; remindersEnabled: boolean },
  links: RegulatorLink[],
  notWanted: boolean,
): Promise<void> {
  const known = await tx.regulator.findMany({ where: { bureauCode: entry.bureauCode }, orderBy: { id: 'asc' } });
  const choices = `${entry.bureauCode}'s regulators: ${known.map((regulator) => regulator.id).join(', ') || 'none yet (POST /api/v1/regulators)'}`;
  const refuse = (path: string, problem: string) => {
    throw Refusal.invalid([{ path, message: `${problem}; ${choices}` }]);
  };
  if (notWanted && links.length > 0) refuse('regulatorsNotWanted', 'says no regulator is wanted, yet regulators are named: send one or the other');
  if (!notWanted && links.length === 0 && entry.remindersEnabled) {
    refuse('regulators', 'must name at least one regulator, or say regulatorsNotWanted: true when the decisions of this type go to nobody');
  }
  const unknown = links.filter((link) => !known.some((regulator) => regulator.id === link.id)).map((link) => link.id);
  if (unknown.length > 0) refuse('regulators', `${unknown.join(', ')} is not a regulator of ${entry.bureauCode}`);
  const ids = links.map((link) => link.id);
  if (new Set(ids).size !== ids.length) refuse('regulators', 'names a regulator twice');
  const competent = links.filter((link) => link.role === 'competent').length;
  if (links.length > 0 && competent !== 1) refuse('regulators', `must name exactly one competent department (role competent), not ${competent}`);

  await tx.catalogueRegulator.deleteMany({ where: { catalogueEntryId: entry.id } });
  await tx.catalogueRegulator.createMany({ data: links.map((link) => ({ catalogueEntryId: entry.id, regulatorId: link.id, role: link.role })) });
}
