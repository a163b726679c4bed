/**
 * What it costs to start a worker process, two ways in the same run: from the sources through tsx,
 * bundling the workflows as it starts (`npm start`), and from the compiled build with the workflows
 * bundled at build time (`npm run build`, what the image runs). Alternates the two; prints, for
 * each, the wall time until the worker polls, the CPU its process used by then and its peak memory.
 *
 *   npm run bench:worker-start -- [rounds, default 5]
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { cpuSecondsOfProcess } from './cpu-by-process';
import { machineLine } from './machine';
import { median } from './median';
import { runScript, startTopology } from './topology';

const ROUNDS = Number(process.argv[2] ?? 5);
if (!(ROUNDS > 0)) throw new Error('rounds must be a positive number');
const ROOT = path.resolve(__dirname, '..');
const BUILD = path.join(ROOT, 'dist');

interface Start {
  seconds: number;
  cpuSeconds: number;
  peakMb: number;
}

function peakMbOf(pid: number): number {
  const kb = /^VmHWM:\s+(\d+) kB$/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) / 1024;
}

async function stopped(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

runScript(async () => {
  console.log(machineLine());
  const buildStarted = Date.now();
  execFileSync('bash', [path.join(ROOT, 'scripts', 'build.sh'), BUILD], { stdio: ['ignore', 'ignore', 'inherit'] });
  console.log(`npm run build: ${((Date.now() - buildStarted) / 1000).toFixed(1)} s`);
  const topology = await startTopology('worker_start', { PORT: '3397', TEMPORAL_DEV_PORT: '7397', TEMPORAL_UI_PORT: '8397' });
  const ways = { 'from the sources (tsx, bundles at start)': undefined, 'compiled, workflows bundled at build': BUILD } as const;
  const starts = new Map<string, Start[]>(Object.keys(ways).map((way) => [way, []]));
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const [way, build] of Object.entries(ways)) {
        const began = Date.now();
        const child = await topology.startWorker({}, build ? { build } : {});
        const seconds = (Date.now() - began) / 1000;
        starts.get(way)!.push({ seconds, cpuSeconds: cpuSecondsOfProcess(child.pid!), peakMb: peakMbOf(child.pid!) });
        await stopped(child);
      }
    }
  } finally {
    await topology.stop();
  }
  console.log(`worker process start, median of ${ROUNDS} (each way alternately, the dev server and PostgreSQL already up):`);
  for (const [way, runs] of starts) {
    const figure = (pick: (start: Start) => number) => median(runs.map(pick));
    console.log(
      `  ${way.padEnd(42)} until polling ${figure((s) => s.seconds).toFixed(2)} s, CPU ${figure((s) => s.cpuSeconds).toFixed(2)} s, peak memory ${figure((s) => s.peakMb).toFixed(0)} MB`,
    );
  }
});
