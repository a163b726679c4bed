import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/client';
import Bottleneck from 'bottleneck';
import { z } from 'zod';
import { recordedByOutId, type SmsProviderName } from '../activities/sms/provider';
import type { PrismaClient } from '../generated/prisma/client';
import { smsReceiptSignal, type SmsDeliveryStatus } from '../workflows/licence-definitions';

/** Aliyun's SMS delivery report (SmsReport), pushed as a JSON array. */
const AliyunReport = z.array(
  z.looseObject({ biz_id: z.string().min(1), success: z.boolean(), err_code: z.string(), phone_number: z.string(), out_id: z.string().optional() }),
);

/** Tencent Cloud's SMS status callback, pushed as a JSON array. */
const TencentReport = z.array(
  z.looseObject({ sid: z.string().min(1), report_status: z.enum(['SUCCESS', 'FAIL']), errmsg: z.string(), mobile: z.string() }),
);

interface Report {
  messageId: string;
  /** Aliyun's receipts also carry the OutId the engine sent with the text. */
  outId?: string;
  status: SmsDeliveryStatus;
  reportCode: string;
}

/**
 * Reads a provider's receipt body into reports.
 * @returns the reports, or zod's error naming the bad fields.
 */
export function parseReceipts(provider: SmsProviderName, body: unknown): { reports: Report[] } | { error: z.ZodError } {
  if (provider === 'aliyun') {
    const parsed = AliyunReport.safeParse(body);
    if (!parsed.success) return { error: parsed.error };
    return {
      reports: parsed.data.map((r) => ({ messageId: r.biz_id, outId: r.out_id || undefined, status: r.success ? 'delivered' : 'undeliverable', reportCode: r.err_code })),
    };
  }
  const parsed = TencentReport.safeParse(body);
  if (!parsed.success) return { error: parsed.error };
  return { reports: parsed.data.map((r) => ({ messageId: r.sid, status: r.report_status === 'SUCCESS' ? 'delivered' : 'undeliverable', reportCode: r.errmsg })) };
}

/** What a batch of receipts did. */
export interface ReceiptTally {
  /** First receipts of messages whose workflow was waiting: passed on to it. */
  accepted: number;
  /** First receipts that came after the workflow had stopped waiting: stored only. */
  late: number;
  /** Receipts for messages that already had one: they change nothing. */
  duplicates: number;
  /** Receipts for messages this engine never sent. */
  unknown: number;
}

type ReceiptDependencies = { prisma: PrismaClient; temporal: Client };
type Applied = 'accepted' | 'late' | 'duplicate';

/** The most receipts one request may carry; the providers push far fewer at a time. */
export const MAX_RECEIPTS_PER_REQUEST = 1000;
/** How long a receipt for a message never recorded is kept before it is purged. */
export const UNMATCHED_RECEIPT_RETENTION_DAYS = 7;
// Signals to workflows in flight at once: enough to hide the round trips, few enough not to crowd the frontend.
const SIGNAL_CONCURRENCY = 16;

/**
 * Stores each message's first receipt and tells its licence's workflow; a second receipt for a
 * message only counts as a duplicate. Safe against the same receipt arriving twice at once: the
 * first writer wins in the database. A receipt for a message the engine has not recorded yet (the
 * carrier reported before the worker wrote down the provider's answer) is kept, and applied when
 * the message is recorded; it is tallied as unknown here. The batch is read and written in a few
 * statements whatever its size, so that it does not hold the database for other requests.
 */
export async function receiveSmsReceipts(deps: ReceiptDependencies, provider: SmsProviderName, reports: Report[], receivedAt: Date): Promise<ReceiptTally> {
  const tally: ReceiptTally = { accepted: 0, late: 0, duplicates: 0, unknown: 0 };
  const count = (applied: Applied) => {
    if (applied === 'accepted') tally.accepted += 1;
    else if (applied === 'late') tally.late += 1;
    else tally.duplicates += 1;
  };
  const candidateIds = [...new Set(reports.flatMap((report) => [report.messageId, ...(report.outId ? [recordedByOutId(report.outId)] : [])]))];
  const messages = new Map((await deps.prisma.smsMessage.findMany({ where: { messageId: { in: candidateIds } } })).map((message) => [message.messageId, message]));
  const firstOfEach = new Map<string, Report>();
  const repeatsInBatch = new Map<string, number>();
  for (const received of reports) {
    const report = asRecorded(received, messages);
    if (firstOfEach.has(report.messageId)) repeatsInBatch.set(report.messageId, (repeatsInBatch.get(report.messageId) ?? 0) + 1);
    else firstOfEach.set(report.messageId, report);
  }
  const ids = [...firstOfEach.keys()];

  const ours = ids.filter((id) => messages.get(id)?.provider === provider);
  const otherProvider = ids.filter((id) => messages.has(id) && messages.get(id)!.provider !== provider);
  const unrecorded = ids.filter((id) => !messages.has(id));
  tally.unknown += otherProvider.length;
  for (const id of otherProvider) tally.unknown += repeatsInBatch.get(id) ?? 0;

  for (const applied of await applyReceipts(deps, ours.map((id) => ({ message: messages.get(id)!, report: firstOfEach.get(id)! })), receivedAt)) count(applied);
  const repeated = ours.filter((id) => repeatsInBatch.has(id));
  await countDuplicates(deps, repeated.map((id) => [id, repeatsInBatch.get(id)!]));
  for (const id of repeated) tally.duplicates += repeatsInBatch.get(id)!;

  if (unrecorded.length > 0) {
    await deps.prisma.pendingSmsReceipt.createMany({
      data: unrecorded.map((id) => {
        const report = firstOfEach.get(id)!;
        return { messageId: id, outId: report.outId, provider, status: report.status, reportCode: report.reportCode, receivedAt };
      }),
      skipDuplicates: true,
    });
    // The worker may have recorded some of the messages meanwhile, after looking for these receipts.
    // Each id a text may be recorded under, mapped back to the id its receipt came with.
    const receivedIdOf = new Map<string, string>();
    for (const id of unrecorded) {
      receivedIdOf.set(id, id);
      const { outId } = firstOfEach.get(id)!;
      if (outId) receivedIdOf.set(recordedByOutId(outId), id);
    }
    const recordedSince = await deps.prisma.smsMessage.findMany({ where: { messageId: { in: [...receivedIdOf.keys()] } }, select: { messageId: true } });
    const appliedLater = new Set<string>();
    for (const { messageId } of recordedSince) {
      const applied = await applyPendingReceipt(deps, messageId);
      if (applied) {
        count(applied);
        appliedLater.add(receivedIdOf.get(messageId)!);
      }
    }
    for (const id of unrecorded) if (!appliedLater.has(id)) tally.unknown += 1 + (repeatsInBatch.get(id) ?? 0);
    for (const id of appliedLater) tally.duplicates += repeatsInBatch.get(id) ?? 0;
  }
  await purgeUnmatchedReceipts(deps.prisma, receivedAt);
  return tally;
}

/** The report under the id its text is recorded by: the provider's id, or failing that the OutId. */
function asRecorded(report: Report, messages: ReadonlyMap<string, { messageId: string }>): Report {
  if (messages.has(report.messageId) || !report.outId) return report;
  const byOutId = recordedByOutId(report.outId);
  return messages.has(byOutId) ? { ...report, messageId: byOutId } : report;
}

/** Drops receipts kept for messages that were never recorded, once they are past keeping. */
export async function purgeUnmatchedReceipts(prisma: PrismaClient, now: Date): Promise<number> {
  const before = new Date(now.getTime() - UNMATCHED_RECEIPT_RETENTION_DAYS * 86_400_000);
  return (await prisma.pendingSmsReceipt.deleteMany({ where: { receivedAt: { lt: before } } })).count;
}

async function countDuplicates(deps: ReceiptDependencies, repeats: Array<[string, number]>): Promise<void> {
  const byCount = new Map<number, string[]>();
  for (const [id, times] of repeats) byCount.set(times, [...(byCount.get(times) ?? []), id]);
  for (const [times, messageIds] of byCount) {
    await deps.prisma.smsMessage.updateMany({ where: { messageId: { in: messageIds } }, data: { duplicateReceipts: { increment: times } } });
  }
}

type RecordedMessage = { messageId: string; outId: string; workflowId: string; status: string };

/**
 * Writes the first receipt of each message in one statement per kind of outcome, counts the rest
 * as duplicates, and signals the workflows still waiting.
 */
async function applyReceipts(deps: ReceiptDependencies, receipts: Array<{ message: RecordedMessage; report: Report }>, receivedAt: Date): Promise<Applied[]> {
  const groups = new Map<string, Array<{ message: RecordedMessage; report: Report }>>();
  for (const receipt of receipts) {
    const key = JSON.stringify([receipt.report.status, receipt.report.reportCode, receipt.message.status === 'unknown']);
    groups.set(key, [...(groups.get(key) ?? []), receipt]);
  }
  const firsts = new Set<string>();
  for (const group of groups.values()) {
    const { report, message } = group[0]!;
    const written = await deps.prisma.smsMessage.updateManyAndReturn({
      where: { messageId: { in: group.map((receipt) => receipt.message.messageId) }, receiptAt: null },
      data: { status: report.status, reportCode: report.reportCode, receiptAt: receivedAt, lateReceipt: message.status === 'unknown' },
      select: { messageId: true },
    });
    for (const row of written) firsts.add(row.messageId);
  }
  const duplicates = receipts.filter((receipt) => !firsts.has(receipt.message.messageId));
  await countDuplicates(deps, duplicates.map((receipt) => [receipt.message.messageId, 1]));
  const waiting = receipts.filter((receipt) => firsts.has(receipt.message.messageId) && receipt.message.status !== 'unknown');
  const limiter = new Bottleneck({ maxConcurrent: SIGNAL_CONCURRENCY });
  await Promise.all(waiting.map((receipt) => limiter.schedule(() => signalReceipt(deps, receipt.message, receipt.report))));
  return receipts.map((receipt) => (!firsts.has(receipt.message.messageId) ? 'duplicate' : receipt.message.status === 'unknown' ? 'late' : 'accepted'));
}

async function signalReceipt(deps: ReceiptDependencies, message: RecordedMessage, report: Report): Promise<void> {
  try {
    await deps.temporal.workflow.getHandle(message.workflowId).signal(smsReceiptSignal, {
      messageId: message.messageId,
      outId: message.outId,
      status: report.status,
      reportCode: report.reportCode,
    });
  } catch (error) {
    // The licence's lifecycle has ended (renewed, revoked): the receipt is kept for the record.
    if (!(error instanceof WorkflowNotFoundError)) throw error;
  }
}

/**
 * Applies a receipt kept for a message recorded after it arrived. Whoever removes the kept receipt
 * applies it, so that it is applied once when the worker and the receipt route race.
 * @returns what applying did, or undefined when there was nothing to apply.
 */
export async function applyPendingReceipt(deps: ReceiptDependencies, messageId: string): Promise<Applied | undefined> {
  const message = await deps.prisma.smsMessage.findUnique({ where: { messageId } });
  if (!message) return undefined;
  const pending =
    (await deps.prisma.pendingSmsReceipt.findUnique({ where: { messageId } })) ??
    (messageId === recordedByOutId(message.outId) ? await deps.prisma.pendingSmsReceipt.findFirst({ where: { outId: message.outId, provider: message.provider } }) : null);
  if (!pending || pending.provider !== message.provider) return undefined;
  const taken = await deps.prisma.pendingSmsReceipt.deleteMany({ where: { messageId: pending.messageId } });
  if (taken.count === 0) return undefined;
  const [applied] = await applyReceipts(deps, [{ message, report: { messageId, status: pending.status as SmsDeliveryStatus, reportCode: pending.reportCode } }], pending.receivedAt);
  return applied;
}
