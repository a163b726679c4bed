import { openDatabase, parseDatabaseTarget } from '../../runtime/database';
import { createEmptyDatabase } from '../support/databases';
import { runCommand } from '../support/cli';

/** Runs `npm run record-restore -- …` as an operator would after restoring the engine's database. */
const recordRestore = (databaseUrl: string, ...args: string[]) => runCommand('bin/record-restore.ts', args, databaseUrl);

it("records a restore once, from PostgreSQL's own notations of the instant, on a database restored from before its migrations; names the field of an instant without its offset", async () => {
  const { url, dispose } = await createEmptyDatabase('postgres');
  try {
    const refused = recordRestore(url, '2026-12-07 19:00:01');
    expect(refused).toMatchObject({ code: 2, stderr: expect.stringContaining('recoveredUpTo: "2026-12-07 19:00:01" is not an instant with its offset') });

    // As the end of recovery names it in PostgreSQL's log, twice: the same restore is one record.
    for (let run = 0; run < 2; run++) {
      expect(recordRestore(url, '2026-12-07 11:00:01.123456+00')).toMatchObject({ code: 0, stdout: expect.stringContaining('2026-12-07T11:00:01.123Z') });
    }
    // A base backup's label names its start in the server's log time zone.
    expect(recordRestore(url, '2026-12-07 10:00:00 UTC')).toMatchObject({ code: 0 });
    const database = await openDatabase(parseDatabaseTarget(url));
    try {
      expect(await database.prisma.databaseRestore.findMany({ select: { recoveredUpTo: true }, orderBy: { id: 'asc' } })).toEqual([
        { recoveredUpTo: new Date('2026-12-07T11:00:01.123Z') },
        { recoveredUpTo: new Date('2026-12-07T10:00:00.000Z') },
      ]);
    } finally {
      await database.close();
    }
  } finally {
    await dispose();
  }
});
