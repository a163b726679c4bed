/**
 * Offline replacement for `prisma migrate`, driving Prisma's WASM schema engine.
 *
 *   npm run migrate -- deploy            apply pending migrations (--migrations DIR to read another folder)
 *   npm run migrate -- dev --name NAME   write a migration for schema changes, then apply it
 *   npm run migrate -- status            compare the history with the database
 *   npm run migrate -- reset             drop everything (development only)
 *
 * The database comes from DATABASE_URL (postgresql://… or pglite:<folder>), default the
 * embedded folder under DATA_DIR.
 */
import { parseArgs } from 'node:util';
import { parseDatabaseTarget } from '../runtime/database';
import { defaultDatabaseUrl } from '../runtime/config';
import { createMigration, deployMigrations, migrationStatus, resetDatabase } from '../runtime/migrations';

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { name: { type: 'string' }, migrations: { type: 'string' } },
  });
  const target = parseDatabaseTarget(process.env.DATABASE_URL || defaultDatabaseUrl(process.env.DATA_DIR));
  const command = positionals[0];
  switch (command) {
    case 'deploy': {
      const applied = await deployMigrations(target, values.migrations);
      console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'No pending migrations.');
      return;
    }
    case 'dev': {
      if (!values.name) throw new Error('migrate dev needs --name <what-changed>, e.g. --name add_ledger');
      const created = await createMigration(target, values.name);
      console.log(created ? `Created and applied ${created}` : 'The schema matches the migrations; nothing to create.');
      return;
    }
    case 'status': {
      const status = await migrationStatus(target);
      console.log(JSON.stringify(status, null, 2));
      if (status.history !== null || status.failedMigrationNames.length > 0 || status.editedMigrationNames.length > 0) {
        process.exitCode = 1;
      }
      return;
    }
    case 'reset':
      await resetDatabase(target);
      console.log('Database reset.');
      return;
    default:
      throw new Error(`Unknown command "${command ?? ''}": use deploy, dev --name NAME, status or reset.`);
  }
}

main()
  .then(() => process.exit(process.exitCode ?? 0))
  .catch((error: unknown) => {
    console.error(`migrate: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
