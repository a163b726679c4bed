import { createHash } from 'node:crypto';
import { log } from '@temporalio/activity';
import { wechatTemplateData } from '../domain';
import type { PrismaClient } from '../generated/prisma/client';
import { valuesOfLicence } from '../services/message-templates';
import { Refusal } from '../services/refusal';
import { activityNow } from './clock';
import { writeLedgerEntry } from './ledger';
import { WechatApiError, type WechatClient } from './wechat/client';

/**
 * What the WeChat step did. `sent` reached WeChat; for every other outcome the ladder texts the
 * holder instead: not bound, refused by the holder's WeChat, over the account's daily quota, no
 * account configured or usable, or `unconfirmed` (an attempt whose answer was lost, which may have gone).
 */
export interface WechatSendOutcome {
  outcome: 'sent' | 'unconfirmed' | 'not_bound' | 'refused' | 'over_quota' | 'unavailable';
}

/** The holder's WeChat will not take the account's messages: unfollowed (43004), not its openid (40003), blocked (43019), refused (43101). */
const HOLDER_REFUSALS = new Set([43004, 40003, 43019, 43101]);
/** The account's template or its fields are wrong: a person must fix the configuration. */
const TEMPLATE_REFUSALS = new Set([40037, 47003, 47001]);
/** The account's daily quota of template messages is spent. */
const QUOTA_REFUSALS = new Set([45009]);
/** The account's own credentials or whitelist are wrong: no message can go until an administrator fixes them. */
const ACCOUNT_REFUSALS = new Set([40013, 40125, 40164, 41002, 41004, 48001]);

/** WeChat drops a repeated client_msg_id for this long only. */
export const CLIENT_MSG_ID_WINDOW_MS = 10 * 60_000;

/** The client_msg_id of a step: 32 hex characters of its key's digest (WeChat takes 64 bytes at most). */
export function clientMsgIdOf(idempotencyKey: string): string {
  return createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32);
}

/**
 * 微信提醒: a template message from the service account to the WeChat the holder bound to the
 * licence. Sent at most once per key: the message row is written before the request, a retry
 * within WeChat's ten minutes repeats the same client_msg_id (dropped by WeChat), and an attempt
 * whose answer was lost longer ago than that is recorded `unconfirmed` rather than risk a second
 * message, since WeChat offers no way to ask whether it went (the ladder texts the holder then).
 */
export async function sendReminderWechat(prisma: PrismaClient, wechat: WechatClient | undefined, input: { licenceId: string; idempotencyKey: string }): Promise<WechatSendOutcome> {
  const done = await prisma.ledgerEntry.findUnique({ where: { idempotencyKey: input.idempotencyKey } });
  if (done) return { outcome: done.outcome as WechatSendOutcome['outcome'] };
  if (!wechat) return { outcome: 'unavailable' };
  const licence = await prisma.licence.findUniqueOrThrow({
    where: { id: input.licenceId },
    include: { bureau: true, catalogueEntry: { include: { department: true } }, wechatBinding: true },
  });
  const now = activityNow();
  let message = await prisma.wechatMessage.findUnique({ where: { idempotencyKey: input.idempotencyKey } });
  if (message?.status === 'refused') return { outcome: QUOTA_REFUSALS.has(message.errcode ?? 0) ? 'over_quota' : 'refused' };
  if (!message) {
    const binding = licence.wechatBinding;
    if (!binding) return { outcome: 'not_bound' };
    if (binding.refusedAt) return { outcome: 'refused' };
    message = await prisma.wechatMessage.create({ data: { idempotencyKey: input.idempotencyKey, licenceId: licence.id, openId: binding.openId, firstTriedAt: now } });
  } else {
    if (now.getTime() - message.firstTriedAt.getTime() > CLIENT_MSG_ID_WINDOW_MS) {
      log.warn(`WeChat message ${clientMsgIdOf(input.idempotencyKey)} was tried at ${message.firstTriedAt.toISOString()} and its answer lost: recorded unconfirmed, not sent again`);
      await recordSent(prisma, input, 'unconfirmed', now);
      return { outcome: 'unconfirmed' };
    }
    await prisma.wechatMessage.update({ where: { idempotencyKey: input.idempotencyKey }, data: { attempts: { increment: 1 } } });
  }
  let msgId: string;
  try {
    msgId = await wechat.sendTemplateMessage({
      openId: message.openId,
      data: wechatTemplateData(valuesOfLicence(licence)),
      ...(licence.catalogueEntry.bookingUrl ? { url: licence.catalogueEntry.bookingUrl } : {}),
      clientMsgId: clientMsgIdOf(input.idempotencyKey),
    });
  } catch (error) {
    if (!(error instanceof WechatApiError)) throw error;
    return refusedBy(prisma, input, message.openId, error, now);
  }
  await recordSent(prisma, input, 'sent', now, msgId);
  return { outcome: 'sent' };
}

async function refusedBy(
  prisma: PrismaClient,
  input: { licenceId: string; idempotencyKey: string },
  openId: string,
  error: WechatApiError,
  now: Date,
): Promise<WechatSendOutcome> {
  if (TEMPLATE_REFUSALS.has(error.errcode) || ACCOUNT_REFUSALS.has(error.errcode)) {
    // Nothing went: once the configuration is fixed the step sends afresh.
    await prisma.wechatMessage.delete({ where: { idempotencyKey: input.idempotencyKey } });
  }
  if (TEMPLATE_REFUSALS.has(error.errcode)) {
    throw new Refusal('unprocessable', 'wechat_template_refused', `WeChat refused the reminder template: ${error.errcode} ${error.errmsg}`, [
      { path: 'WECHAT_TEMPLATE_ID', message: 'must name a template the service account added, with the fields thing1, thing2, time3, thing4 and phone_number5' },
    ]);
  }
  if (ACCOUNT_REFUSALS.has(error.errcode)) {
    // The holder still hears by text while an administrator fixes the account.
    log.error(`WeChat refused the service account: ${error.message}; check WECHAT_APP_ID, WECHAT_APP_SECRET and the account's IP whitelist`);
    return { outcome: 'unavailable' };
  }
  const holder = HOLDER_REFUSALS.has(error.errcode);
  if (!holder && !QUOTA_REFUSALS.has(error.errcode)) throw error;
  await prisma.$transaction(async (tx) => {
    await tx.wechatMessage.update({ where: { idempotencyKey: input.idempotencyKey }, data: { status: 'refused', errcode: error.errcode } });
    if (holder) {
      await tx.wechatBinding.updateMany({ where: { licenceId: input.licenceId, openId, refusedAt: null }, data: { refusedAt: now, refusalCode: error.errcode } });
    }
  });
  return { outcome: holder ? 'refused' : 'over_quota' };
}

async function recordSent(prisma: PrismaClient, input: { licenceId: string; idempotencyKey: string }, outcome: 'sent' | 'unconfirmed', now: Date, msgId?: string): Promise<void> {
  await prisma.$transaction(async (tx) => {
    await tx.wechatMessage.update({ where: { idempotencyKey: input.idempotencyKey }, data: { status: outcome, ...(msgId ? { msgId, sentAt: now } : {}) } });
    await writeLedgerEntry(tx, { ...input, channel: 'wechat', outcome, remindedBy: 'system', remindedAt: now });
  });
}
