import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/client';
import { z } from 'zod';
import type { SmsProviderName } from '../activities/sms/provider';
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
    return { reports: parsed.data.map((r) => ({ messageId: r.biz_id, status: r.success ? 'delivered' : 'undeliverable', reportCode: r.err_code })) };
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

/**
 * Stores each message's first receipt and tells its licence's workflow; a second receipt for a
 * message only counts as a duplicate. Safe against the same receipt arriving twice at once: the
 * first writer wins in the database. A receipt for a message the engine has not recorded yet (the
 * carrier reported before the worker wrote down the provider's answer) is kept, and applied when
 * the message is recorded; it is tallied as unknown here.
 */
export async function receiveSmsReceipts(deps: ReceiptDependencies, provider: SmsProviderName, reports: Report[], receivedAt: Date): Promise<ReceiptTally> {
  const tally: ReceiptTally = { accepted: 0, late: 0, duplicates: 0, unknown: 0 };
  const count = (applied: Applied) => {
    if (applied === 'accepted') tally.accepted += 1;
    else if (applied === 'late') tally.late += 1;
    else tally.duplicates += 1;
  };
  for (const report of reports) {
    const message = await deps.prisma.smsMessage.findUnique({ where: { messageId: report.messageId } });
    if (message && message.provider === provider) {
      count(await applyReceipt(deps, message, report, receivedAt));
      continue;
    }
    if (message) {
      tally.unknown += 1;
      continue;
    }
    await deps.prisma.pendingSmsReceipt.createMany({
      data: [{ messageId: report.messageId, provider, status: report.status, reportCode: report.reportCode, receivedAt }],
      skipDuplicates: true,
    });
    // The worker may have recorded the message meanwhile, after looking for this receipt.
    const applied = await applyPendingReceipt(deps, report.messageId);
    if (applied) count(applied);
    else tally.unknown += 1;
  }
  return tally;
}

/**
 * Applies a receipt kept for a message recorded after it arrived. Whoever removes the kept receipt
 * applies it, so that it is applied once when the worker and the receipt route race.
 * @returns what applying did, or undefined when there was nothing to apply.
 */
export async function applyPendingReceipt(deps: ReceiptDependencies, messageId: string): Promise<Applied | undefined> {
  const message = await deps.prisma.smsMessage.findUnique({ where: { messageId } });
  const pending = await deps.prisma.pendingSmsReceipt.findUnique({ where: { messageId } });
  if (!message || !pending || pending.provider !== message.provider) return undefined;
  const taken = await deps.prisma.pendingSmsReceipt.deleteMany({ where: { messageId } });
  if (taken.count === 0) return undefined;
  return applyReceipt(deps, message, { messageId, status: pending.status as SmsDeliveryStatus, reportCode: pending.reportCode }, pending.receivedAt);
}

async function applyReceipt(
  deps: ReceiptDependencies,
  message: { messageId: string; outId: string; workflowId: string; status: string },
  report: Report,
  receivedAt: Date,
): Promise<Applied> {
  const late = message.status === 'unknown';
  const first = await deps.prisma.smsMessage.updateMany({
    where: { messageId: report.messageId, receiptAt: null },
    data: { status: report.status, reportCode: report.reportCode, receiptAt: receivedAt, lateReceipt: late },
  });
  if (first.count === 0) {
    await deps.prisma.smsMessage.update({ where: { messageId: report.messageId }, data: { duplicateReceipts: { increment: 1 } } });
    return 'duplicate';
  }
  if (late) return 'late';
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
  return 'accepted';
}
