import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils';
import { PrismaPg } from '@prisma/adapter-pg';
import type { MigrationList, SchemaEngine as WasmSchemaEngine } from '@prisma/schema-engine-wasm';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { openPGlite, type DatabaseTarget } from './database';
import { PACKAGE_ROOT } from './package-root';

export const PRISMA_DIR = path.join(PACKAGE_ROOT, 'prisma');
export const SCHEMA_PATH = path.join(PRISMA_DIR, 'schema.prisma');
export const MIGRATIONS_DIR = path.join(PRISMA_DIR, 'migrations');
const LOCKFILE_NAME = 'migration_lock.toml';
const NO_FILTERS = { externalTables: [], externalEnums: [] };

/** Raised when the schema engine refuses a command; `message` is the engine's own explanation. */
export class MigrationError extends Error {
  override name = 'MigrationError';
}

/**
 * pglite-prisma-adapter 0.7.2 does not await `PGlite.exec` in `executeScript`, so a migration
 * with broken SQL would be reported as applied. This adapter awaits it and lets the error through.
 */
function awaitingScripts(adapter: SqlDriverAdapter, pglite: PGlite): SqlDriverAdapter {
  return Object.assign(Object.create(adapter) as SqlDriverAdapter, {
    async executeScript(script: string): Promise<void> {
      await pglite.exec(script);
    },
  });
}

/** Throwaway in-memory databases for the engine's drift checks: never a CREATE DATABASE on the target. */
class ShadowDatabases {
  private readonly opened: PGlite[] = [];

  async connect(): Promise<SqlDriverAdapter> {
    const shadow = await PGlite.create();
    this.opened.push(shadow);
    return awaitingScripts(await new PrismaPGlite(shadow).connect(), shadow);
  }

  async close(): Promise<void> {
    await Promise.all(this.opened.splice(0).map((db) => db.close()));
  }
}

type ClosableFactory = SqlMigrationAwareDriverAdapterFactory & { close(): Promise<void> };

function embeddedFactory(main: PGlite): ClosableFactory {
  const shadows = new ShadowDatabases();
  return {
    provider: 'postgres',
    adapterName: 'pglite-migrations',
    connect: async () => awaitingScripts(await new PrismaPGlite(main).connect(), main),
    connectToShadowDb: () => shadows.connect(),
    close: () => shadows.close(),
  };
}

function serverFactory(url: string): ClosableFactory {
  const shadows = new ShadowDatabases();
  // Closed with the engine: a connection left open after the engine gave up waiting for the
  // migration lock would still be queued for it, take it when it frees, and keep it.
  const connections: SqlDriverAdapter[] = [];
  return {
    provider: 'postgres',
    adapterName: 'pg-migrations',
    connect: async () => {
      const connection = await new PrismaPg({ connectionString: url }).connect();
      connections.push(connection);
      return connection;
    },
    connectToShadowDb: () => shadows.connect(),
    close: async () => {
      await Promise.all(connections.splice(0).map((connection) => connection.dispose()));
      await shadows.close();
    },
  };
}

/** Reads `prisma/migrations/` in the shape the schema engine expects. */
export function readMigrationList(migrationsDir = MIGRATIONS_DIR): MigrationList {
  const lockPath = path.join(migrationsDir, LOCKFILE_NAME);
  const directories = fs.existsSync(migrationsDir)
    ? fs
        .readdirSync(migrationsDir, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => entry.name)
        .sort()
    : [];
  return {
    baseDir: migrationsDir,
    lockfile: {
      path: LOCKFILE_NAME,
      content: fs.existsSync(lockPath) ? fs.readFileSync(lockPath, 'utf8') : null,
    },
    shadowDbInitScript: '',
    migrationDirectories: directories.map((name) => {
      const file = path.join(migrationsDir, name, 'migration.sql');
      return {
        path: name,
        migrationFile: {
          path: 'migration.sql',
          content: fs.existsSync(file)
            ? { tag: 'ok' as const, value: fs.readFileSync(file, 'utf8') }
            : { tag: 'error' as const, value: `${file} is missing` },
        },
      };
    }),
  };
}

// Node's global WebAssembly, typed just as far as this file uses it (the ES lib has no typings).
const wasmRuntime = (globalThis as unknown as {
  WebAssembly: {
    instantiate(bytes: Uint8Array, imports: Record<string, object>): Promise<{ instance: { exports: Record<string, unknown> } }>;
  };
}).WebAssembly;

let engineModule: Promise<typeof import('@prisma/schema-engine-wasm').SchemaEngine> | undefined;

/**
 * The package is built for bundlers (`import * as wasm from "./x.wasm"`), which Node cannot load:
 * instantiate the module by hand and hand it to the generated bindings, as wasm-bindgen expects.
 */
function loadSchemaEngine(): Promise<typeof import('@prisma/schema-engine-wasm').SchemaEngine> {
  engineModule ??= (async () => {
    const bindings = (await import('@prisma/schema-engine-wasm/schema_engine_bg')) as typeof import('@prisma/schema-engine-wasm') & {
      __wbg_set_wasm(exports: Record<string, unknown>): void;
    };
    const wasmPath = path.join(path.dirname(require.resolve('@prisma/schema-engine-wasm/schema_engine_bg')), 'schema_engine_bg.wasm');
    const { instance } = await wasmRuntime.instantiate(fs.readFileSync(wasmPath), { './schema_engine_bg.js': bindings });
    bindings.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return bindings.SchemaEngine;
  })();
  return engineModule;
}

/**
 * Runs `work` against Prisma's WASM schema engine connected to `target`, then releases every
 * connection. The engine leaves a timer behind after Postgres commands; callers that are
 * command-line programs should exit explicitly when done.
 */
export async function withSchemaEngine<T>(
  target: DatabaseTarget,
  work: (engine: WasmSchemaEngine) => Promise<T>,
): Promise<T> {
  const SchemaEngine = await loadSchemaEngine();
  let pglite: PGlite | undefined;
  let factory: ClosableFactory;
  if (target.kind === 'pglite') {
    pglite = await openPGlite(target.dataDir);
    factory = embeddedFactory(pglite);
  } else {
    factory = serverFactory(target.url);
  }
  try {
    const schema = fs.readFileSync(SCHEMA_PATH, 'utf8');
    const engine = await SchemaEngine.new(
      { datamodels: [[SCHEMA_PATH, schema]] },
      () => {},
      bindMigrationAwareSqlAdapterFactory(factory),
    );
    try {
      return await work(engine);
    } catch (error) {
      throw asMigrationError(error);
    } finally {
      engine.free();
    }
  } finally {
    await factory.close();
    await pglite?.close();
  }
}

function asMigrationError(error: unknown): Error {
  if (error instanceof Error) return new MigrationError(error.message);
  if (typeof error === 'object' && error !== null && 'message' in error) {
    return new MigrationError(String((error as { message: unknown }).message));
  }
  return new MigrationError(String(error));
}

/** How long a process waits for another's migrations before it gives up starting. */
const MIGRATION_LOCK_PATIENCE_MS = 5 * 60_000;

/**
 * Applies every migration in `prisma/migrations/` that the database has not seen. Processes that
 * start together take turns under PostgreSQL's advisory lock; the schema engine gives up on it
 * after 10 s, so a process asks again until another's migrations are done.
 */
export async function deployMigrations(target: DatabaseTarget, migrationsDir = MIGRATIONS_DIR): Promise<string[]> {
  const giveUpAt = Date.now() + MIGRATION_LOCK_PATIENCE_MS;
  for (;;) {
    try {
      return await withSchemaEngine(target, async (engine) => {
        const result = await engine.applyMigrations({ migrationsList: readMigrationList(migrationsDir), filters: NO_FILTERS });
        return result.appliedMigrationNames;
      });
    } catch (error) {
      const lockTaken = error instanceof MigrationError && /advisory lock/.test(error.message);
      if (!lockTaken || Date.now() > giveUpAt) throw error;
    }
  }
}

/**
 * Writes a new migration for the difference between `schema.prisma` and the migration history,
 * then applies it to `target`. Returns the new folder's name, or `undefined` when nothing changed.
 *
 * The WASM engine has no shadow-database support for PostgreSQL in `createMigration`, so the
 * history is replayed into a throwaway in-memory database and diffed against the schema there.
 */
export async function createMigration(target: DatabaseTarget, name: string): Promise<string | undefined> {
  if (!/^[a-z0-9_]+$/.test(name)) throw new MigrationError(`migration name "${name}" must be snake_case, e.g. add_ledger`);
  const schemaFiles = [{ path: SCHEMA_PATH, content: fs.readFileSync(SCHEMA_PATH, 'utf8') }];
  const diff = await withSchemaEngine({ kind: 'pglite', dataDir: 'memory' }, async (engine) => {
    await engine.applyMigrations({ migrationsList: readMigrationList(), filters: NO_FILTERS });
    return engine.diff({
      from: { tag: 'schemaDatasource', files: schemaFiles, configDir: PRISMA_DIR },
      to: { tag: 'schemaDatamodel', files: schemaFiles },
      script: true,
      exitCode: true,
      filters: NO_FILTERS,
    });
  });
  if (diff.exitCode === 0) return undefined;
  const folderName = `${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}_${name}`;
  const folder = path.join(MIGRATIONS_DIR, folderName);
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(path.join(folder, 'migration.sql'), diff.stdout ?? '');
  const lockPath = path.join(MIGRATIONS_DIR, LOCKFILE_NAME);
  if (!fs.existsSync(lockPath)) {
    fs.writeFileSync(lockPath, '# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\nprovider = "postgresql"\n');
  }
  await deployMigrations(target);
  return folderName;
}

/** Compares the migration history with the database: what is unapplied, failed or edited. */
export async function migrationStatus(target: DatabaseTarget) {
  return withSchemaEngine(target, (engine) =>
    engine.diagnoseMigrationHistory({ migrationsList: readMigrationList(), optInToShadowDatabase: false, filters: NO_FILTERS }),
  );
}

/** Drops everything in the database. For development and tests only. */
export async function resetDatabase(target: DatabaseTarget): Promise<void> {
  await withSchemaEngine(target, (engine) => engine.reset({ filter: NO_FILTERS }));
}
