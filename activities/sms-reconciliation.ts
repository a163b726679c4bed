import type { PrismaClient } from '../generated/prisma/client';
import { PROVIDER_RECORDS_REACH_DAYS, type SmsProvider } from './sms';

/** Texts whose receipt never came are looked up this long after they were sent: as far as the providers' records reach. */
export const RECONCILE_WITHIN_DAYS = PROVIDER_RECORDS_REACH_DAYS;
/** Texts looked up per run, so that a run stays within its activity's time even at a low QPS. */
export const RECONCILE_BATCH = 200;

/** What a reconciliation run found. */
export interface Reconciliation {
  /** Texts without a receipt that were looked up. */
  lookedUp: number;
  /** Of those, the ones whose outcome the provider's records gave. */
  reconciled: number;
}

/**
 * Asks the provider about the texts whose receipt never came in time (status `unknown`): when its
 * records hold the carrier's report, the text gets that outcome, as a late receipt would give it
 * (the ladder has gone on meanwhile; the ledger and the figures learn the truth). Idempotent: a
 * text is written once, by whoever writes it first, a receipt or a run.
 */
export async function reconcileUnknownTexts(prisma: PrismaClient, sms: { provider: SmsProvider }, input: { asOf: number }): Promise<Reconciliation> {
  const asOf = new Date(input.asOf);
  const unknown = await prisma.smsMessage.findMany({
    where: { status: 'unknown', receiptAt: null, provider: sms.provider.name, sentAt: { gte: new Date(input.asOf - RECONCILE_WITHIN_DAYS * 86_400_000) } },
    orderBy: { sentAt: 'asc' },
    take: RECONCILE_BATCH,
  });
  const phones = new Map((await prisma.smsSendIntent.findMany({ where: { outId: { in: unknown.map((message) => message.outId) } } })).map((intent) => [intent.outId, intent.phone]));
  let reconciled = 0;
  for (const message of unknown) {
    const phone = phones.get(message.outId);
    if (!phone) continue;
    const found = await sms.provider.findSent({ phone, outId: message.outId, since: message.sentAt, until: asOf });
    if (!found?.report) continue;
    const { count } = await prisma.smsMessage.updateMany({
      where: { messageId: message.messageId, receiptAt: null },
      data: { status: found.report.status, reportCode: found.report.reportCode, receiptAt: asOf, lateReceipt: true, reconciled: true },
    });
    reconciled += count;
  }
  return { lookedUp: unknown.length, reconciled };
}
