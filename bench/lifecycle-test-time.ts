/**
 * Lifecycle test time: the wall time of the five-year lifecycle test (registration, five years of
 * sleep, the ladder, renewal, the regulator's receipt, the successor) on the time-skipping test
 * server, measured by running that one test as the test suite does, server start included.
 *
 *   npm run bench:lifecycle -- [runs, default 3]
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { machineLine } from './machine';

const RUNS = Number(process.argv[2] ?? 3);
const ROOT = path.resolve(__dirname, '..');
const TEST = 'a five-year licence lives its whole life';

function runOnce(): { seconds: number; testMs: number } {
  const started = performance.now();
  const result = spawnSync(
    process.execPath,
    ['--experimental-vm-modules', '--no-warnings=ExperimentalWarning', 'node_modules/jest/bin/jest.js', '--runInBand', '--verbose', 'test/workflows/licence-workflow.test.ts', '-t', TEST],
    { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CI: 'true' } },
  );
  const seconds = (performance.now() - started) / 1000;
  const output = `${result.stdout}${result.stderr}`;
  const line = output.split('\n').find((candidate) => candidate.includes(TEST));
  if (result.status !== 0 || !line?.includes('✓')) throw new Error(`the lifecycle test failed:\n${output.slice(-3000)}`);
  return { seconds, testMs: Number(/\((\d+) ms\)/.exec(line)?.[1] ?? NaN) };
}

console.log(machineLine());
const runs = Array.from({ length: RUNS }, runOnce);
for (const [index, run] of runs.entries()) console.log(`run ${index + 1}: the test ${(run.testMs / 1000).toFixed(2)} s; jest with server start ${run.seconds.toFixed(1)} s`);
const tests = runs.map((run) => run.testMs / 1000).sort((a, b) => a - b);
console.log(`five-year lifecycle test: median ${tests[Math.floor(tests.length / 2)]!.toFixed(2)} s over ${RUNS} runs`);
