/**
 * The engine's cost on both topologies, one after the other in one run, each figure against the
 * raw limit of the same server measured in the same run:
 *  - registration through the API ÷ a bare `client.workflow.start` with the same options (to a
 *    queue no worker polls), both with no worker running;
 *  - a wake-up storm: licences registered while no worker runs (after the workers took the first
 *    tasks of the licences registered before), each window open today and its department reminding
 *    at once; the workers start, and from the moment they poll, the licences whose prompt was
 *    delivered per second ÷ the bare start rate;
 *  - the SMS sent per second during that storm ÷ the provider QPS configured.
 *
 *   npm run bench:side-by-side -- [licences per measurement, default 1000] [--storm 1000] [--qps 50] [--concurrency 64] [--on both|dev|cluster]
 *
 * "dev server": bench/topology.ts (PostgreSQL; the API and the Temporal CLI's dev server in this
 * process; one worker process). "cluster": cluster/topology.ts (the Temporal server as four
 * processes on PostgreSQL, two APIs behind HAProxy, two worker processes). Loopback only; each
 * topology is stopped and deleted after its turn.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { temporal as proto } from '@temporalio/proto';
import { Client as PgClient } from 'pg';
import { Cluster } from '../cluster/topology';
import { DEFAULT_TASK_QUEUE } from '../runtime/config';
import { openDatabase, parseDatabaseTarget, type Database } from '../runtime/database';
import { connectTemporalClient, type TemporalClient } from '../runtime/temporal';
import { licenceWorkflowStartOptions } from '../services/licence-registration';
import { licenceWorkflow } from '../workflows/licence/workflow';
import { licenceWorkflowId } from '../domain';
import { cpuSecondsEachSince, cpuSnapshot } from './cpu-by-process';
import { importThroughApi, writeLicenceExport } from './licence-export';
import { machineLine } from './machine';
import { stormAnatomy, type StormAnatomy } from './storm-anatomy';
import { BENCH_API_KEY, bareStartInput, loadLicence, remindAtOnce, runScript, startTopology, timed } from './topology';
import { attack } from './vegeta';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    storm: { type: 'string', default: '1000' },
    qps: { type: 'string', default: '50' },
    concurrency: { type: 'string', default: '64' },
    on: { type: 'string', default: 'both' },
  },
});
const LICENCES = Number(positionals[0] ?? 1000);
const STORM = Number(values.storm);
const QPS = Number(values.qps);
const CONCURRENCY = Number(values.concurrency);
const DAY = 86_400_000;

/** What a measurement needs of a topology. */
interface Subject {
  name: string;
  apiUrl: string;
  apiKey: string;
  temporal: TemporalClient;
  database: Database;
  /** Stops every worker process. */
  stopWorkers(): Promise<void>;
  /** Bytes of Temporal's two databases and the engine's, where the topology can tell. */
  databaseBytes?(): Promise<{ temporal: number; engine: number }>;
  /** Starts the topology's worker processes; resolves once they poll. */
  startWorkers(): Promise<void>;
  stop(): Promise<void>;
}

interface Figures {
  bare: number;
  api: number;
  /** Rows a second of an import of as many rows as the API registered, through the same proxy and key. */
  importRows: number;
  /** Database bytes a sleeping licence adds (registered through the API), and a woken one (prompt and SMS). */
  bytesPerSleeping?: { temporal: number; engine: number };
  bytesPerWoken?: { temporal: number; engine: number };
  stormSeconds?: number;
  /** Seconds from starting the workers until they polled. */
  bootSeconds: number;
  smsRate?: number;
  stormPrompts: number;
  anatomy: StormAnatomy;
  /** CPU seconds each part of the topology used per storm licence, from the workers polling to the last text. */
  stormCpu: Array<{ label: string; seconds: number }>;
  /** CPU seconds each part of the topology used per bare start, and per registration through the API. */
  bareCpu: Array<{ label: string; seconds: number }>;
  apiCpu: Array<{ label: string; seconds: number }>;
}

/** CPU seconds the Temporal server's own processes used, of a split by process. */
const temporalSeconds = (parts: Array<{ label: string; seconds: number }>) => parts.filter(({ label }) => label.startsWith('Temporal')).reduce((sum, part) => sum + part.seconds, 0);

/** Storm licences whose histories are read for where their time went. */
const ANATOMY_SAMPLE = 40;

async function devServer(): Promise<Subject> {
  const topology = await startTopology('side', { PORT: '3397', TEMPORAL_DEV_PORT: '7397', TEMPORAL_UI_PORT: '8397', SMS_QPS: String(QPS) });
  const temporal = await connectTemporalClient(topology.system.temporalAddress, 'default');
  const workers: ChildProcess[] = [];
  return {
    name: 'dev server',
    apiUrl: topology.system.apiUrl!,
    apiKey: BENCH_API_KEY,
    temporal,
    database: topology.system.database,
    async stopWorkers() {
      // SIGTERM: each finishes the tasks it holds, then exits.
      await Promise.all(
        workers.splice(0).map((worker) =>
          worker.exitCode !== null ? undefined : new Promise<void>((resolve) => {
            worker.once('exit', () => resolve());
            worker.kill('SIGTERM');
          }),
        ),
      );
    },
    async startWorkers() {
      workers.push(await topology.startWorker());
    },
    async stop() {
      await temporal.close();
      await topology.stop();
    },
  };
}

async function cluster(): Promise<Subject> {
  const workers = ['worker-1', 'worker-2'] as const;
  // Every worker process sets the account's QPS on the SMS queue; Temporal keeps it for them together.
  const cluster = new Cluster({ dir: fs.mkdtempSync(path.join(os.tmpdir(), 'bench-cluster-')), basePort: 19_000, engineEnv: { LOG_LEVEL: 'warn', SMS_QPS: String(QPS) } });
  await cluster.start();
  const temporal = await connectTemporalClient(cluster.temporalAddress, 'default', undefined, cluster.operatorTls);
  const database = await openDatabase(parseDatabaseTarget(cluster.databaseUrl));
  return {
    name: 'cluster',
    apiUrl: cluster.url,
    apiKey: cluster.secrets.apiKey,
    temporal,
    database,
    async stopWorkers() {
      for (const worker of workers) if (cluster.status()[worker] !== 'stopped') cluster.kill(worker, 'SIGTERM');
      while (workers.some((worker) => cluster.status()[worker] !== 'stopped')) await new Promise((resolve) => setTimeout(resolve, 200));
    },
    async startWorkers() {
      await Promise.all(workers.map((worker) => cluster.restart(worker)));
    },
    async databaseBytes() {
      const admin = new PgClient({ host: '127.0.0.1', port: cluster.ports.postgres, user: 'postgres', password: cluster.secrets.postgresPassword, database: 'postgres' });
      await admin.connect();
      try {
        const size = async (name: string) => Number((await admin.query('SELECT pg_database_size($1) AS bytes', [name])).rows[0].bytes);
        return { temporal: (await size('temporal')) + (await size('temporal_visibility')), engine: await size('licences') };
      } finally {
        await admin.end();
      }
    },
    async stop() {
      await temporal.close();
      await database.close();
      await cluster.stop({ purge: true });
    },
  };
}

/**
 * Imports an export of `rows` licences through the API, as a bureau would, starts limited to the
 * import's ceiling (1,000/s) so that the engine sets the pace. @returns rows a second, start to done.
 */
async function importRate(subject: Subject, rows: number): Promise<number> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-import-')), 'licences.csv');
  writeLicenceExport(file, rows);
  const { job, seconds } = await importThroughApi({ apiUrl: subject.apiUrl, apiKey: subject.apiKey, startsPerSecond: 1000 }, file);
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
  if (job.status !== 'finished' || job.importedRows !== rows) throw new Error(`import ended ${JSON.stringify(job)}`);
  return rows / seconds;
}

/**
 * Starts the workers until no workflow task waits on the engine's queue, then stops them. The
 * licences registered through the API and the import while no worker ran each wait for a first
 * workflow task (which sets its timer and sleeps); left for the storm, 2,200 of them ran inside
 * its figures, though a deployment runs each at its registration.
 */
async function takeFirstTasks(subject: Subject): Promise<{ tasks: number; seconds: number }> {
  const backlog = async () => {
    const { stats } = await subject.temporal.client.workflowService.describeTaskQueue({
      namespace: 'default',
      taskQueue: { name: DEFAULT_TASK_QUEUE, kind: proto.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
      taskQueueType: proto.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
      reportStats: true,
    });
    return Number(stats?.approximateBacklogCount ?? 0);
  };
  const tasks = await backlog();
  const started = Date.now();
  await subject.startWorkers();
  for (let emptyProbes = 0; emptyProbes < 2; ) {
    if (Date.now() - started > 600_000) throw new Error(`the workers did not take the earlier licences' first tasks in 10 minutes (${await backlog()} waiting)`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    emptyProbes = (await backlog()) === 0 ? emptyProbes + 1 : 0;
  }
  await subject.stopWorkers();
  return { tasks, seconds: (Date.now() - started) / 1000 };
}

async function measure(subject: Subject): Promise<Figures> {
  const { prisma } = subject.database;
  await subject.stopWorkers();
  await remindAtOnce(prisma);
  const sleeping = (series: string, index: number) => loadLicence(series, index, { issuedOn: '2024-06-01', expiresOn: '2029-05-31' });
  const inputFor = await bareStartInput(prisma);
  const bareInput = (series: string, index: number) => inputFor(sleeping(series, index));
  const bareRate = async (series: string, count: number) =>
    count /
    (await timed(count, CONCURRENCY, (index) =>
      subject.temporal.client.workflow.start(licenceWorkflow, licenceWorkflowStartOptions(bareInput(series, index), `bench/raw/${series}/${index}`, 'bench-unpolled')).then(() => undefined),
    ));
  const apiRate = async (series: string, count: number) => {
    const report = await attack(
      Array.from({ length: count }, (_, index) => ({
        method: 'POST' as const,
        url: `${subject.apiUrl}/api/v1/licences`,
        headers: { Authorization: `Bearer ${subject.apiKey}` },
        json: sleeping(series, index),
      })),
      { eachOnce: true, workers: CONCURRENCY },
    );
    if (report.statusCodes['201'] !== count) throw new Error(`${count} registrations answered ${JSON.stringify(report.statusCodes)}`);
    return report.throughput;
  };
  // Warm-up, not counted.
  await bareRate('RW', 200);
  await apiRate('AW', 200);
  const beforeBare = cpuSnapshot();
  const bare = await bareRate('R', LICENCES);
  const bareCpu = cpuSecondsEachSince(beforeBare, LICENCES);
  // Autovacuum and checkpoints move the sizes: a pause first, then differences over whole batches.
  const bytes = async () => {
    if (!subject.databaseBytes) return undefined;
    await new Promise((resolve) => setTimeout(resolve, 5000));
    return subject.databaseBytes();
  };
  const per = (before: { temporal: number; engine: number } | undefined, after: { temporal: number; engine: number } | undefined, count: number) =>
    before && after ? { temporal: (after.temporal - before.temporal) / count, engine: (after.engine - before.engine) / count } : undefined;
  const beforeApi = await bytes();
  const beforeRegistrations = cpuSnapshot();
  const api = await apiRate('A', LICENCES);
  const apiCpu = cpuSecondsEachSince(beforeRegistrations, LICENCES);
  const afterApi = await bytes();
  console.log(`${subject.name}: client.workflow.start ${bare.toFixed(1)}/s, POST /api/v1/licences ${api.toFixed(1)}/s, ratio ${(api / bare).toFixed(2)}`);
  const importRows = await importRate(subject, LICENCES);
  console.log(`${subject.name}: import of ${LICENCES} rows ${importRows.toFixed(1)}/s, ÷ API registration ${(importRows / api).toFixed(2)}`);

  const earlier = await takeFirstTasks(subject);
  console.log(`${subject.name}: the workers took the first workflow tasks of the ${earlier.tasks} licences registered so far in ${earlier.seconds.toFixed(0)} s, before the storm, not counted in it`);
  const expiresOn = new Date(Date.now() + 80 * DAY).toISOString().slice(0, 10);
  const beforeStorm = await bytes();
  const stormReport = await attack(
    Array.from({ length: STORM }, (_, index) => ({
      method: 'POST' as const,
      url: `${subject.apiUrl}/api/v1/licences`,
      headers: { Authorization: `Bearer ${subject.apiKey}` },
      json: loadLicence('S', index, { issuedOn: '2022-06-01', expiresOn }),
    })),
    { eachOnce: true, workers: 32 },
  );
  if (stormReport.statusCodes['201'] !== STORM) throw new Error(`storm registrations answered ${JSON.stringify(stormReport.statusCodes)}`);
  const booting = Date.now();
  await subject.startWorkers();
  const cpuBefore = cpuSnapshot();
  // The storm is timed from the moment the workers poll: their start (bundling the workflows) is
  // a deployment's cost, not the storm's, and is reported beside it.
  const t0 = Date.now();
  const bootSeconds = (t0 - booting) / 1000;
  const deadline = t0 + Math.max(1200, (STORM / QPS) * 3) * 1000;
  let stormSeconds: number | undefined;
  let prompts = 0;
  // Texts counted once a second as the engine records them: a text's recorded instant is when its
  // step was scheduled (activityNow), not when the provider took it, which a backlog sets apart.
  const textSamples: Array<{ at: number; texts: number }> = [];
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const [delivered, texts] = await Promise.all([prisma.promptDelivery.count({ where: { deliveredAt: { not: null } } }), prisma.smsMessage.count()]);
    textSamples.push({ at: Date.now(), texts });
    prompts = delivered;
    process.stderr.write(`\r  ${subject.name}: ${((Date.now() - t0) / 1000).toFixed(0)} s: ${delivered} prompts delivered, ${texts} SMS sent`);
    if (stormSeconds === undefined && delivered >= STORM) stormSeconds = (Date.now() - t0) / 1000;
    if (stormSeconds !== undefined && texts >= STORM) break;
  }
  process.stderr.write('\n');
  const stormCpu = cpuSecondsEachSince(cpuBefore, STORM);
  const firstText = textSamples.find((sample) => sample.texts > 0);
  const lastText = textSamples.find((sample) => sample.texts === textSamples.at(-1)?.texts);
  const afterStorm = await bytes();
  const sampled = Array.from({ length: ANATOMY_SAMPLE }, (_, i) => licenceWorkflowId('weihai', loadLicence('S', Math.floor((i * STORM) / ANATOMY_SAMPLE), { issuedOn: '', expiresOn }).licenceNumber));
  const anatomy = await stormAnatomy(subject.temporal.client, sampled, t0);
  return {
    anatomy,
    stormCpu,
    bareCpu,
    apiCpu,
    bare,
    api,
    importRows,
    stormSeconds,
    bootSeconds,
    smsRate: firstText && lastText && lastText.at > firstText.at ? (lastText.texts - firstText.texts) / ((lastText.at - firstText.at) / 1000) : undefined,
    stormPrompts: prompts,
    bytesPerSleeping: per(beforeApi, afterApi, LICENCES),
    bytesPerWoken: per(beforeStorm, afterStorm, STORM),
  };
}

async function main(): Promise<void> {
  console.log(machineLine());
  const results: Array<[string, Figures]> = [];
  const topologies = { both: [devServer, cluster], dev: [devServer], cluster: [cluster] }[values.on];
  if (!topologies) throw new Error(`--on takes both, dev or cluster, not ${values.on}`);
  for (const start of topologies) {
    const subject = await start();
    try {
      results.push([subject.name, await measure(subject)]);
    } finally {
      await subject.stop();
    }
  }
  console.log(`\n${LICENCES} registrations per measurement, ${CONCURRENCY} in flight; storm of ${STORM}; SMS QPS ${QPS}`);
  console.log(`| figure | ${results.map(([name]) => name).join(' | ')} | goal |`);
  console.log(`|---|${results.map(() => '---|').join('')}---|`);
  const row = (figure: string, cell: (f: Figures) => string, goal: string) => console.log(`| ${figure} | ${results.map(([, f]) => cell(f)).join(' | ')} | ${goal} |`);
  row('registration through the API ÷ bare client.workflow.start', (f) => `${(f.api / f.bare).toFixed(2)} (${f.api.toFixed(1)}/s against ${f.bare.toFixed(1)}/s)`, '≥ 0.9');
  row('bulk import rate ÷ API registration rate', (f) => `${(f.importRows / f.api).toFixed(2)} (${f.importRows.toFixed(1)} rows/s against ${f.api.toFixed(1)}/s)`, '≥ 0.9');
  row(
    'wake-up storm: licences prompted per second ÷ bare start rate',
    (f) =>
      (f.stormSeconds ? `${(STORM / f.stormSeconds / f.bare).toFixed(2)} (${STORM} in ${f.stormSeconds.toFixed(0)} s: ${(STORM / f.stormSeconds).toFixed(1)}/s)` : `not done (${f.stormPrompts} of ${STORM})`) +
      `; workers polling ${f.bootSeconds.toFixed(0)} s after their start, not counted`,
    '≥ 0.3',
  );
  const kb = (bytes?: { temporal: number; engine: number }) => (bytes ? `Temporal ${(bytes.temporal / 1024).toFixed(1)} KB, engine ${(bytes.engine / 1024).toFixed(1)} KB` : 'not measured');
  row('database bytes a registered, sleeping licence adds', (f) => kb(f.bytesPerSleeping), '');
  row('database bytes a storm licence adds (registration, prompt, SMS, receipt)', (f) => kb(f.bytesPerWoken), '');
  const ms = (value: number) => `${(value / 1000).toFixed(2)} s`;
  row(
    `where a storm licence's time went (medians of ${ANATOMY_SAMPLE} histories)`,
    ({ anatomy: a }) =>
      `${a.sampled} read: first workflow task waited ${ms(a.waitForFirstTask)} after the workers polled, ran ${ms(a.firstTask)}; ` +
      (a.promptInFirstTask === a.sampled ? 'prompt delivered inside it; ' : `prompt inside it for ${a.promptInFirstTask}, else queued ${ms(a.promptQueued)}, ran ${ms(a.promptRuns)}; `) +
      `later tasks until the text queued ${ms(a.tasksQueuedUntilText)}, all tasks ran ${ms(a.tasksRunUntilText)}; text queued ${ms(a.textQueued)}`,
    '',
  );
  const byProcess = (parts: Array<{ label: string; seconds: number }>) => `${(parts.reduce((sum, part) => sum + part.seconds, 0) * 1000).toFixed(1)} in all: ${parts.map((part) => `${part.label} ${(part.seconds * 1000).toFixed(1)}`).join(', ')}`;
  row('CPU a storm licence cost, by process (ms, from the workers polling to the last text)', (f) => byProcess(f.stormCpu), '');
  row('CPU a bare start cost, by process (ms)', (f) => byProcess(f.bareCpu), '');
  row('CPU a registration through the API cost, by process (ms)', (f) => byProcess(f.apiCpu), '');
  // What the server alone allows: were the engine's workers, APIs and database free, the machine's
  // cores would still spend this much of Temporal's CPU on each woken licence.
  row(
    "the storm's ceiling on these cores were the engine free: cores ÷ the Temporal processes' CPU a storm licence, ÷ bare start rate",
    (f) => {
      const storm = temporalSeconds(f.stormCpu);
      const ceiling = os.cpus().length / storm;
      return `${(ceiling / f.bare).toFixed(2)} (${ceiling.toFixed(0)}/s; Temporal's CPU a storm licence ${(storm * 1000).toFixed(1)} ms, ${(storm / temporalSeconds(f.bareCpu)).toFixed(1)} times a bare start's)`;
    },
    '',
  );
  row('SMS sent during the storm ÷ configured QPS', (f) => (f.smsRate ? `${(f.smsRate / QPS).toFixed(2)} (${f.smsRate.toFixed(1)}/s against ${QPS})` : 'none'), '≥ 0.9');
}

runScript(main);
