import type { PrismaClient } from '../generated/prisma/client';

export interface DatabaseRestoreRecord {
  recoveredUpTo: Date;
  recordedAt: Date;
}

/** The PostgreSQL server history a database is on: a new timeline or another server is a restore. */
interface DatabaseLineage {
  systemIdentifier: string;
  timeline: number;
}

const RESTORE_FIELDS = { recoveredUpTo: true, recordedAt: true } as const;
// Texts are stamped by the clocks of the processes that sent them, not the database's.
const SENDER_CLOCK_MARGIN_MS = 60_000;
// Any fixed number: the processes that may notice the same restore at once take turns on it.
const NOTICE_RESTORE_LOCK = 7_316_204;

/**
 * Records, at `recordedAt`, that the engine's database was restored from a backup whose last
 * transaction was at `recoveredUpTo`. Recorded before any engine process starts on the restored
 * database, so that no text goes before the senders know. Idempotent: the same restore recorded
 * twice is one record. The server history the database is on is remembered with it, so that the
 * send path does not notice the same restore again.
 */
export async function recordDatabaseRestore(prisma: PrismaClient, restore: DatabaseRestoreRecord): Promise<DatabaseRestoreRecord> {
  const same = await prisma.databaseRestore.findFirst({ where: { recoveredUpTo: restore.recoveredUpTo }, orderBy: { recordedAt: 'desc' }, select: RESTORE_FIELDS });
  const recorded = same ?? (await prisma.databaseRestore.create({ data: restore, select: RESTORE_FIELDS }));
  const lineage = await readLineageAndRestore(prisma, restore.recordedAt).catch(() => undefined);
  // A server that will not tell its history has nothing the send path could notice twice.
  if (lineage && !sameLineage(lineage.current, lineage.seen)) await prisma.databaseLineage.create({ data: { ...lineage.current, seenAt: restore.recordedAt } });
  return recorded;
}

/**
 * The latest restore of the database recorded at or after `since`, if any, once a restore nobody
 * recorded has been noticed: a point-in-time recovery or a standby's promotion opens a new timeline
 * of the server, and a database loaded into another server has that server's identifier. What the
 * lost transactions sent went after the last text the restored database kept; with none kept, it
 * may have gone any time since `since`. A server that will not tell its history gets the recorded
 * restores alone, and `onLineageUnreadable` hears why.
 */
export async function restoreSince(prisma: PrismaClient, since: Date, now: Date, onLineageUnreadable: (reason: string) => void = () => {}): Promise<DatabaseRestoreRecord | undefined> {
  let read: Awaited<ReturnType<typeof readLineageAndRestore>>;
  try {
    read = await readLineageAndRestore(prisma, since);
  } catch (error) {
    // Some managed servers refuse the WAL and control functions: the recorded restores still hold.
    onLineageUnreadable(error instanceof Error ? error.message : String(error));
    const restore = await prisma.databaseRestore.findFirst({ where: { recordedAt: { gte: since } }, orderBy: { recordedAt: 'desc' }, select: RESTORE_FIELDS });
    return restore ?? undefined;
  }
  if (sameLineage(read.current, read.seen)) return read.restore;
  await noticeRestore(prisma, read.current, since, now);
  return (await readLineageAndRestore(prisma, since)).restore;
}

async function noticeRestore(prisma: PrismaClient, current: DatabaseLineage, since: Date, now: Date): Promise<void> {
  await prisma.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT pg_advisory_xact_lock(${NOTICE_RESTORE_LOCK})::text`;
    const seen = await tx.databaseLineage.findFirst({ orderBy: { id: 'desc' }, select: { systemIdentifier: true, timeline: true } });
    if (sameLineage(current, seen ?? undefined)) return;
    // A database first seen is no restore: only a history that changed under the engine is.
    if (seen) {
      const { _max: lastKept } = await tx.smsSendIntent.aggregate({ _max: { lastTriedAt: true } });
      const recoveredUpTo = lastKept.lastTriedAt ? new Date(lastKept.lastTriedAt.getTime() - SENDER_CLOCK_MARGIN_MS) : since;
      await tx.databaseRestore.create({ data: { recoveredUpTo, recordedAt: now } });
    }
    await tx.databaseLineage.create({ data: { ...current, seenAt: now } });
  });
}

/** The server history the database is on and the one last seen, with the latest restore recorded since `since`. */
async function readLineageAndRestore(prisma: PrismaClient, since: Date): Promise<{ current: DatabaseLineage; seen?: DatabaseLineage; restore?: DatabaseRestoreRecord }> {
  // One round trip: the send path asks this before every first text. Instants cross as epoch
  // milliseconds, which both database drivers read alike; the columns hold UTC.
  const [row] = await prisma.$queryRaw<
    Array<{ systemIdentifier: string; walFile: string; seenSystemIdentifier: string | null; seenTimeline: number | null; recoveredUpToMs: number | null; recordedAtMs: number | null }>
  >`
    SELECT control.system_identifier::text AS "systemIdentifier",
           pg_walfile_name(pg_current_wal_lsn()) AS "walFile",
           seen."systemIdentifier" AS "seenSystemIdentifier",
           seen."timeline" AS "seenTimeline",
           (extract(epoch FROM restore."recoveredUpTo") * 1000)::float8 AS "recoveredUpToMs",
           (extract(epoch FROM restore."recordedAt") * 1000)::float8 AS "recordedAtMs"
    FROM pg_control_system() AS control
    LEFT JOIN LATERAL (SELECT "systemIdentifier", "timeline" FROM "DatabaseLineage" ORDER BY "id" DESC LIMIT 1) AS seen ON true
    LEFT JOIN LATERAL (
      SELECT "recoveredUpTo", "recordedAt" FROM "DatabaseRestore"
      WHERE "recordedAt" >= to_timestamp(${since.getTime()}::float8 / 1000) AT TIME ZONE 'UTC'
      ORDER BY "recordedAt" DESC LIMIT 1
    ) AS restore ON true`;
  // A WAL file's name begins with its timeline, in eight hexadecimal digits.
  const current = { systemIdentifier: row!.systemIdentifier, timeline: Number.parseInt(row!.walFile.slice(0, 8), 16) };
  const seen = row!.seenSystemIdentifier === null ? undefined : { systemIdentifier: row!.seenSystemIdentifier, timeline: Number(row!.seenTimeline) };
  const restore = row!.recordedAtMs === null ? undefined : { recoveredUpTo: new Date(Number(row!.recoveredUpToMs)), recordedAt: new Date(Number(row!.recordedAtMs)) };
  return { current, seen, restore };
}

function sameLineage(current: DatabaseLineage, seen: DatabaseLineage | undefined): boolean {
  return seen !== undefined && seen.systemIdentifier === current.systemIdentifier && seen.timeline === current.timeline;
}
