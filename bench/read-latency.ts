/**
 * Read latency at a fixed request rate, measured with vegeta (built by `scripts/setup.sh --bench`).
 *
 * vegeta is open-loop: it sends at the given rate whatever the answers' latency, so a slow answer
 * shows in the percentiles instead of slowing the load down. autocannon's fixed-rate mode was tried
 * first and dropped: each connection sends its share of a second as fast as it can at the start of
 * that second, so "200 requests/s" arrives as one burst of 200 each second.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';

const VEGETA = path.resolve(__dirname, '..', '.tools', 'bin', 'vegeta');

/** What vegeta reports for one attack, latencies in milliseconds. */
export interface ReadLatency {
  requests: number;
  /** Requests per second actually sent. */
  rate: number;
  /** Share of answers with a 2xx status, 0 to 1. */
  success: number;
  statusCodes: Record<string, number>;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

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
 * Sends `rps` requests per second for `seconds` to the given paths, round robin, each with the
 * `authorization` header, from vegeta's own process (so that the load does not share the API's
 * event loop when the API runs in the caller's process).
 */
export async function measureReadLatency(baseUrl: string, paths: string[], authorization: string, rps: number, seconds: number): Promise<ReadLatency> {
  if (paths.length === 0) throw new Error('measureReadLatency needs at least one path');
  const targets = paths.map((target) => JSON.stringify({ method: 'GET', url: `${baseUrl}${target}`, header: { Authorization: [authorization] } })).join('\n');
  const results = await run(VEGETA, ['attack', '-format=json', `-rate=${rps}/1s`, `-duration=${seconds}s`, '-timeout=10s'], targets);
  const report = JSON.parse((await run(VEGETA, ['report', '-type=json'], results)).toString()) as {
    requests: number;
    rate: number;
    success: number;
    status_codes: Record<string, number>;
    latencies: Record<'50th' | '90th' | '99th' | 'max', number>;
  };
  const ms = (nanoseconds: number) => Math.round(nanoseconds / 1e4) / 100;
  return {
    requests: report.requests,
    rate: report.rate,
    success: report.success,
    statusCodes: report.status_codes,
    p50: ms(report.latencies['50th']),
    p90: ms(report.latencies['90th']),
    p99: ms(report.latencies['99th']),
    max: ms(report.latencies.max),
  };
}
