import { localDateOf } from '../domain';
import type { PrismaClient } from '../generated/prisma/client';
import { log } from '@temporalio/activity';
import { idempotencyKeyHeader, postJson, type IntegrationEndpoints } from './dependencies';
import { smsProblems, SmsRefusedError, type ReminderParams, type SmsProvider, type SmsSettings } from './sms';
import { writeLedgerEntry } from './ledger';
import { activityNow } from './clock';
import { calendarDateOf } from '../services/licence-registration';
import { renderLetterPdf } from '../services/letter-pdf';
import { signDelivery } from './renewals';

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
 * 业务系统自动提示: delivers a prompt to the approval system / service portal, signed with
 * HMAC-SHA256 over `<timestamp>.<body>` (`X-Timestamp`, `X-Signature: sha256=<hex>`), the
 * idempotency key in a header so that the receiver can drop a retried delivery. Every attempt is
 * counted; a failure throws so that Temporal retries it with backoff; the receiver's receipt and
 * the ledger row are written once, when it accepted the prompt.
 */
export async function deliverAutoPrompt(prisma: PrismaClient, endpoints: IntegrationEndpoints, input: ChannelInput): Promise<{ outcome: string }> {
  const done = await alreadyReminded(prisma, input.idempotencyKey);
  if (done) return { outcome: done };
  const licence = await licenceForReminder(prisma, input.licenceId);
  await prisma.promptDelivery.upsert({
    where: { idempotencyKey: input.idempotencyKey },
    create: { idempotencyKey: input.idempotencyKey, licenceId: licence.id, attempts: 1 },
    update: { attempts: { increment: 1 } },
  });
  const body = JSON.stringify({
    bureau: licence.bureauCode,
    department: licence.catalogueEntry.department.name,
    licenceNumber: licence.licenceNumber,
    licenceName: licence.catalogueEntry.licenceName,
    holderName: licence.holderName,
    expiresOn: calendarDateOf(licence.expiresOn),
  });
  const timestamp = String(Math.floor(Date.now() / 1000));
  let answer: unknown;
  try {
    ({ json: answer } = await postJson(endpoints.autoPromptUrl, body, {
      ...idempotencyKeyHeader(input.idempotencyKey),
      'x-timestamp': timestamp,
      'x-signature': `sha256=${signDelivery(endpoints.autoPromptSigningSecret, timestamp, body)}`,
    }));
  } catch (error) {
    await prisma.promptDelivery.update({ where: { idempotencyKey: input.idempotencyKey }, data: { lastError: String(error).slice(0, 500) } });
    throw error;
  }
  const receipt = (answer as { receiptId?: unknown } | undefined)?.receiptId;
  const now = activityNow();
  await prisma.$transaction(async (tx) => {
    await tx.promptDelivery.update({
      where: { idempotencyKey: input.idempotencyKey },
      data: { deliveredAt: now, receipt: typeof receipt === 'string' ? receipt : null, lastError: null },
    });
    await writeLedgerEntry(tx, { ...input, channel: 'auto_prompt', outcome: 'delivered', remindedBy: 'system', remindedAt: now });
  });
  return { outcome: 'delivered' };
}

/**
 * The values of the approved SMS template for a licence. Every value is real: a department that
 * has not set its renewal deadline gets 有效期届满前 (before expiry), never a placeholder.
 */
export function reminderParams(licence: Awaited<ReturnType<typeof licenceForReminder>>): ReminderParams {
  return {
    holder: licence.holderName,
    licence: licence.catalogueEntry.licenceName,
    number: licence.licenceNumber,
    expires: calendarDateOf(licence.expiresOn),
    deadline: licence.catalogueEntry.renewalDeadline ?? '有效期届满前',
    office: licence.bureau.name,
  };
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

/** What the SMS step did: the ledger outcome, and the provider's message id when it went out. */
export interface SmsSendOutcome {
  outcome: 'sent' | 'skipped_contact_flagged' | 'invalid_number' | 'refused_by_limits' | string;
  messageId?: string;
  /** How long the workflow waits for the delivery receipt. */
  receiptTimeoutMs: number;
}

/**
 * 短信提醒: sends the approved template through the configured provider (rate-limited to its
 * QPS). A contact already flagged is not texted; a number no SMS can reach is flagged; a message
 * over the provider's limits is not sent. The step's key travels as the provider's OutId so that
 * its receipt finds the licence again, and one ledger row and one message row are written per key.
 */
export async function sendReminderSms(prisma: PrismaClient, sms: { provider: SmsProvider; settings: SmsSettings }, input: ChannelInput): Promise<SmsSendOutcome> {
  const receiptTimeoutMs = sms.settings.receiptTimeoutHours * 3_600_000;
  const done = await alreadyReminded(prisma, input.idempotencyKey);
  if (done) {
    const message = await prisma.smsMessage.findUnique({ where: { outId: input.idempotencyKey } });
    return { outcome: done, ...(message ? { messageId: message.messageId } : {}), receiptTimeoutMs };
  }
  const licence = await licenceForReminder(prisma, input.licenceId);
  let outcome: SmsSendOutcome['outcome'] = 'skipped_contact_flagged';
  let messageId: string | undefined;
  if (!licence.contactFlaggedAt) {
    const params = reminderParams(licence);
    const problems = smsProblems(licence.contactPhone, params, sms.settings);
    if (problems.some((problem) => problem.startsWith('invalid_number'))) outcome = 'invalid_number';
    else if (problems.length > 0) {
      log.warn(`SMS for ${maskedKey(input.idempotencyKey)} not sent: ${problems.join('; ')}`);
      outcome = 'refused_by_limits';
    } else {
      try {
        ({ messageId } = await sms.provider.send({ phone: licence.contactPhone, params, outId: input.idempotencyKey }));
        outcome = 'sent';
      } catch (error) {
        if (!(error instanceof SmsRefusedError && INVALID_NUMBER_CODES.has(error.code))) throw error;
        outcome = 'invalid_number';
      }
    }
  }
  const now = activityNow();
  await prisma.$transaction(async (tx) => {
    if (outcome === 'invalid_number') await tx.licence.update({ where: { id: licence.id }, data: { contactFlaggedAt: now } });
    if (messageId) {
      await tx.smsMessage.upsert({
        where: { outId: input.idempotencyKey },
        create: { messageId, provider: sms.provider.name, outId: input.idempotencyKey, licenceId: licence.id, workflowId: licence.workflowId, sentAt: now },
        update: {},
      });
    }
    await writeLedgerEntry(tx, { ...input, channel: 'sms', outcome, remindedBy: 'system', remindedAt: now });
  });
  return { outcome, ...(messageId ? { messageId } : {}), receiptTimeoutMs };
}

// The providers' answers to a number that cannot receive an SMS.
const INVALID_NUMBER_CODES = new Set(['isv.MOBILE_NUMBER_ILLEGAL', 'InvalidParameterValue.IncorrectPhoneNumber']);

// Step keys hold licence numbers only, but logs keep to the step's position.
function maskedKey(key: string): string {
  return key.split('/').slice(-3).join('/');
}

/**
 * What the SMS step learnt from the delivery receipt, or from its absence: an undeliverable
 * message flags the contact; no receipt in time marks the message `unknown` (a receipt arriving
 * later is stored as late). Idempotent: flagging and marking only touch what is not yet set.
 */
export async function recordSmsDelivery(
  prisma: PrismaClient,
  input: { licenceId: string; outId: string; status: 'delivered' | 'undeliverable' | 'unknown' },
): Promise<void> {
  if (input.status === 'unknown') {
    await prisma.smsMessage.updateMany({ where: { outId: input.outId, receiptAt: null }, data: { status: 'unknown' } });
  }
  if (input.status === 'undeliverable') {
    await prisma.licence.updateMany({ where: { id: input.licenceId, contactFlaggedAt: null }, data: { contactFlaggedAt: activityNow() } });
  }
}

// Chinese official letters indent paragraphs by two full-width spaces.
const IDEOGRAPHIC_SPACE = '\u3000';

/**
 * 点对点函告: writes the reminder letter for a specialist to send, as text and as a PDF with the
 * bureau's letterhead. Idempotent by key.
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
  const pdf = await renderLetterPdf({ bureauName: licence.bureau.name, body });
  const letter = await prisma.letter.upsert({
    where: { idempotencyKey: input.idempotencyKey },
    create: { idempotencyKey: input.idempotencyKey, licenceId: licence.id, body, pdf: new Uint8Array(pdf) },
    update: {},
  });
  return letter.id;
}
