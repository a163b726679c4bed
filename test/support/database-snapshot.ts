import type { PrismaClient } from '../../generated/prisma/client';

// Bookkeeping of a successful authentication, not a change a request made.
const IGNORED_COLUMNS: Record<string, readonly string[]> = { ApiKey: ['lastUsedAt'] };

/**
 * Every row of every table of the read model, in a stable order: two snapshots are equal exactly
 * when no request changed anything (the migrations table aside).
 */
export async function databaseSnapshot(prisma: PrismaClient): Promise<Record<string, unknown[]>> {
  const tables = await prisma.$queryRawUnsafe<Array<{ table_name: string }>>(
    `SELECT table_name FROM information_schema.tables
      WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> '_prisma_migrations'
      ORDER BY table_name`,
  );
  const snapshot: Record<string, unknown[]> = {};
  for (const { table_name: table } of tables) {
    const rows = await prisma.$queryRawUnsafe<Array<Record<string, unknown>>>(`SELECT * FROM "${table}" ORDER BY 1`);
    const ignored = IGNORED_COLUMNS[table] ?? [];
    snapshot[table] = rows.map((row) => Object.fromEntries(Object.entries(row).filter(([column]) => !ignored.includes(column))));
  }
  return snapshot;
}
