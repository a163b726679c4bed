import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from '../generated/prisma/client';

/**
 * Where the read model lives: an embedded PGlite folder (the default, no server to run) or a
 * PostgreSQL server. Both speak the same SQL, so one schema and one migration history serve both.
 */
export type DatabaseTarget =
  | { kind: 'pglite'; dataDir: string | 'memory' }
  | { kind: 'postgres'; url: string };

/**
 * Reads a database location from a `DATABASE_URL`-style string.
 *
 * @param url `postgres://…` / `postgresql://…` for a server, `pglite:<folder>` or `pglite:memory`
 *   for the embedded database.
 * @throws Error naming the accepted forms when the string is neither.
 */
export function parseDatabaseTarget(url: string): DatabaseTarget {
  if (/^postgres(ql)?:\/\//.test(url)) return { kind: 'postgres', url };
  if (url.startsWith('pglite:')) {
    const location = url.slice('pglite:'.length);
    if (location === 'memory') return { kind: 'pglite', dataDir: 'memory' };
    if (location.length === 0) throw new Error('DATABASE_URL "pglite:" needs a folder, e.g. pglite:./.data/pglite');
    return { kind: 'pglite', dataDir: path.resolve(location) };
  }
  throw new Error(
    `DATABASE_URL must start with postgresql:// (a server) or pglite: (an embedded folder), got "${url.split(':')[0]}:…"`,
  );
}

/** An open connection to the read model with the one way to close it. */
export interface Database {
  readonly prisma: PrismaClient;
  readonly target: DatabaseTarget;
  /** Disconnects Prisma and, for PGlite, closes the embedded engine so its folder is left clean. */
  close(): Promise<void>;
}

/**
 * Opens an embedded PGlite database; its folder is created when missing.
 * PGlite serves one process: run the API and the worker in the same process on this target.
 */
export async function openPGlite(dataDir: string | 'memory'): Promise<PGlite> {
  if (dataDir === 'memory') return PGlite.create();
  fs.mkdirSync(dataDir, { recursive: true });
  return PGlite.create({ dataDir });
}

/**
 * Builds the Prisma driver-adapter factory for a target, plus whatever must be closed after it.
 * Shared by the application's client and by the migration engine.
 */
export async function adapterFactoryFor(
  target: DatabaseTarget,
): Promise<{ factory: SqlMigrationAwareDriverAdapterFactory; release(): Promise<void> }> {
  if (target.kind === 'postgres') {
    return { factory: new PrismaPg({ connectionString: target.url }), release: async () => {} };
  }
  const pglite = await openPGlite(target.dataDir);
  return { factory: new PrismaPGlite(pglite), release: () => pglite.close() };
}

/**
 * Connects Prisma to the read model.
 *
 * @param target from {@link parseDatabaseTarget}.
 */
export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  const { factory, release } = await adapterFactoryFor(target);
  // 'minimal': Prisma's other error formats capture a stack trace on every query, to quote the
  // calling line should it fail; the error's own stack still says where it came from.
  const prisma = new PrismaClient({ adapter: factory, errorFormat: 'minimal' });
  await prisma.$connect();
  return {
    prisma,
    target,
    async close() {
      await prisma.$disconnect();
      await release();
    },
  };
}
