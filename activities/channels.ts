import { localDateOf, templateParameters } from '../domain';
import type { PrismaClient } from '../generated/prisma/client';
import { ApplicationFailure, log } from '@temporalio/activity';
import { postSigned, type IntegrationEndpoints } from './dependencies';
import { PROVIDER_RECORDS_REACH_DAYS, smsProblems, SmsRefusedError, type SmsProvider, type SmsSendRequest, type SmsSettings } from './sms';
import { licenceMessage } from '../services/message-templates';
import { applyPendingReceipt } from '../services/sms-receipts';
import { restoreSince } from '../services/database-restores';
import type { Client } from '@temporalio/client';
import { writeLedgerEntry } from './ledger';
import { returnSmsQuotas, takeSmsQuota } from './sms-quotas';
import { planHolderText } from './holder-texts';
import { activityNow, attemptStartedAt } from './clock';
import { nextSendInstants } from './working-calendar';
import { calendarDateOf } from '../services/licence-registration';
import { letterText, renderLetterPdf } from '../services/letter-pdf';
import { wechatBindingUrl } from '../services/wechat-bindings';

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
  const { message, values } = await licenceMessage(prisma, licence, 'auto_prompt');
  // The portal shows the holder where to bind the licence to its WeChat, for the WeChat steps after this one.
  const wechatBindingLink = await bindingLinkIfWechat(prisma, endpoints, licence.id);
  const body = JSON.stringify({
    bureau: licence.bureauCode,
    department: licence.catalogueEntry.department.name,
    licenceNumber: licence.licenceNumber,
    licenceName: licence.catalogueEntry.licenceName,
    holderName: licence.holderName,
    expiresOn: calendarDateOf(licence.expiresOn),
    renewalDeadline: values.deadline,
    officeAddress: values.office,
    servicePhone: values.phone,
    materials: values.materials,
    booking: values.booking,
    message,
    ...(wechatBindingLink ? { wechatBindingUrl: wechatBindingLink } : {}),
  });
  let answer: unknown;
  try {
    ({ json: answer } = await postSigned(endpoints.autoPromptUrl, body, { secret: endpoints.autoPromptSigningSecret, idempotencyKey: input.idempotencyKey }));
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

/** What the SMS step did: the ledger outcome, and the provider's message id when it went out. */
export interface SmsSendOutcome {
  outcome: 'sent' | 'skipped_contact_flagged' | 'invalid_number' | 'refused_by_limits' | 'refused_by_provider' | 'deferred' | 'outside_send_window' | string;
  messageId?: string;
  /** For `outside_send_window`: the next opening of the bureau's send window, ISO-8601. */
  sendAt?: string;
  /** How long the workflow waits for the delivery receipt. */
  receiptTimeoutMs: number;
  /** Asked `nextStepFrom`, for a text that went: the first instant from then that the next step may reach people, ISO-8601. */
  nextStepSendAt?: string;
}

/** A text to send; see {@link sendReminderSms}. */
export type SmsStepInput = ChannelInput & { inSendWindowOnly?: boolean; nextStepFrom?: string };

/**
 * 短信提醒: sends the approved template through the configured provider (rate-limited to its
 * QPS). A contact already flagged is not texted; a number no SMS can reach is flagged; a message
 * over the provider's limits is not sent. The step's key travels as the provider's OutId so that
 * its receipt finds the licence again, and one ledger row and one message row are written per key.
 * Asked `inSendWindowOnly`, a text due outside the bureau's send window is not sent: the answer
 * says when the window next opens. Asked `nextStepFrom` (when the next step falls due if this text
 * reaches the holder), a text that went also tells when that step may reach people, from the same
 * calendar, so that the workflow sleeps straight to it without asking again.
 */
export async function sendReminderSms(
  prisma: PrismaClient,
  sms: { provider: SmsProvider; settings: SmsSettings },
  input: SmsStepInput,
  temporal: Client,
): Promise<SmsSendOutcome> {
  // The window holds when the text goes, not when it was asked: a backlog on the SMS queue can
  // start it after the window closed.
  const now = input.inSendWindowOnly ? await attemptStartedAt(temporal) : activityNow();
  // Both questions from one read of the bureau's calendar.
  const [windowOpensAt, nextStepSendAt] = await nextSendInstants(prisma, input.licenceId, [input.inSendWindowOnly ? now.toISOString() : undefined, input.nextStepFrom]);
  const sent = await sendUnlessDone(prisma, sms, input, temporal, { now, windowOpensAt });
  if (!nextStepSendAt || sent.outcome === 'outside_send_window' || sent.outcome === 'deferred') return sent;
  return { ...sent, nextStepSendAt };
}

async function sendUnlessDone(
  prisma: PrismaClient,
  sms: { provider: SmsProvider; settings: SmsSettings },
  input: SmsStepInput,
  temporal: Client,
  window: { now: Date; windowOpensAt: string | undefined },
): Promise<SmsSendOutcome> {
  const receiptTimeoutMs = sms.settings.receiptTimeoutHours * 3_600_000;
  const done = await alreadyReminded(prisma, input.idempotencyKey);
  if (done) {
    const message = await prisma.smsMessage.findUnique({ where: { outId: input.idempotencyKey } });
    // The attempt that recorded the text may have died before applying a receipt that came first.
    if (message) await applyPendingReceipt({ prisma, temporal }, message.messageId);
    return { outcome: done, ...(message ? { messageId: message.messageId } : {}), receiptTimeoutMs };
  }
  // The workflow no longer asks on waking: a calendar changed while it slept is heard here.
  if (window.windowOpensAt !== undefined && Date.parse(window.windowOpensAt) > window.now.getTime()) {
    return { outcome: 'outside_send_window', sendAt: window.windowOpensAt, receiptTimeoutMs };
  }
  const licence = await licenceForReminder(prisma, input.licenceId);
  let outcome: SmsSendOutcome['outcome'] = 'skipped_contact_flagged';
  let messageId: string | undefined;
  if (!licence.contactFlaggedAt) {
    const wording = await licenceMessage(prisma, licence, 'sms');
    const signName = licence.bureau.smsSignName ?? sms.settings.signName;
    const limits = { ...sms.settings, signName };
    let values = wording.values;
    let problems = smsProblems(licence.contactPhone, wording.text, values, limits);
    if (problems.length === 0) {
      const plan = await planHolderText({ prisma, temporal }, licence, wording, input.idempotencyKey, (together) => smsProblems(licence.contactPhone, wording.text, together, limits).length === 0, activityNow());
      if (plan.kind === 'listed') {
        // The holder's text of the day lists this licence: nothing to send; the ledger still has its row.
        log.info(`SMS for ${maskedKey(input.idempotencyKey)} is in the holder's text of the day (${maskedKey(plan.outId)})`);
        await prisma.$transaction((tx) => writeLedgerEntry(tx, { ...input, channel: 'sms', outcome: 'sent', remindedBy: 'system', remindedAt: activityNow() }));
        return { outcome: 'sent', receiptTimeoutMs };
      }
      // The account's daily limits: a text past one waits for the next day's send window.
      const templateId = wording.providerTemplateId ?? sms.settings.templateId;
      const quotas = [
        ...(sms.settings.perNumberDailyLimit !== undefined
          ? [{ scope: `phone:${licence.contactPhone}`, limit: sms.settings.perNumberDailyLimit, why: `the number has had its ${sms.settings.perNumberDailyLimit} texts today (SMS_PER_NUMBER_DAILY_LIMIT)` }]
          : []),
        ...(sms.settings.perTemplateDailyLimit !== undefined
          ? [{ scope: `template:${templateId}`, limit: sms.settings.perTemplateDailyLimit, why: `template ${templateId} has sent its ${sms.settings.perTemplateDailyLimit} texts today (SMS_PER_TEMPLATE_DAILY_LIMIT)` }]
          : []),
      ];
      const day = localDateOf(window.now, licence.bureau.timeZone);
      for (const quota of quotas) {
        if (!(await takeSmsQuota(prisma, { ...quota, day, outId: input.idempotencyKey }))) return deferSms(prisma, input, licence, quota.why, receiptTimeoutMs);
      }
      if (plan.kind === 'send') values = plan.values;
      problems = smsProblems(licence.contactPhone, wording.text, values, limits);
    }
    if (problems.some((problem) => problem.startsWith('invalid_number'))) outcome = 'invalid_number';
    else if (problems.length > 0) {
      log.warn(`SMS for ${maskedKey(input.idempotencyKey)} not sent: ${problems.join('; ')}`);
      outcome = 'refused_by_limits';
    } else {
      try {
        ({ messageId } = await sendOnce(prisma, sms, licence.id, {
          phone: licence.contactPhone,
          templateId: wording.providerTemplateId ?? sms.settings.templateId,
          params: templateParameters(wording.text, values),
          outId: input.idempotencyKey,
          signName,
        }));
        outcome = 'sent';
      } catch (error) {
        if (!(error instanceof SmsRefusedError)) throw error;
        if (LIMIT_CODES.has(error.code)) return deferSms(prisma, input, licence, `${sms.provider.name} refused it: ${error.code} ${error.message}`, receiptTimeoutMs);
        if (INVALID_NUMBER_CODES.has(error.code)) outcome = 'invalid_number';
        else if (TEMPLATE_REFUSAL_CODES.has(error.code)) {
          // Retrying cannot help: the wording is not what the provider approved. The ladder goes on.
          log.warn(`SMS for ${maskedKey(input.idempotencyKey)} refused: ${error.message}; fix the bureau's SMS template or its provider template id`);
          outcome = 'refused_by_provider';
        } else throw error;
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
  // The carrier may have reported before this row existed: its receipt waits to be applied.
  if (messageId) await applyPendingReceipt({ prisma, temporal }, messageId);
  return { outcome, ...(messageId ? { messageId } : {}), receiptTimeoutMs };
}

/**
 * The number has had its texts for the day, by the account's limit here or by the provider's
 * refusal: nothing went. The step is deferred, not retried, so that the text does not go out at
 * night when the count resets; the workflow sends it again at the next day's send window. The
 * ledger records the deferral under a key of its own and the day, so that the text's own row is
 * still to come. The day's holder text, if this step was to send it, is given up, so that the
 * other licences' steps text for themselves.
 */
async function deferSms(
  prisma: PrismaClient,
  input: ChannelInput,
  licence: { bureau: { timeZone: string } },
  why: string,
  receiptTimeoutMs: number,
): Promise<SmsSendOutcome> {
  const now = activityNow();
  const day = localDateOf(now, licence.bureau.timeZone);
  log.warn(`SMS for ${maskedKey(input.idempotencyKey)} deferred to the next send window: ${why}`);
  await prisma.$transaction(async (tx) => {
    await tx.smsSendIntent.deleteMany({ where: { outId: input.idempotencyKey } });
    await tx.holderText.deleteMany({ where: { outId: input.idempotencyKey } });
    await tx.holderTextClaim.deleteMany({ where: { outId: input.idempotencyKey } });
    await returnSmsQuotas(tx, input.idempotencyKey, day);
    await writeLedgerEntry(tx, { ...input, idempotencyKey: `${input.idempotencyKey}/deferred/${day}`, channel: 'sms', outcome: 'deferred', remindedBy: 'system', remindedAt: now });
  });
  return { outcome: 'deferred', receiptTimeoutMs };
}

/**
 * Sends a text at most once, though the providers take every request as a new text: the intent is
 * written before the provider is called, and an attempt that finds an earlier one asks the
 * provider's records whether that text went (a timeout after it was accepted, a crash before its
 * answer was written down) before sending again. A text the records do not show yet is asked
 * about again until `sendSettleMinutes` have passed since the last attempt: the activity fails and
 * Temporal retries it. Then it is sent again, counted in `resends`.
 */
async function sendOnce(prisma: PrismaClient, sms: { provider: SmsProvider; settings: SmsSettings }, licenceId: string, request: SmsSendRequest): Promise<{ messageId: string }> {
  const now = activityNow();
  const earlier = await prisma.smsSendIntent.findUnique({ where: { outId: request.outId } });
  if (!earlier) {
    const sentBeforeRestore = await sentBeforeARestore(prisma, sms, request, now);
    if (sentBeforeRestore) return sentBeforeRestore;
    const recordIntent = async () => {
      const at = activityNow();
      await prisma.smsSendIntent.create({ data: { outId: request.outId, licenceId, provider: sms.provider.name, phone: request.phone, firstTriedAt: at, lastTriedAt: at, attempts: 1 } });
    };
    return sms.provider.send({ ...request, beforeRequest: recordIntent });
  }
  const found = await sms.provider.findSent({ phone: earlier.phone, outId: request.outId, since: earlier.firstTriedAt, until: now });
  if (found) {
    log.info(`SMS for ${maskedKey(request.outId)} had gone at an earlier attempt: ${sms.provider.name} has it; not sent again`);
    return found;
  }
  const settledAt = earlier.lastTriedAt.getTime() + sms.settings.sendSettleMinutes * 60_000;
  if (now.getTime() < settledAt) {
    throw new Error(`SMS for ${maskedKey(request.outId)}: an earlier attempt's outcome is unknown and ${sms.provider.name} has no record of it yet; asking again until ${new Date(settledAt).toISOString()} before sending again`);
  }
  const recordResend = async () => {
    await prisma.smsSendIntent.update({ where: { outId: request.outId }, data: { phone: request.phone, lastTriedAt: activityNow(), attempts: { increment: 1 }, resends: { increment: 1 } } });
  };
  return sms.provider.send({ ...request, beforeRequest: recordResend });
}

let lineageUnreadableWarned = false;
function warnLineageUnreadable(reason: string): void {
  if (lineageUnreadableWarned) return;
  lineageUnreadableWarned = true;
  log.warn(`The database does not tell its timeline (${reason}): a restore is known to the SMS step only once recorded with record-restore`);
}

/**
 * After the engine's database was restored, a text may have gone after the restored instant: its
 * intent went with the lost disk, and a licence registered again or a step run again would send it
 * twice. Until the providers' records no longer reach back to then, a first send asks them first;
 * a text they do not show yet waits until `sendSettleMinutes` after the restore, when they are
 * asked once more before it goes. A restore nobody recorded (a failover to a standby, a
 * point-in-time recovery done by other means) is noticed here, from the database's timeline.
 */
async function sentBeforeARestore(prisma: PrismaClient, sms: { provider: SmsProvider; settings: SmsSettings }, request: SmsSendRequest, now: Date): Promise<{ messageId: string } | undefined> {
  // A text the lost disk recorded can be found only as far back as the records reach.
  const reach = new Date(now.getTime() - PROVIDER_RECORDS_REACH_DAYS * 86_400_000);
  const restore = await restoreSince(prisma, reach, now, warnLineageUnreadable);
  if (!restore) return undefined;
  const since = new Date(Math.max(restore.recoveredUpTo.getTime(), reach.getTime()));
  const found = await sms.provider.findSent({ phone: request.phone, outId: request.outId, since, until: now });
  if (found) {
    log.info(`SMS for ${maskedKey(request.outId)} had gone before the database was restored: ${sms.provider.name} has it; not sent again`);
    return found;
  }
  const settledAt = restore.recordedAt.getTime() + sms.settings.sendSettleMinutes * 60_000;
  if (now.getTime() < settledAt) {
    // Asked once more when the records have settled, not at every backoff: after a restore every
    // first text waits here, and the providers' query APIs have rate limits of their own.
    throw ApplicationFailure.create({
      type: 'SmsRecordsNotSettled',
      message: `SMS for ${maskedKey(request.outId)}: the database was restored to ${restore.recoveredUpTo.toISOString()} and ${sms.provider.name} has no record of this text since; asking again at ${new Date(settledAt).toISOString()} before sending`,
      nextRetryDelay: settledAt - now.getTime(),
    });
  }
  return undefined;
}

// The providers' answers to a number that has had its texts for now (Aliyun's business limit control
// counts a number's texts per minute, hour and day; Tencent names each limit).
const LIMIT_CODES = new Set([
  'isv.BUSINESS_LIMIT_CONTROL',
  'isv.DAY_LIMIT_CONTROL',
  'LimitExceeded.PhoneNumberDailyLimit',
  'LimitExceeded.PhoneNumberOneHourLimit',
  'LimitExceeded.PhoneNumberThirtySecondLimit',
  'LimitExceeded.PhoneNumberSameContentDailyLimit',
]);
// The providers' answers to a number that cannot receive an SMS.
const INVALID_NUMBER_CODES = new Set(['isv.MOBILE_NUMBER_ILLEGAL', 'InvalidParameterValue.IncorrectPhoneNumber']);
// The providers' answers to a template they did not approve, or parameters that do not fit it.
const TEMPLATE_REFUSAL_CODES = new Set([
  'isv.SMS_TEMPLATE_ILLEGAL',
  'isv.INVALID_PARAMETERS',
  'FailedOperation.TemplateIncorrectOrUnapproved',
  'InvalidParameterValue.TemplateParameterFormatError',
]);

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
  if (input.status === 'undeliverable') await flagContact(prisma, { licenceId: input.licenceId });
}

/**
 * Flags the licence's contact as not reaching the holder (an undeliverable text, a reply saying
 * the number is wrong), until someone corrects it. Idempotent: a flagged contact keeps its first date.
 */
export async function flagContact(prisma: PrismaClient, input: { licenceId: string }): Promise<void> {
  await prisma.licence.updateMany({ where: { id: input.licenceId, contactFlaggedAt: null }, data: { contactFlaggedAt: activityNow() } });
}

/** The licence's WeChat binding link where the bureau has a WeChat account and a public address. */
async function bindingLinkIfWechat(prisma: PrismaClient, endpoints: Pick<IntegrationEndpoints, 'wechat' | 'publicUrl'>, licenceId: string): Promise<string | undefined> {
  return endpoints.wechat && endpoints.publicUrl ? wechatBindingUrl(prisma, endpoints.publicUrl, licenceId) : undefined;
}

/**
 * 点对点函告: writes the reminder letter for a specialist to send, as text and as a PDF with the
 * bureau's letterhead. Idempotent by key.
 * @returns the letter's id.
 */
export async function prepareLetter(prisma: PrismaClient, endpoints: Pick<IntegrationEndpoints, 'wechat' | 'publicUrl'>, input: ChannelInput): Promise<string> {
  const existing = await prisma.letter.findUnique({ where: { idempotencyKey: input.idempotencyKey } });
  if (existing) return existing.id;
  const licence = await licenceForReminder(prisma, input.licenceId);
  const today = localDateOf(activityNow(), licence.bureau.timeZone);
  const { message } = await licenceMessage(prisma, licence, 'letter');
  const body = letterText({ message, contactName: licence.contactName, bureauName: licence.bureau.name, departmentName: licence.catalogueEntry.department.name, day: today });
  const wechatBindingLink = await bindingLinkIfWechat(prisma, endpoints, licence.id);
  const pdf = await renderLetterPdf({ bureauName: licence.bureau.name, body, ...(wechatBindingLink ? { wechatBindingUrl: wechatBindingLink } : {}) });
  const letter = await prisma.letter.upsert({
    where: { idempotencyKey: input.idempotencyKey },
    create: { idempotencyKey: input.idempotencyKey, licenceId: licence.id, body, pdf: new Uint8Array(pdf) },
    update: {},
  });
  return letter.id;
}
