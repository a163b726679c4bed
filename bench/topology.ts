import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { loadConfig } from '../runtime/config';
import { createLogger } from '../runtime/logger';
import { generatePayloadKeySetting } from '../runtime/payload-codec';
import { LICENCE_SEARCH_ATTRIBUTES } from '../workflows/search-attributes';
import { startSystem, type RunningSystem } from '../runtime/system';
import { startDevServer } from '../runtime/temporal-dev-server';
import { DEFAULT_LADDER, localDateOf, type LadderStep } from '../domain';
import type { LicenceWorkflowInput } from '../workflows/licence-definitions';
import { engineReady } from '../test/support/engine-process';

const ROOT = path.resolve(__dirname, '..');

/** The first API key of the benchmark's fresh database, made by the engine's bootstrap. */
export const BENCH_API_KEY = 'lre_benchmark-key-of-the-weihai-system';

/** The production topology on loopback: PostgreSQL, the API with the dev server here, workers apart. */
export interface Topology {
  system: RunningSystem;
  /** Restarts PostgreSQL, keeping its data: every connection drops. */
  restartDatabase(): Promise<void>;
  /** Stops the Temporal dev server and starts it again on the same state file (only with `separateTemporal`). */
  restartTemporal(): Promise<void>;
  /**
   * Starts a worker process (`ROLE=worker`) and waits until it polls: from the sources through tsx,
   * or with `build` from a compiled build (scripts/build.sh) and its prebuilt workflow bundle.
   */
  startWorker(env?: Record<string, string>, options?: { build?: string }): Promise<ChildProcess>;
  /** Stops the workers and the API, and drops the database. */
  stop(): Promise<void>;
}

/**
 * Starts the project's private PostgreSQL (scripts/test-postgres.sh), a database of the
 * benchmark's own on it, and the API (with the Temporal dev server) in this process.
 * @param env settings for both the API and the workers (ports, SMS limits …).
 */
export async function startTopology(name: string, env: Record<string, string>, options: { separateTemporal?: boolean } = {}): Promise<Topology> {
  const postgresScript = path.join(ROOT, 'scripts', 'test-postgres.sh');
  // PostgreSQL's binaries and the load generator: made once, then a no-op.
  execFileSync('bash', [path.join(ROOT, 'scripts', 'setup.sh'), '--bench'], { stdio: ['ignore', 'inherit', 'inherit'] });
  const serverUrl = execFileSync('bash', [postgresScript, 'start'], { encoding: 'utf8' }).trim();
  const database = `bench_${name}_${Date.now()}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-${name}-`));
  const shared = {
    DATABASE_URL: serverUrl.replace(/\/[^/]*$/, `/${database}`),
    PAYLOAD_ENCRYPTION_KEYS: generatePayloadKeySetting('bench'),
    SMS_RECEIPT_SECRET: randomBytes(24).toString('base64url'),
    DATA_DIR: dir,
    LOG_LEVEL: 'warn',
    TEMPORAL_METRICS_ADDRESS: 'off',
    ...env,
  };
  // The dev server in a process of this benchmark's own, so that a drill can restart it.
  const devServerOptions = {
    dbFile: path.join(dir, 'temporal.sqlite'),
    host: '127.0.0.1',
    port: Number(env.TEMPORAL_DEV_PORT ?? 7233),
    uiPort: Number(env.TEMPORAL_UI_PORT ?? 8233),
    namespace: 'default',
    searchAttributes: LICENCE_SEARCH_ATTRIBUTES,
    logFile: path.join(dir, 'temporal.log'),
  };
  let devServer = options.separateTemporal ? await startDevServer(devServerOptions) : undefined;
  if (devServer) Object.assign(shared, { TEMPORAL_ADDRESS: devServer.address });
  const system = await startSystem(loadConfig({ ...process.env, ...shared, ROLE: 'api', BOOTSTRAP_API_KEY: BENCH_API_KEY }), createLogger('warn'));
  const workers: ChildProcess[] = [];
  return {
    system,
    async restartDatabase() {
      execFileSync('bash', [postgresScript, 'restart']);
    },
    async restartTemporal() {
      if (!devServer) throw new Error('restartTemporal needs startTopology(…, { separateTemporal: true })');
      await devServer.stop();
      devServer = await startDevServer(devServerOptions);
    },
    async startWorker(extra = {}, { build } = {}) {
      const entry = build ? [path.join(build, 'bin', 'start.js')] : ['--import', 'tsx', path.join(ROOT, 'bin', 'start.ts')];
      const child = spawn(process.execPath, entry, {
        cwd: ROOT,
        env: {
          ...process.env,
          ...shared,
          ...extra,
          ...(build ? { WORKFLOW_BUNDLE: path.join(build, 'workflow-bundle.js') } : {}),
          ROLE: 'worker',
          TEMPORAL_ADDRESS: system.temporalAddress,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      workers.push(child);
      await engineReady(child);
      return child;
    },
    async stop() {
      for (const worker of workers) worker.kill('SIGKILL');
      await system.stop();
      await devServer?.stop();
      // A fresh connection: a drill may have restarted the server since.
      const dropper = new Client({ connectionString: serverUrl });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await dropper.end();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Registers licences [from, to) through the API, `concurrency` at a time; returns their ids in order. */
export async function registerThroughApi(apiUrl: string, from: number, to: number, concurrency: number, licence: (index: number) => unknown): Promise<string[]> {
  const ids: string[] = new Array(to - from);
  let next = from;
  let done = 0;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < to) {
        const index = next++;
        const response = await fetch(`${apiUrl}/api/v1/licences`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_API_KEY}` },
          body: JSON.stringify(licence(index)),
        });
        if (response.status !== 201) throw new Error(`registration answered ${response.status}: ${await response.text()}`);
        ids[index - from] = ((await response.json()) as { id: string }).id;
        if (++done % 1000 === 0) process.stderr.write(`\r  ${from + done}/${to} registered (${(done / ((Date.now() - started) / 1000)).toFixed(0)}/s)`);
      }
    }),
  );
  process.stderr.write('\n');
  return ids;
}

/**
 * A weihai drug-retail licence (WH01) for the benchmarks and drills: `series` keeps one script's
 * licence numbers apart from another's, and the index makes the number, holder and phone unique.
 */
export function loadLicence(series: string, index: number, dates: { issuedOn: string; expiresOn: string }) {
  return {
    bureau: 'weihai',
    licenceNumber: `鲁威药经${series}${String(index).padStart(7, '0')}`,
    licenceType: 'WH01',
    holder: { name: `威海市第${index}号药店` },
    contact: { name: '张敏', phone: `139${String(index).padStart(8, '0')}` },
    ...dates,
  };
}

/**
 * Makes weihai's 市场准入二科 remind at any hour today and tomorrow, the SMS straight after the
 * prompt: so that a ladder runs in real time on the dev server's wall clock.
 */
export async function remindAtOnce(prisma: RunningSystem['database']['prisma']): Promise<void> {
  const ladder: LadderStep[] = DEFAULT_LADDER.map((step) => (step.channel === 'auto_prompt' ? { ...step, waitDays: 0 } : step));
  await prisma.department.update({ where: { id: 'weihai:市场准入二科' }, data: { ladder: ladder as unknown as object[] } });
  await prisma.bureau.update({ where: { code: 'weihai' }, data: { sendWindowOpens: '00:00', sendWindowCloses: '24:00' } });
  for (const offset of [0, 86_400_000]) {
    const date = localDateOf(new Date(Date.now() + offset), 'Asia/Shanghai');
    await prisma.calendarOverride.upsert({ where: { bureauCode_date: { bureauCode: 'weihai', date } }, create: { bureauCode: 'weihai', date, kind: 'working_day', name: '压测' }, update: {} });
  }
}

/**
 * The workflow input the API would build for a licence of weihai's WH01, for the bare
 * `client.workflow.start` a benchmark measures the API against.
 */
export async function bareStartInput(prisma: RunningSystem['database']['prisma']): Promise<(licence: { licenceNumber: string; expiresOn: string }) => LicenceWorkflowInput> {
  const entry = await prisma.catalogueEntry.findFirstOrThrow({ where: { bureauCode: 'weihai', code: 'WH01' }, include: { department: true } });
  return (licence) => ({
    licenceId: randomUUID(),
    bureau: 'weihai',
    licenceNumber: licence.licenceNumber,
    licenceType: entry.code,
    department: entry.department.name,
    expiresOn: licence.expiresOn,
    reminderLeadMonths: entry.reminderLeadMonths,
    timeZone: 'Asia/Shanghai',
  });
}

/** Runs `task(0..count-1)` with at most `concurrency` in flight; returns the seconds it took. */
export async function timed(count: number, concurrency: number, task: (index: number) => Promise<void>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await task(next++);
    }),
  );
  return (performance.now() - started) / 1000;
}

/** Runs a script's main and exits with its outcome: 1 on an error or a failed check (`process.exitCode`). */
export function runScript(main: () => Promise<void>): void {
  main().then(
    () => process.exit(process.exitCode ?? 0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
