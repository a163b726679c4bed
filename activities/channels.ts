import { localDateOf } from '../domain';
import type { PrismaClient } from '../generated/prisma/client';
import { idempotencyKeyHeader, postJson, type IntegrationEndpoints } from './dependencies';
import { writeLedgerEntry } from './ledger';
import { activityNow } from './clock';
import { calendarDateOf } from '../services/licence-registration';

interface ChannelInput {
  licenceId: string;
  idempotencyKey: string;
}

async function licenceForReminder(prisma: PrismaClient, licenceId: string) {
  return prisma.licence.findUniqueOrThrow({
    where: { id: licenceId },
    include: { bureau: true, catalogueEntry: { include: { department: true } } },
  });
}

async function alreadyReminded(prisma: PrismaClient, idempotencyKey: string): Promise<string | undefined> {
  return (await prisma.ledgerEntry.findUnique({ where: { idempotencyKey } }))?.outcome;
}

/**
 * 业务系统自动提示: delivers a prompt to the approval system / service portal. The idempotency key
 * travels in a header so that the receiver can drop a retried delivery; the ledger row is written
 * once, after the receiver accepted it.
 */
export async function deliverAutoPrompt(prisma: PrismaClient, endpoints: IntegrationEndpoints, input: ChannelInput): Promise<{ outcome: string }> {
  const done = await alreadyReminded(prisma, input.idempotencyKey);
  if (done) return { outcome: done };
  const licence = await licenceForReminder(prisma, input.licenceId);
  await postJson(
    endpoints.autoPromptUrl,
    {
      bureau: licence.bureauCode,
      department: licence.catalogueEntry.department.name,
      licenceNumber: licence.licenceNumber,
      licenceName: licence.catalogueEntry.licenceName,
      holderName: licence.holderName,
      expiresOn: calendarDateOf(licence.expiresOn),
    },
    idempotencyKeyHeader(input.idempotencyKey),
  );
  await prisma.$transaction((tx) =>
    writeLedgerEntry(tx, { ...input, channel: 'auto_prompt', outcome: 'delivered', remindedBy: 'system', remindedAt: activityNow() }),
  );
  return { outcome: 'delivered' };
}

/**
 * The reminder text. The catalogue's renewal deadline and service phone are added when the
 * department has set them; an unset one is left out, never replaced by a placeholder.
 */
export function smsText(licence: Awaited<ReturnType<typeof licenceForReminder>>): string {
  const expires = calendarDateOf(licence.expiresOn);
  const entry = licence.catalogueEntry;
  return (
    `尊敬的${licence.holderName}：您持有的${entry.licenceName}（编号${licence.licenceNumber}）将于${expires}到期，` +
    `请${entry.renewalDeadline ? `于${entry.renewalDeadline}` : '及时'}向${licence.bureau.name}申请办理延续手续。` +
    (entry.servicePhone ? `咨询电话：${entry.servicePhone}。` : '')
  );
}

/** The guidance lines of a letter (申请时限, 地点, 电话, 材料, 预约): only those the department has set. */
function guidanceLines(entry: Awaited<ReturnType<typeof licenceForReminder>>['catalogueEntry']): string[] {
  const indent = IDEOGRAPHIC_SPACE.repeat(2);
  return [
    ...(entry.renewalDeadline ? [`${indent}申请换证时限：${entry.renewalDeadline}`] : []),
    ...(entry.officeAddress ? [`${indent}办理地点：${entry.officeAddress}`] : []),
    ...(entry.servicePhone ? [`${indent}服务电话：${entry.servicePhone}`] : []),
    ...(entry.materials.length > 0 ? [`${indent}提交材料：${entry.materials.map((item, index) => `${index + 1}. ${item}`).join('；')}`] : []),
    ...(entry.bookingUrl ? [`${indent}预约办理：${entry.bookingUrl}`] : []),
  ];
}

/**
 * 短信提醒: sends the reminder through the SMS provider. A contact flagged as a wrong number is not
 * texted; the ledger says so. The idempotency key is sent as the client token so that a provider
 * that honours it drops a retried send.
 */
export async function sendReminderSms(prisma: PrismaClient, endpoints: IntegrationEndpoints, input: ChannelInput): Promise<{ outcome: string }> {
  const done = await alreadyReminded(prisma, input.idempotencyKey);
  if (done) return { outcome: done };
  const licence = await licenceForReminder(prisma, input.licenceId);
  let outcome = 'skipped_contact_flagged';
  if (!licence.contactFlaggedAt) {
    const { json } = await postJson(
      endpoints.smsUrl,
      { phone: licence.contactPhone, text: smsText(licence), clientToken: input.idempotencyKey },
      idempotencyKeyHeader(input.idempotencyKey),
    );
    outcome = (json as { messageId?: string } | undefined)?.messageId ? 'sent' : 'sent_without_id';
  }
  await prisma.$transaction((tx) =>
    writeLedgerEntry(tx, { ...input, channel: 'sms', outcome, remindedBy: 'system', remindedAt: activityNow() }),
  );
  return { outcome };
}

// Chinese official letters indent paragraphs by two full-width spaces.
const IDEOGRAPHIC_SPACE = '\u3000';

/**
 * 点对点函告: writes the reminder letter for a specialist to send. Idempotent by key.
 * @returns the letter's id.
 */
export async function prepareLetter(prisma: PrismaClient, input: ChannelInput): Promise<string> {
  const existing = await prisma.letter.findUnique({ where: { idempotencyKey: input.idempotencyKey } });
  if (existing) return existing.id;
  const licence = await licenceForReminder(prisma, input.licenceId);
  const expires = calendarDateOf(licence.expiresOn);
  const today = localDateOf(activityNow(), licence.bureau.timeZone);
  const body = [
    '证照到期提醒函',
    '',
    `${licence.holderName}：`,
    `${IDEOGRAPHIC_SPACE.repeat(2)}你单位（你）持有的《${licence.catalogueEntry.licenceName}》（证照编号：${licence.licenceNumber}）将于${expires}有效期届满。` +
      '为避免证照过期影响正常经营，请在有效期届满前及时申请办理换证（延续）手续。',
    ...guidanceLines(licence.catalogueEntry),
    `${IDEOGRAPHIC_SPACE.repeat(2)}联系人：${licence.contactName}`,
    '',
    `${licence.bureau.name}${IDEOGRAPHIC_SPACE}${licence.catalogueEntry.department.name}`,
    today,
  ].join('\n');
  const letter = await prisma.letter.upsert({
    where: { idempotencyKey: input.idempotencyKey },
    create: { idempotencyKey: input.idempotencyKey, licenceId: licence.id, body },
    update: {},
  });
  return letter.id;
}
