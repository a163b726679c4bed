import { createHash } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/client';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { classifyReply, LADDER_REPLY_INTENTS, SMS_REPLY_TASK, type ReplyIntent } from '../domain';
import type { SmsProviderName } from '../activities/sms/provider';
import type { PrismaClient } from '../generated/prisma/client';
import { holderReplySignal } from '../workflows/licence-definitions';
import { openHolderRequest } from './holder-requests';

/** A reply concerns the licences texted to its number in this many days before it. */
export const REPLY_MATCH_DAYS = 30;
/** Working days the department has to call back, or to read a reply it could not be sure of. */
export const REPLY_TASK_DUE_WORKING_DAYS = 1;
/** The most replies one request may carry. */
export const MAX_REPLIES_PER_REQUEST = 1000;

const CHINA = 'Asia/Shanghai';

/** Aliyun's upstream messages (SmsUp), pushed as a JSON array; send_time is Beijing time. */
const AliyunReplies = z.array(
  z.looseObject({
    phone_number: z.string().min(1),
    content: z.string(),
    send_time: z.string().refine((value) => beijingTime(value) !== undefined, 'expected yyyy-MM-dd HH:mm:ss (Beijing time)'),
    sign_name: z.string().optional(),
    sequence_id: z.union([z.string().min(1), z.number()]),
  }),
);

/** Tencent Cloud's reply callback: one object per reply (an array is taken too); time in Unix seconds. */
const TencentReply = z.looseObject({
  mobile: z.string().min(1),
  nationcode: z.string().optional(),
  sign: z.string().optional(),
  text: z.string(),
  time: z.number().int().positive(),
});
const TencentReplies = z.union([z.array(TencentReply), TencentReply.transform((reply) => [reply])]);

/** A holder's reply as the engine keeps it. */
export interface IncomingReply {
  replyKey: string;
  phone: string;
  text: string;
  signName?: string;
  sentAt: Date;
}

function beijingTime(value: string): Date | undefined {
  for (const format of ['yyyy-MM-dd HH:mm:ss', 'yyyyMMddHHmmss']) {
    const parsed = DateTime.fromFormat(value, format, { zone: CHINA });
    if (parsed.isValid) return parsed.toJSDate();
  }
  return undefined;
}

// Replies come from mainland numbers, written as the provider pleases: +86 138…, 86138…, 138….
function mainlandNumber(phone: string): string {
  return phone.replace(/[\s-]/g, '').replace(/^(?:\+86|0086|86)(?=1\d{10}$)/, '');
}

/**
 * Reads a provider's reply body.
 * @returns the replies, or zod's error naming the bad fields.
 */
export function parseReplies(provider: SmsProviderName, body: unknown): { replies: IncomingReply[] } | { error: z.ZodError } {
  if (provider === 'aliyun') {
    const parsed = AliyunReplies.safeParse(body);
    if (!parsed.success) return { error: parsed.error };
    return {
      replies: parsed.data.map((reply) => ({
        replyKey: `aliyun:${reply.sequence_id}`,
        phone: mainlandNumber(reply.phone_number),
        text: reply.content,
        signName: reply.sign_name || undefined,
        sentAt: beijingTime(reply.send_time)!,
      })),
    };
  }
  const parsed = TencentReplies.safeParse(body);
  if (!parsed.success) return { error: parsed.error };
  return {
    replies: parsed.data.map((reply) => ({
      // Tencent gives a reply no id: the number, the second and the words name it, so that a repeat is known.
      replyKey: `tencent:${createHash('sha256').update(`${reply.mobile}\n${reply.time}\n${reply.text}`).digest('hex').slice(0, 32)}`,
      phone: mainlandNumber(reply.mobile),
      text: reply.text,
      signName: reply.sign || undefined,
      sentAt: new Date(reply.time * 1000),
    })),
  };
}

/** What a batch of replies did. */
export interface ReplyTally {
  /** New replies matched to at least one licence texted from that number. */
  matched: number;
  /** New replies from a number no recent text went to: kept for the record. */
  unmatched: number;
  /** Replies the provider pushed again: applied again, harmlessly. */
  duplicates: number;
}

type ReplyDependencies = { prisma: PrismaClient; temporal: Client };

/**
 * Keeps each reply once and hands it to the licences recently texted to its number (under the
 * replying signature's bureau when the provider names it): a reply saying the holder renewed or
 * that the number is wrong goes to the licence's workflow; one asking for a call, or one not
 * understood, becomes a task for the licence's department. Every part is idempotent, so that a
 * provider's repeat of a reply (after a crash, say) finishes what the first push began.
 */
export async function receiveSmsReplies(deps: ReplyDependencies, provider: SmsProviderName, replies: IncomingReply[], receivedAt: Date): Promise<ReplyTally> {
  const tally: ReplyTally = { matched: 0, unmatched: 0, duplicates: 0 };
  for (const reply of replies) {
    const intent = classifyReply(reply.text);
    const { count } = await deps.prisma.smsReply.createMany({
      data: [{ replyKey: reply.replyKey, provider, phone: reply.phone, text: reply.text, intent, signName: reply.signName ?? null, sentAt: reply.sentAt, receivedAt }],
      skipDuplicates: true,
    });
    const licences = await licencesTextedTo(deps.prisma, reply);
    for (const licence of licences) await handToLicence(deps, reply, intent, licence);
    if (count === 0) tally.duplicates += 1;
    else if (licences.length > 0) tally.matched += 1;
    else tally.unmatched += 1;
  }
  return tally;
}

type TextedLicence = { id: string; workflowId: string; bureauCode: string };

async function licencesTextedTo(prisma: PrismaClient, reply: IncomingReply): Promise<TextedLicence[]> {
  const since = new Date(reply.sentAt.getTime() - REPLY_MATCH_DAYS * 86_400_000);
  const texted = await prisma.smsSendIntent.findMany({ where: { phone: reply.phone, lastTriedAt: { gte: since } }, select: { licenceId: true }, distinct: ['licenceId'] });
  // A holder's text of the day also spoke for the licences it listed.
  const listed = await prisma.holderText.findMany({ where: { phone: reply.phone, day: { gte: since.toISOString().slice(0, 10) } }, select: { licenceIds: true } });
  const licenceIds = [...new Set([...texted.map((intent) => intent.licenceId), ...listed.flatMap((text) => text.licenceIds)])];
  if (licenceIds.length === 0) return [];
  const signedBy = reply.signName ? await prisma.bureau.findMany({ where: { smsSignName: reply.signName }, select: { code: true } }) : [];
  const licences = await prisma.licence.findMany({
    where: { id: { in: licenceIds }, ...(signedBy.length > 0 ? { bureauCode: { in: signedBy.map((bureau) => bureau.code) } } : {}) },
    select: { id: true, workflowId: true, bureauCode: true },
    orderBy: { licenceNumber: 'asc' },
  });
  return licences;
}

async function handToLicence(deps: ReplyDependencies, reply: IncomingReply, intent: ReplyIntent, licence: TextedLicence): Promise<void> {
  const taskId = LADDER_REPLY_INTENTS.includes(intent) ? null : await openReplyTask(deps.prisma, reply, intent, licence);
  await deps.prisma.smsReplyLicence.upsert({
    where: { replyKey_licenceId: { replyKey: reply.replyKey, licenceId: licence.id } },
    create: { replyKey: reply.replyKey, licenceId: licence.id, taskId },
    update: {},
  });
  try {
    await deps.temporal.workflow.getHandle(licence.workflowId).signal(holderReplySignal, { replyKey: reply.replyKey, intent, text: reply.text, sentAt: reply.sentAt.toISOString() });
  } catch (error) {
    // The licence's lifecycle has ended: the reply is kept for the record, and its task stands.
    if (!(error instanceof WorkflowNotFoundError)) throw error;
  }
}

async function openReplyTask(prisma: PrismaClient, reply: IncomingReply, intent: ReplyIntent, licence: TextedLicence): Promise<string> {
  const task = await openHolderRequest(prisma, licence, {
    idempotencyKey: `sms-reply/${licence.id}/${reply.replyKey}`,
    kind: SMS_REPLY_TASK,
    from: reply.sentAt,
    dueWorkingDays: REPLY_TASK_DUE_WORKING_DAYS,
    note: `${intent === 'call_back' ? '请回电' : '短信回复'}：${reply.text}`,
  });
  return task.id;
}
