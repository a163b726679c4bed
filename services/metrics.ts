import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { PrismaClient } from '../generated/prisma/client';
import type { Clock } from './clock';
import { uncoveredYearsAhead } from './working-calendar';

/** What the metrics read: the read model, which every process of the engine shares. */
export interface MetricsDependencies {
  prisma: PrismaClient;
  /** What "overdue" is judged against. */
  clock: Clock;
}

/**
 * The engine's Prometheus registry. The domain figures are read from the database at scrape time,
 * so that they agree whichever process (API or worker) did the work, and survive restarts.
 */
export function createMetricsRegistry(deps: MetricsDependencies): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const { prisma } = deps;

  new Gauge({
    name: 'calendar_years_uncovered',
    help: "Years of the next twelve months whose national holidays are not known (neither the data package nor a loaded schedule has them): reminders there count weekends only. Alert when above 0",
    registers: [registry],
    async collect() {
      this.set((await uncoveredYearsAhead(prisma, await deps.clock())).length);
    },
  });

  new Gauge({
    name: 'licences_registered',
    help: 'Licences registered for reminders, by bureau and lifecycle stage',
    labelNames: ['bureau', 'stage'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const groups = await prisma.licence.groupBy({ by: ['bureauCode', 'stage'], _count: { _all: true } });
      for (const group of groups) this.set({ bureau: group.bureauCode, stage: group.stage }, group._count._all);
    },
  });

  new Gauge({
    name: 'licence_reminders',
    help: 'Reminders made (ledger rows), by bureau, channel and outcome',
    labelNames: ['bureau', 'channel', 'outcome'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const groups = await prisma.ledgerEntry.groupBy({ by: ['bureauCode', 'channel', 'outcome'], _count: { _all: true } });
      for (const group of groups) this.set({ bureau: group.bureauCode, channel: group.channel, outcome: group.outcome }, group._count._all);
    },
  });

  new Gauge({
    name: 'licence_task_backlog',
    help: 'Human tasks not yet completed, by department, kind and whether they are overdue',
    labelNames: ['bureau', 'department', 'kind', 'overdue'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const now = await deps.clock();
      const departments = new Map((await prisma.department.findMany({ select: { id: true, name: true, bureauCode: true } })).map((d) => [d.id, d]));
      for (const overdue of [false, true]) {
        const groups = await prisma.humanTask.groupBy({
          by: ['departmentId', 'kind'],
          where: { status: { in: ['open', 'claimed'] }, dueAt: overdue ? { lt: now } : { gte: now } },
          _count: { _all: true },
        });
        for (const group of groups) {
          const department = departments.get(group.departmentId);
          this.set(
            { bureau: department?.bureauCode ?? '', department: department?.name ?? group.departmentId, kind: group.kind, overdue: String(overdue) },
            group._count._all,
          );
        }
      }
    },
  });

  new Gauge({
    name: 'regulator_push_failed_attempts',
    help: 'Failed attempts to push a renewal decision to a regulator, by regulator',
    labelNames: ['regulator'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const groups = await prisma.$queryRaw<Array<{ regulatorId: string; failed: bigint }>>`
        SELECT d."regulatorId", count(*) AS failed
        FROM "RegulatorDeliveryAttempt" a JOIN "RegulatorDelivery" d ON d.id = a."deliveryId"
        WHERE a.error IS NOT NULL
        GROUP BY d."regulatorId"`;
      for (const group of groups) this.set({ regulator: group.regulatorId }, Number(group.failed));
    },
  });

  new Gauge({
    name: 'regulator_push_undelivered',
    help: 'Renewal decisions not yet delivered to a regulator',
    labelNames: ['regulator'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const groups = await prisma.regulatorDelivery.groupBy({ by: ['regulatorId'], where: { deliveredAt: null }, _count: { _all: true } });
      for (const group of groups) this.set({ regulator: group.regulatorId }, group._count._all);
    },
  });

  return registry;
}
