/**
 * Several engine processes start at once (two workers a supervisor restarts, two API containers):
 * each applies the migrations at start-up, one at a time under PostgreSQL's advisory lock. One that
 * waits longer than the schema engine's 10 s for the lock must go on waiting, not fail to start.
 */
import { Client } from 'pg';
import { deployMigrations } from '../../runtime/migrations';
import { createEmptyDatabase } from '../support/databases';

// The schema engine's lock key for migrations on PostgreSQL.
const PRISMA_MIGRATION_LOCK = 72707369;

it('waits for another process that holds the migration lock past the schema engine’s 10 s, then applies', async () => {
  const database = await createEmptyDatabase('postgres');
  const holder = new Client({ connectionString: database.url });
  await holder.connect();
  try {
    await holder.query('SELECT pg_advisory_lock($1)', [PRISMA_MIGRATION_LOCK]);
    const released = new Promise<void>((resolve) => setTimeout(() => void holder.query('SELECT pg_advisory_unlock($1)', [PRISMA_MIGRATION_LOCK]).then(() => resolve()), 13_000));
    const applied = await deployMigrations({ kind: 'postgres', url: database.url });
    await released;
    expect(applied.length).toBeGreaterThan(20);
    expect(await deployMigrations({ kind: 'postgres', url: database.url })).toEqual([]);
  } finally {
    await holder.end();
    await database.dispose();
  }
}, 120_000);
