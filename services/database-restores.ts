import type { PrismaClient } from '../generated/prisma/client';

export interface DatabaseRestoreRecord {
  recoveredUpTo: Date;
  recordedAt: Date;
}

const RESTORE_FIELDS = { recoveredUpTo: true, recordedAt: true } as const;

/**
 * Records, at `recordedAt`, that the engine's database was restored from a backup whose last
 * transaction was at `recoveredUpTo`. Recorded before any engine process starts on the restored
 * database, so that no text goes before the senders know. Idempotent: the same restore recorded
 * twice is one record.
 */
export async function recordDatabaseRestore(prisma: PrismaClient, restore: DatabaseRestoreRecord): Promise<DatabaseRestoreRecord> {
  const same = await prisma.databaseRestore.findFirst({ where: { recoveredUpTo: restore.recoveredUpTo }, orderBy: { recordedAt: 'desc' }, select: RESTORE_FIELDS });
  return same ?? prisma.databaseRestore.create({ data: restore, select: RESTORE_FIELDS });
}

/** The latest restore recorded at or after `since`, if any. */
export async function restoreRecordedSince(prisma: PrismaClient, since: Date): Promise<DatabaseRestoreRecord | undefined> {
  const restore = await prisma.databaseRestore.findFirst({ where: { recordedAt: { gte: since } }, orderBy: { recordedAt: 'desc' }, select: RESTORE_FIELDS });
  return restore ?? undefined;
}
