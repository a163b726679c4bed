/**
 * Scale: the worker's memory with 1,000 sleeping licences and with 100,000, and the API's read
 * latency at 200 requests/s over those 100,000, in the production topology: PostgreSQL, the API
 * (with the Temporal dev server) in this process, the worker in a process of its own.
 *
 *   npm run bench:scale -- [licences, default 100000] [--baseline 1000] [--rps 200] [--seconds 30] [--concurrency 32]
 *
 * Needs PostgreSQL: it starts the project's private server (scripts/test-postgres.sh) and uses a
 * database of its own, dropped at the end. Prints the worker's RSS at both sizes and their ratio,
 * and the latency percentiles of `GET /api/v1/licences/{id}` (the read model) at a fixed request
 * rate, measured with vegeta (bench/vegeta.ts).
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { machineLine } from './machine';
import { BENCH_API_KEY, loadLicence, registerThroughApi, runScript, startTopology } from './topology';
import { attack } from './vegeta';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    baseline: { type: 'string', default: '1000' },
    rps: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '30' },
    concurrency: { type: 'string', default: '32' },
  },
});
const LICENCES = Number(positionals[0] ?? 100_000);
const BASELINE = Number(values.baseline);
const RPS = Number(values.rps);
const SECONDS = Number(values.seconds);
const CONCURRENCY = Number(values.concurrency);
if (!(BASELINE > 0 && LICENCES > BASELINE && RPS > 0 && SECONDS > 0 && CONCURRENCY > 0)) throw new Error('need licences > --baseline > 0, and positive --rps, --seconds, --concurrency');


// Spread over a year of expiries, all with windows in the future: every workflow sleeps.
const licence = (index: number) =>
  loadLicence('S', index, { issuedOn: '2024-06-01', expiresOn: new Date(Date.UTC(2029, 0, 1) + (index % 365) * 86_400_000).toISOString().slice(0, 10) });

/** The resident set of a process, from /proc, in MB. */
function rssMb(pid: number): number {
  const line = fs.readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((candidate) => candidate.startsWith('VmRSS:'))!;
  return Number(/\d+/.exec(line)![0]) / 1024;
}

/** Waits until the worker has gone quiet (its CPU time still for 10 s), then samples its RSS for 10 s. */
async function settledRss(pid: number): Promise<number> {
  const cpuTicks = () => fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ').slice(11, 13).map(Number).reduce((a, b) => a + b, 0);
  let quiet = 0;
  let last = cpuTicks();
  while (quiet < 10) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const now = cpuTicks();
    // Under 5% of a core: polling and timers only.
    quiet = now - last <= 5 ? quiet + 1 : 0;
    last = now;
  }
  const samples: number[] = [];
  for (let i = 0; i < 10; i++) {
    samples.push(rssMb(pid));
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return samples.sort((a, b) => a - b)[5]!;
}

async function main(): Promise<void> {
  console.log(machineLine());
  const topology = await startTopology('scale', { PORT: '3397', TEMPORAL_DEV_PORT: '7397', TEMPORAL_UI_PORT: '8397' });
  const { system } = topology;
  try {
    const worker = await topology.startWorker();
    const ids = await registerThroughApi(system.apiUrl!, 0, BASELINE, CONCURRENCY, licence);
    const small = await settledRss(worker.pid!);
    console.log(`worker RSS with ${BASELINE} sleeping licences: ${small.toFixed(0)} MB`);
    const started = Date.now();
    ids.push(...(await registerThroughApi(system.apiUrl!, BASELINE, LICENCES, CONCURRENCY, licence)));
    const seconds = (Date.now() - started) / 1000;
    console.log(`registered ${LICENCES - BASELINE} more in ${seconds.toFixed(0)} s (${((LICENCES - BASELINE) / seconds).toFixed(0)} licences/s)`);
    const large = await settledRss(worker.pid!);
    console.log(`worker RSS with ${LICENCES} sleeping licences: ${large.toFixed(0)} MB`);
    console.log(`ratio                ${(large / small).toFixed(2)}`);

    // A random order (Fisher–Yates), so that the reads do not follow the order the rows were written in.
    const paths = ids.map((id) => `/api/v1/licences/${id}`);
    for (let i = paths.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [paths[i], paths[j]] = [paths[j]!, paths[i]!];
    }
    const reads = paths.map((target) => ({ method: 'GET' as const, url: `${system.apiUrl!}${target}`, headers: { Authorization: `Bearer ${BENCH_API_KEY}` } }));
    const load = await attack(reads, { perSecond: RPS, seconds: SECONDS });
    console.log(
      `GET /api/v1/licences/{${ids.length} licences} at ${RPS} req/s for ${SECONDS} s (vegeta): ${load.requests} requests at ${load.rate.toFixed(1)}/s, ${(load.success * 100).toFixed(1)}% 2xx`,
    );
    console.log(`latency ms           p50 ${load.p50}, p90 ${load.p90}, p99 ${load.p99}, max ${load.max}`);
  } finally {
    await topology.stop();
  }
}

runScript(main);
