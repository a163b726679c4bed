/**
 * vegeta (built by `scripts/setup.sh --bench`), the load generator of the benchmarks: it runs in a
 * process of its own, so that the load never shares the event loop of an API that runs in the
 * benchmark's process, and it is open-loop at a fixed rate, so that a slow answer shows in the
 * percentiles instead of slowing the load down.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';

const VEGETA = path.resolve(__dirname, '..', '.tools', 'bin', 'vegeta');

/** One request, in vegeta's JSON target format. */
export interface Target {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  /** A JSON body, sent as `application/json`. */
  json?: unknown;
}

/** What vegeta reports for one attack, latencies in milliseconds. */
export interface AttackReport {
  requests: number;
  /** Requests per second sent. */
  rate: number;
  /** Successful (2xx) answers per second over the attack's wall time, from vegeta's start to its last answer. */
  throughput: number;
  /** Share of answers with a 2xx status, 0 to 1. */
  success: number;
  statusCodes: Record<string, number>;
  /** Distinct transport and HTTP errors vegeta saw. */
  errors: string[];
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** How hard to send: a fixed rate for a time (targets taken round robin), or each target once, as fast as `workers` connections answer. */
export type Pace = { perSecond: number; seconds: number } | { eachOnce: true; workers: number };

// Every target ends with a newline: vegeta drops a last line that has none. With -lazy, vegeta
// stops when it has read the last target, and records that as one more result:
// status 0, error "no targets to attack". It is not a request, so the report leaves it out.
const END_OF_TARGETS = 'no targets to attack';

/** Runs a command with `input` on stdin; resolves with its stdout, rejects with its stderr. */
function run(command: string, args: string[], input: Buffer | string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error) => reject(new Error(`${command} could not start (${error.message}): run scripts/setup.sh --bench`)));
    child.on('close', (code) => (code === 0 ? resolve(Buffer.concat(out)) : reject(new Error(`${path.basename(command)} ${args[0]} exited with ${code}: ${Buffer.concat(err).toString()}`))));
    child.stdin.end(input);
  });
}

/**
 * Sends the targets from vegeta's process and reports what came back.
 * @throws Error when vegeta cannot run, or there are no targets
 */
export async function attack(targets: Target[], pace: Pace): Promise<AttackReport> {
  if (targets.length === 0) throw new Error('attack needs at least one target');
  const lines = targets
    .map((target) =>
      JSON.stringify({
        method: target.method,
        url: target.url,
        header: Object.fromEntries(
          Object.entries({ ...target.headers, ...(target.json === undefined ? {} : { 'Content-Type': 'application/json' }) }).map(([name, value]) => [name, [value]]),
        ),
        ...(target.json === undefined ? {} : { body: Buffer.from(JSON.stringify(target.json)).toString('base64') }),
      }),
    )
    .map((line) => `${line}\n`)
    .join('');
  const paceArgs =
    'eachOnce' in pace
      ? ['-lazy', '-rate=0', `-workers=${pace.workers}`, `-max-workers=${pace.workers}`]
      : [`-rate=${pace.perSecond}/1s`, `-duration=${pace.seconds}s`];
  const started = performance.now();
  const results = await run(VEGETA, ['attack', '-format=json', '-timeout=10s', ...paceArgs], lines);
  const seconds = (performance.now() - started) / 1000;
  const report = JSON.parse((await run(VEGETA, ['report', '-type=json'], results)).toString()) as {
    requests: number;
    rate: number;
    status_codes: Record<string, number>;
    errors: string[] | null;
    latencies: Record<'50th' | '90th' | '99th' | 'max', number>;
  };
  const statusCodes = { ...report.status_codes };
  const errors = (report.errors ?? []).filter((error) => error !== END_OF_TARGETS);
  let requests = report.requests;
  if ('eachOnce' in pace && (report.errors ?? []).includes(END_OF_TARGETS)) {
    requests -= 1;
    if (statusCodes['0'] === 1) delete statusCodes['0'];
    else statusCodes['0'] = (statusCodes['0'] ?? 1) - 1;
  }
  const successes = Object.entries(statusCodes).reduce((sum, [code, count]) => (code.startsWith('2') ? sum + count : sum), 0);
  const ms = (nanoseconds: number) => Math.round(nanoseconds / 1e4) / 100;
  return {
    requests,
    rate: report.rate,
    throughput: successes / seconds,
    success: requests > 0 ? successes / requests : 0,
    statusCodes,
    errors,
    p50: ms(report.latencies['50th']),
    p90: ms(report.latencies['90th']),
    p99: ms(report.latencies['99th']),
    max: ms(report.latencies.max),
  };
}
