import { createHash } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { DateTime } from 'luxon';
import { holderTextValues, localDateOf, renewalSaying, type MessageValues } from '../domain';
import type { PrismaClient } from '../generated/prisma/client';
import { licenceMessage, valuesOfLicence, type LicenceForMessage, type LicenceMessage } from '../services/message-templates';
import { licenceStatusQuery } from '../workflows/licence-definitions';

/** A licence about to be texted, as the SMS step reads it. */
export type TextedLicence = LicenceForMessage & { id: string; workflowId: string; contactPhone: string; bureau: { timeZone: string } };

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
 * One text a day per holder's number and renewal: a licence's SMS step lists in its text the
 * holder's other licences (same bureau, same number) whose own SMS step falls due that day too,
 * when one text is true for all of them (same wording, office, deadline and booking) and stays
 * within the provider's limits (`fits`). Licences renewed elsewhere get a text of their own. The day's text is written down (HolderText) before it is sent, so that
 * the other licences' steps find themselves listed and send nothing, and so that a retry of this
 * step sends the same text.
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
  const key = { bureauCode: licence.bureauCode, phone: licence.contactPhone, day: localDateOf(now, licence.bureau.timeZone), saying };
  let todays = await prisma.holderText.findUnique({ where: { bureauCode_phone_day_saying: key } });
  if (!todays) {
    const listed = listable(wording.values, (await companionsDueToday(deps, licence, wording, key.day)).map((companion) => ({ id: companion.id, values: valuesOfLicence(companion) })), fits);
    await prisma.holderText.createMany({ data: [{ ...key, outId, licenceIds: [licence.id, ...listed] }], skipDuplicates: true });
    todays = await prisma.holderText.findUniqueOrThrow({ where: { bureauCode_phone_day_saying: key } });
  }
  if (todays.outId === outId) return { kind: 'send', values: await valuesListed(prisma, todays.licenceIds, wording.values), licenceIds: todays.licenceIds };
  if (todays.licenceIds.includes(licence.id)) return { kind: 'listed', outId: todays.outId };
  return { kind: 'alone' };
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
 * The holder's other licences whose SMS step is due by the end of `day` and has not texted yet,
 * worded the same: their workflows are asked where their ladders stand.
 */
async function companionsDueToday(deps: { prisma: PrismaClient; temporal: Client }, licence: TextedLicence, wording: LicenceMessage, day: string) {
  const candidates = await deps.prisma.licence.findMany({
    where: { bureauCode: licence.bureauCode, contactPhone: licence.contactPhone, id: { not: licence.id }, contactFlaggedAt: null, stage: 'window_open' },
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
