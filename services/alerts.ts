import type { PrismaClient } from '../generated/prisma/client';

/** Which of a bureau's alerts to list: those still to be seen (the default), those seen, or all. */
export const ALERT_FILTERS = ['open', 'acknowledged', 'all'] as const;
export type AlertFilter = (typeof ALERT_FILTERS)[number];

const alertInclude = { licence: { include: { catalogueEntry: { include: { department: true } } } } } as const;

/**
 * A bureau's alerts for its supervisors, newest first: licences that expired without a renewal
 * application, tasks past their due time.
 */
export function bureauAlerts(prisma: PrismaClient, bureauCode: string, filter: AlertFilter, limit: number) {
  const seen = filter === 'open' ? { acknowledgedAt: null } : filter === 'acknowledged' ? { acknowledgedAt: { not: null } } : {};
  return prisma.alert.findMany({
    where: { licence: { bureauCode }, ...seen },
    include: alertInclude,
    orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
    take: limit,
  });
}

export type AlertRow = Awaited<ReturnType<typeof bureauAlerts>>[number];

/** One alert with its licence, or null. */
export function findAlert(prisma: PrismaClient, id: string): Promise<AlertRow | null> {
  return prisma.alert.findUnique({ where: { id }, include: alertInclude });
}

/**
 * Marks an alert seen, once: acknowledging it again keeps the first supervisor and instant.
 * @returns the alert as it now stands.
 */
export async function acknowledgeAlert(prisma: PrismaClient, id: string, by: string, at: Date): Promise<AlertRow> {
  await prisma.alert.updateMany({ where: { id, acknowledgedAt: null }, data: { acknowledgedAt: at, acknowledgedBy: by } });
  return prisma.alert.findUniqueOrThrow({ where: { id }, include: alertInclude });
}
