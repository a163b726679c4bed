/**
 * Runs every benchmark under bench/ one after the other, each printing its figures under a line
 * that describes the machine. Arguments after `--only` pick some by name.
 *
 *   npm run bench                              # all, at the sizes the README's table reports
 *   npm run bench -- --only registration-rate lifecycle-test-time
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

// Name, then the arguments the README's figures were measured with.
const BENCHMARKS: Array<[name: string, args: string[]]> = [
  ['registration-rate', ['2000']],
  ['sms-rate', ['300', '--qps', '20']],
  ['lifecycle-test-time', ['3']],
  ['workflow-replay-cost', ['300']],
  ['worker-start', ['5']],
  ['wake-up-storm', ['10000', '--qps', '50']],
  ['scale', ['100000']],
  ['import', ['100000']],
  ['side-by-side', ['1000', '--storm', '1000', '--qps', '50']],
];

const only = process.argv.indexOf('--only');
const chosen = only >= 0 ? process.argv.slice(only + 1) : BENCHMARKS.map(([name]) => name);
const unknown = chosen.filter((name) => !BENCHMARKS.some(([known]) => known === name));
if (unknown.length > 0) throw new Error(`no benchmark ${unknown.join(', ')}; there are ${BENCHMARKS.map(([name]) => name).join(', ')}`);

let failed = 0;
for (const [name, args] of BENCHMARKS.filter(([known]) => chosen.includes(known))) {
  console.log(`\n=== ${name} ${args.join(' ')}`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, `${name}.ts`), ...args], { stdio: 'inherit' });
  if (result.status !== 0) {
    console.log(`${name} failed (exit ${result.status})`);
    failed += 1;
  }
}
process.exit(failed > 0 ? 1 : 0);
