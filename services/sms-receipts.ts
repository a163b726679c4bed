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

/**
 * Stores each message's first receipt and tells its licence's workflow; a second receipt for a
 * message only counts as a duplicate. Safe against the same receipt arriving twice at once: the
 * first writer wins in the database.
 */
export async function receiveSmsReceipts(deps: { prisma: PrismaClient; temporal: Client }, provider: SmsProviderName, reports: Report[], receivedAt: Date): Promise<ReceiptTally> {
  const tally: ReceiptTally = { accepted: 0, late: 0, duplicates: 0, unknown: 0 };
  for (const report of reports) {
    const message = await deps.prisma.smsMessage.findUnique({ where: { messageId: report.messageId } });
    if (!message || message.provider !== provider) {
      tally.unknown += 1;
      continue;
    }
    const late = message.status === 'unknown';
    const first = await deps.prisma.smsMessage.updateMany({
      where: { messageId: report.messageId, receiptAt: null },
      data: { status: report.status, reportCode: report.reportCode, receiptAt: receivedAt, lateReceipt: late },
    });
    if (first.count === 0) {
      await deps.prisma.smsMessage.update({ where: { messageId: report.messageId }, data: { duplicateReceipts: { increment: 1 } } });
      tally.duplicates += 1;
      continue;
    }
    if (late) {
      tally.late += 1;
      continue;
    }
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
    tally.accepted += 1;
  }
  return tally;
}
