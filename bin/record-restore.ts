/**
 * `npm run record-restore -- <instant>`: tells the engine that its database was restored from a
 * backup, and the instant of the last transaction the restored database holds (PostgreSQL's log
 * names it at the end of recovery: "last completed transaction was at log time …"; without a WAL
 * replay, the backup's start). Run it once the database serves again and before any engine process
 * starts on it. Texts the lost database had sent since then are looked up at the SMS provider
 * before they are sent again (services/database-restores.ts). The cluster's start runs it after a
 * restore. A recovery that opened a new timeline is noticed without it, from 1 minute before the
 * last text the restored database kept: this command is for the restores that cannot be noticed,
 * and for an instant known better.
 *
 * The database comes from DATABASE_URL (as for the engine); its migrations are applied first.
 */
import { DateTime } from 'luxon';
import { z } from 'zod';
import { defaultDatabaseUrl } from '../runtime/config';
import { openDatabase, parseDatabaseTarget } from '../runtime/database';
import { deployMigrations } from '../runtime/migrations';
import { recordDatabaseRestore } from '../services/database-restores';

const USAGE = 'usage: npm run record-restore -- <instant of the last restored transaction>, e.g. 2026-12-07T19:00:01+08:00 or "2026-12-07 11:00:01.123456+00"';

/** An ISO 8601 instant, or PostgreSQL's own notation of one, with its offset. */
const RecoveredUpTo = z
  .string({ error: USAGE })
  .transform((text, context) => {
    const instant = [DateTime.fromISO(text, { setZone: true }), DateTime.fromSQL(text, { setZone: true })].find((parsed) => parsed.isValid && /([+-]\d\d(:?\d\d)?|Z|UTC)$/.test(text.trim()));
    if (!instant) {
      context.addIssue({ code: 'custom', message: `recoveredUpTo: "${text}" is not an instant with its offset; ${USAGE}` });
      return z.NEVER;
    }
    return instant.toJSDate();
  });

async function main(): Promise<number> {
  const parsed = RecoveredUpTo.safeParse(process.argv[2]);
  if (!parsed.success) {
    process.stderr.write(`record-restore: ${parsed.error.issues.map((issue) => issue.message).join('; ')}\n`);
    return 2;
  }
  const target = parseDatabaseTarget(process.env.DATABASE_URL || defaultDatabaseUrl(process.env.DATA_DIR));
  await deployMigrations(target);
  const database = await openDatabase(target);
  try {
    const restore = await recordDatabaseRestore(database.prisma, { recoveredUpTo: parsed.data, recordedAt: new Date() });
    process.stdout.write(
      `Recorded: the database holds what was written up to ${restore.recoveredUpTo.toISOString()}; until the SMS providers' records no longer reach back to it, a text sent for the first time is looked up there first.\n`,
    );
    return 0;
  } finally {
    await database.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`record-restore: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
