import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MIGRATIONS_DIR } from '../../runtime/migrations';
import { createEmptyDatabase } from '../support/databases';
import { runCommand } from '../support/cli';

/** Runs `npm run migrate -- …` as an operator would, against one database. */
const migrate = (databaseUrl: string, ...args: string[]) => runCommand('prisma/migrate.ts', args, databaseUrl);

/** The committed migrations plus one whose SQL is broken. */
function migrationsWithBrokenOne(): string {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'licence-migrations-'));
  fs.cpSync(MIGRATIONS_DIR, folder, { recursive: true });
  const broken = path.join(folder, '29990101000000_broken');
  fs.mkdirSync(broken);
  fs.writeFileSync(path.join(broken, 'migration.sql'), 'CREATE TABLE "Broken" (id INTEGER;\n');
  return folder;
}

describe.each(['pglite', 'postgres'] as const)('npm run migrate on %s', (kind) => {
  let url: string;
  let dispose: () => Promise<void>;

  beforeEach(async () => {
    ({ url, dispose } = await createEmptyDatabase(kind));
  });

  afterEach(async () => {
    await dispose();
  });

  it('applies the committed migrations once, then reports the database up to date', () => {
    const first = migrate(url, 'deploy');
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/Applied: \d{14}_init/);

    const second = migrate(url, 'deploy');
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/No pending migrations/);

    const status = migrate(url, 'status');
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ history: null, failedMigrationNames: [], hasMigrationsTable: true });
  });

  it('fails loudly on a migration with broken SQL and records it as failed', () => {
    const folder = migrationsWithBrokenOne();
    try {
      const broken = migrate(url, 'deploy', '--migrations', folder);
      expect(broken.code).toBe(1);
      expect(broken.stderr).toMatch(/29990101000000_broken/);
      expect(broken.stdout).not.toMatch(/Applied/);

      const again = migrate(url, 'deploy', '--migrations', folder);
      expect(again.code).toBe(1);
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
});
