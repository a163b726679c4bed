import { createHash } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { DateTime } from 'luxon';
import { holderIdentity, holderTextValues, localDateOf, renewalSaying, type MessageValues } from '../domain';
import type { PrismaClient } from '../generated/prisma/client';
import { licenceMessage, valuesOfLicence, type LicenceForMessage, type LicenceMessage } from '../services/message-templates';
import { licenceStatusQuery } from '../workflows/licence-definitions';

/** A licence about to be texted, as the SMS step reads it. */
export type TextedLicence = LicenceForMessage & { id: string; workflowId: string; contactPhone: string; holderIdNumber: string | null; bureau: { timeZone: string } };

/** What the SMS step of a licence does about the holder's other licences. */
export type HolderTextPlan =
  /** This step sends the day's text to the number, listing these licences (itself first). */
  | { kind: 'send'; values: MessageValues; licenceIds: string[] }
  /** Another licence's step sent the day's text to the number, and it lists this licence. */
  | { kind: 'listed'; outId: string }
  /** The number had a text today saying the same that does not list this licence: it gets its own. */
  | { kind: 'alone' };

// A holder with more licences than this due on one day is rare; a text could not list them anyway.
const MOST_COMPANIONS = 9;

/**
 * One text a day per holder and renewal: a licence's SMS step lists in its text the holder's other
 * licences (same bureau and holderIdentity: the same unified social credit code / ID number, or,
 * without one, the same number) whose own SMS step falls due that day too, when one text is true
 * for all of them (same wording, office, deadline and booking) and stays within the provider's
 * limits (`fits`). Licences renewed
 * elsewhere get a text of their own, and so does another holder known at the same number: which
 * step runs first must not decide whose licences a text lists. The day's text is written down
 * (HolderText) with a claim on the holder (HolderTextClaim) before it is sent: a second step that
 * would text the same holder finds the claim taken and, listed in the first text, sends nothing; a
 * retry of the sending step sends the same text.
 */
export async function planHolderText(
  deps: { prisma: PrismaClient; temporal: Client },
  licence: TextedLicence,
  wording: LicenceMessage,
  outId: string,
  fits: (values: MessageValues) => boolean,
  now: Date,
): Promise<HolderTextPlan> {
  const { prisma } = deps;
  const saying = createHash('sha256').update(`${wording.text}\n${wording.providerTemplateId ?? ''}\n${renewalSaying(wording.values)}`).digest('hex').slice(0, 32);
  const day = localDateOf(now, licence.bureau.timeZone);
  const decided = await listingOf(prisma, licence, wording.values, day, outId);
  if (decided) return decided;
  const claim = { bureauCode: licence.bureauCode, holder: holderIdentity(licence), day, saying };
  // The holder had today's text saying the same, which does not list this licence: it gets its own.
  if (await prisma.holderTextClaim.findUnique({ where: { bureauCode_holder_day_saying: claim } })) return { kind: 'alone' };
  const companions = await companionsDueToday(deps, licence, wording, day);
  const listed = listable(wording.values, companions.map((companion) => ({ id: companion.id, values: valuesOfLicence(companion) })), fits);
  try {
    await prisma.$transaction([
      prisma.holderTextClaim.create({ data: { ...claim, outId } }),
      prisma.holderText.create({ data: { bureauCode: licence.bureauCode, phone: licence.contactPhone, day, saying, outId, licenceIds: [licence.id, ...listed] } }),
    ]);
  } catch (error) {
    // Another step claimed the holder first: its text lists this licence, or this one goes alone.
    if (!isUniqueViolation(error)) throw error;
  }
  return (await listingOf(prisma, licence, wording.values, day, outId)) ?? { kind: 'alone' };
}

/** What today's texts already decided for the licence: this step sends one that lists it, or another did. */
async function listingOf(prisma: PrismaClient, licence: TextedLicence, own: MessageValues, day: string, outId: string): Promise<HolderTextPlan | undefined> {
  const text = await prisma.holderText.findFirst({ where: { bureauCode: licence.bureauCode, day, licenceIds: { has: licence.id } }, orderBy: { createdAt: 'asc' } });
  if (!text) return undefined;
  if (text.outId !== outId) return { kind: 'listed', outId: text.outId };
  return { kind: 'send', values: await valuesListed(prisma, text.licenceIds, own), licenceIds: text.licenceIds };
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'P2002';
}

/**
 * The companions one text can list with this licence: those it can be true for, as many as the
 * provider's limits let it name; the others get texts of their own.
 */
function listable(own: MessageValues, companions: Array<{ id: string; values: MessageValues }>, fits: (values: MessageValues) => boolean): string[] {
  let listed = companions.filter((companion) => holderTextValues([own, companion.values]) !== undefined);
  while (listed.length > 0 && !fits(holderTextValues([own, ...listed.map((companion) => companion.values)])!)) listed = listed.slice(0, -1);
  return listed.map((companion) => companion.id);
}

async function valuesListed(prisma: PrismaClient, licenceIds: string[], own: MessageValues): Promise<MessageValues> {
  if (licenceIds.length === 1) return own;
  const rows = await prisma.licence.findMany({ where: { id: { in: licenceIds } }, include: { bureau: true, catalogueEntry: true } });
  // Listed by number, whichever licence's step happened to send the text.
  const listed = rows.sort((a, b) => a.licenceNumber.localeCompare(b.licenceNumber)).map(valuesOfLicence);
  return holderTextValues(listed) ?? own;
}

/**
 * The holder's other licences (same holderIdentity) whose SMS step is due by the end of `day` and
 * has not texted yet, worded the same: their workflows are asked where their ladders stand.
 */
async function companionsDueToday(deps: { prisma: PrismaClient; temporal: Client }, licence: TextedLicence, wording: LicenceMessage, day: string) {
  const candidates = await deps.prisma.licence.findMany({
    where: {
      bureauCode: licence.bureauCode,
      ...(licence.holderIdNumber ? { holderIdNumber: licence.holderIdNumber } : { contactPhone: licence.contactPhone, holderIdNumber: null }),
      id: { not: licence.id },
      contactFlaggedAt: null,
      stage: 'window_open',
    },
    include: { bureau: true, catalogueEntry: true },
    orderBy: { licenceNumber: 'asc' },
    take: MOST_COMPANIONS,
  });
  const due = [];
  for (const candidate of candidates) {
    const dueAt = await smsDueAt(deps.temporal, candidate.workflowId);
    if (!dueAt || localDateOf(dueAt, licence.bureau.timeZone) > day) continue;
    // Texted since its step fell due (its text awaits a receipt, or another text listed it): not again.
    const since = DateTime.fromISO(dueAt).toJSDate();
    const texted =
      (await deps.prisma.smsSendIntent.count({ where: { licenceId: candidate.id, lastTriedAt: { gte: since } } })) +
      (await deps.prisma.ledgerEntry.count({ where: { licenceId: candidate.id, channel: 'sms', remindedAt: { gte: since } } }));
    if (texted > 0) continue;
    const theirs = await licenceMessage(deps.prisma, candidate, 'sms');
    if (theirs.text === wording.text && theirs.providerTemplateId === wording.providerTemplateId) due.push(candidate);
  }
  return due;
}

async function smsDueAt(temporal: Client, workflowId: string): Promise<string | undefined> {
  try {
    const { nextAction } = await temporal.workflow.getHandle(workflowId).query(licenceStatusQuery);
    return nextAction?.kind === 'sms' && nextAction.dueAt ? nextAction.dueAt : undefined;
  } catch {
    // A workflow that does not answer is not listed: its own step texts it.
    return undefined;
  }
}
