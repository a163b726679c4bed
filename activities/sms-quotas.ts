import type { PrismaClient } from '../generated/prisma/client';

/** One of the account's daily limits a text counts against. */
export interface SmsQuotaLimit {
  /** `phone:<number>` or `template:<provider template id>`. */
  scope: string;
  limit: number;
}

/**
 * Takes one text of a daily quota for a step, once per step (a retry finds its own): a
 * conditional increment, so that steps running at the same moment never pass the limit together.
 * @returns false when the quota is spent for the day.
 */
export async function takeSmsQuota(prisma: PrismaClient, quota: SmsQuotaLimit & { day: string; outId: string }): Promise<boolean> {
  const use = { outId: quota.outId, scope: quota.scope, day: quota.day };
  if (await prisma.smsQuotaUse.findUnique({ where: { outId_scope_day: use } })) return true;
  await prisma.smsQuota.createMany({ data: [{ scope: quota.scope, day: quota.day }], skipDuplicates: true });
  return prisma.$transaction(async (tx) => {
    const taken = await tx.smsQuota.updateMany({ where: { scope: quota.scope, day: quota.day, used: { lt: quota.limit } }, data: { used: { increment: 1 } } });
    if (taken.count === 0) return false;
    await tx.smsQuotaUse.create({ data: use });
    return true;
  });
}

/** Gives back what a deferred step took of the day's quotas: it sent nothing. */
export async function returnSmsQuotas(tx: Pick<PrismaClient, 'smsQuota' | 'smsQuotaUse'>, outId: string, day: string): Promise<void> {
  const uses = await tx.smsQuotaUse.findMany({ where: { outId, day } });
  for (const use of uses) {
    await tx.smsQuota.updateMany({ where: { scope: use.scope, day, used: { gt: 0 } }, data: { used: { decrement: 1 } } });
  }
  await tx.smsQuotaUse.deleteMany({ where: { outId, day } });
}
