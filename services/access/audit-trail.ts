import type { PrismaClient } from '../../generated/prisma/client';

/** One successful mutation, as the audit trail keeps it. */
export interface AuditEntryInput {
  /** When the answer was sent. */
  at: Date;
  actorKind: string;
  actorId: string;
  actorName: string;
  method: string;
  path: string;
  status: number;
}

/**
 * Stores audit entries, any number in one statement. Written in SQL because Prisma compiles every
 * createMany afresh (it caches the plans of other queries only), and every mutation of the API
 * writes an entry.
 */
export async function insertAuditEntries(prisma: PrismaClient, entries: readonly AuditEntryInput[]): Promise<void> {
  if (entries.length === 0) return;
  const column = <K extends keyof AuditEntryInput>(key: K) => entries.map((entry) => entry[key]);
  // The instants travel as ISO text and are stored in UTC, as Prisma stores a DateTime.
  await prisma.$executeRaw`
    INSERT INTO "AuditEntry" ("id", "at", "actorKind", "actorId", "actorName", "method", "path", "status")
    SELECT gen_random_uuid()::text, (e.at::timestamptz AT TIME ZONE 'UTC'), e.kind, e.actor, e.name, e.method, e.path, e.status
    FROM unnest(
      ${column('at').map((at) => at.toISOString())}::text[], ${column('actorKind')}::text[], ${column('actorId')}::text[],
      ${column('actorName')}::text[], ${column('method')}::text[], ${column('path')}::text[], ${column('status')}::int[]
    ) AS e(at, kind, actor, name, method, path, status)`;
}
