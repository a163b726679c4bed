import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { seedCatalogues } from '../../catalogue/seed';
import { openDatabase, type Database, type DatabaseTarget } from '../../runtime/database';
import { deployMigrations } from '../../runtime/migrations';

/** A fresh, migrated and seeded database of either kind, with a way to throw it away. */
export interface TestDatabase extends Database {
  url: string;
  destroy(): Promise<void>;
}

/** The test PostgreSQL server started by the global setup. */
export function testPostgresUrl(): string {
  const url = process.env.TEST_POSTGRES_URL;
  if (!url) throw new Error('TEST_POSTGRES_URL is unset: run the tests with npm test, whose setup starts PostgreSQL.');
  return url;
}

/** A new empty database on the test PostgreSQL server. */
export async function createPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const serverUrl = testPostgresUrl();
  const name = `test_${Date.now()}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = serverUrl.replace(/\/[^/]*$/, `/${name}`);
  return {
    url,
    async drop() {
      const client = new Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/** A folder for an embedded PGlite database, removed by `destroy`. */
export function createPGliteFolder(): { url: string; dir: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'licence-pglite-'));
  return { url: `pglite:${dir}`, dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** A new, empty database of either kind: its URL and how to throw it away. */
export async function createEmptyDatabase(kind: 'pglite' | 'postgres'): Promise<{ url: string; dispose(): Promise<void> }> {
  if (kind === 'pglite') {
    const folder = createPGliteFolder();
    return { url: folder.url, dispose: async () => folder.remove() };
  }
  const database = await createPostgresDatabase();
  return { url: database.url, dispose: database.drop };
}

/** Opens a migrated, seeded database: `kind` picks PGlite (embedded) or the test PostgreSQL server. */
export async function createTestDatabase(kind: 'pglite' | 'postgres'): Promise<TestDatabase> {
  const { url, dispose } = await createEmptyDatabase(kind);
  const target: DatabaseTarget = kind === 'pglite' ? { kind, dataDir: url.slice('pglite:'.length) } : { kind, url };
  await deployMigrations(target);
  const database = await openDatabase(target);
  await seedCatalogues(database.prisma);
  return {
    ...database,
    url,
    async destroy() {
      await database.close();
      await dispose();
    },
  };
}
