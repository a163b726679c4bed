/**
 * Measures the SMS send rate against the provider's QPS limit: the rate-limited provider client
 * that each worker builds (`createSmsProvider`) sends a burst of reminders, all at once as a busy
 * worker's concurrent SMS activities would, to the local provider simulator, which runs in a
 * process of its own (as the provider is a machine of its own) and listens on loopback.
 *
 *   npm run bench:sms-rate -- [messages, default 300] [--qps 20] [--provider aliyun|tencent]
 *
 * Prints the configured QPS, the mean rate over the run, and the most sends in any one-second
 * window, as they left the worker's limiter and as they arrived at the simulator.
 */
import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import express from 'express';
import { rateLimited, SMS_PROVIDERS, type SmsProviderName, type SmsSettings } from '../activities/sms';
import { DEFAULT_TEMPLATES, messageValues, templateParameters } from '../domain';
import { AliyunSmsProvider } from '../activities/sms/aliyun';
import { TencentSmsProvider } from '../activities/sms/tencent';
import { IntegrationSimulators } from '../simulators/integration-simulators';
import { machineLine } from './machine';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { qps: { type: 'string', default: '20' }, provider: { type: 'string', default: 'aliyun' }, serve: { type: 'boolean', default: false } } });
const MESSAGES = Number(positionals[0] ?? 300);
const QPS = Number(values.qps);
const PROVIDER = values.provider as SmsProviderName;
if (!SMS_PROVIDERS.includes(PROVIDER)) throw new Error(`--provider must be one of ${SMS_PROVIDERS.join(', ')}`);
if (!(MESSAGES > 0 && QPS > 0)) throw new Error('messages and --qps must be positive numbers');

/** The most arrivals within any window of `windowMs` (arrivals sorted ascending). */
function busiestWindow(arrivals: number[], windowMs: number): number {
  let most = 0;
  let start = 0;
  for (let end = 0; end < arrivals.length; end++) {
    while (arrivals[end]! - arrivals[start]! >= windowMs) start++;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

const credentials = { accessKeyId: 'LTAI-benchmark', accessKeySecret: 'benchmark-secret' };

/** The provider's side: the simulator alone, printing its port. Receipts go nowhere here. */
async function serveSimulator(): Promise<void> {
  const simulators = new IntegrationSimulators('benchmark-signing-key', Date.now, {
    ...credentials,
    receiptUrl: () => 'http://127.0.0.1:9/unused',
    replyUrl: () => 'http://127.0.0.1:9/unused',
    approvedTemplate: async () => DEFAULT_TEMPLATES.sms,
  });
  for (let i = 0; i < MESSAGES; i++) simulators.smsProvider.setReceiptPlan(`139${String(i).padStart(8, '0')}`, { kind: 'none' });
  const app = express();
  app.use('/simulators', simulators.router());
  app.get('/arrivals', (_req, res) => {
    res.json({ arrivals: simulators.smsProvider.arrivals, accepted: simulators.sms.length });
  });
  const server = app.listen(0, '127.0.0.1', () => console.log(`port ${(server.address() as AddressInfo).port}`));
  process.on('SIGTERM', () => server.close());
}

async function main(): Promise<void> {
  const child = spawn(process.execPath, [...process.execArgv, __filename, String(MESSAGES), '--serve'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      const match = /port (\d+)/.exec(chunk.toString());
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`the simulator process exited with ${code}`)));
  });
  const base = `http://127.0.0.1:${port}`;
  const settings: SmsSettings = {
    provider: PROVIDER,
    url: `${base}/simulators/sms/${PROVIDER}`,
    ...credentials,
    signName: '威海审批',
    templateId: PROVIDER === 'aliyun' ? 'SMS_480000001' : '2000001',
    sdkAppId: '1400000000',
    region: 'cn-hangzhou',
    qps: QPS,
    maxParamLength: 35,
    maxTextLength: 500,
    receiptTimeoutHours: 24,
    sendSettleMinutes: 10,
  };
  // The worker's own client (createSmsProvider), with the instant each send leaves the limiter noted.
  const inner = PROVIDER === 'aliyun' ? new AliyunSmsProvider(settings) : new TencentSmsProvider(settings);
  const starts: number[] = [];
  const provider = rateLimited({ name: inner.name, send: (request) => (starts.push(Date.now()), inner.send(request)), findSent: (query) => inner.findSent(query) }, QPS);
  const params = templateParameters(
    DEFAULT_TEMPLATES.sms,
    messageValues({
      holderName: '威海康宁大药房有限公司',
      licenceName: '药品经营许可证',
      licenceNumber: '鲁威药经2023001',
      expiresOn: '2027-05-31',
      renewalDeadline: null,
      officeAddress: null,
      servicePhone: null,
      materials: [],
      bookingUrl: null,
      bureauName: '威海市行政审批服务局',
      bureauOfficeAddress: '威海市政务服务中心',
      bureauServicePhone: null,
      bureauPortalUrl: null,
    }),
  );

  const started = Date.now();
  await Promise.all(
    Array.from({ length: MESSAGES }, (_, i) => provider.send({ phone: `139${String(i).padStart(8, '0')}`, templateId: settings.templateId, params, outId: `benchmark/${i}` })),
  );
  const finished = Date.now();
  const seen = (await (await fetch(`${base}/arrivals`)).json()) as { arrivals: number[]; accepted: number };
  child.kill('SIGTERM');

  const arrivals = [...seen.arrivals].sort((a, b) => a - b);
  const accepted = seen.accepted;
  // n sends spaced by the limiter span n − 1 intervals: the rate is measured over those.
  const spanSeconds = (arrivals.at(-1)! - arrivals[0]!) / 1000;
  const meanRate = (arrivals.length - 1) / spanSeconds;
  const busiest = busiestWindow(arrivals, 1000);
  const busiestStarts = busiestWindow(starts, 1000);
  console.log(machineLine());
  console.log(`provider            ${PROVIDER}`);
  console.log(`messages            ${MESSAGES} sent, ${accepted} accepted by the simulator`);
  console.log(`configured QPS      ${QPS}`);
  console.log(`wall time           ${((finished - started) / 1000).toFixed(2)} s`);
  console.log(`mean send rate      ${meanRate.toFixed(2)} /s (${((meanRate / QPS) * 100).toFixed(1)} % of the limit)`);
  console.log(`busiest 1 s window  ${busiestStarts} sends leaving the worker, ${busiest} arriving at the provider (limit ${QPS})`);
  // The limit is the worker's to keep: it holds when no second of sends leaving it exceeds the QPS.
  const kept = meanRate >= 0.9 * QPS && busiestStarts <= QPS;
  console.log(`verdict             ${kept ? 'the worker kept the limit and used at least 0.9 of it' : 'OUT OF BOUNDS'}`);
  if (!kept) process.exitCode = 1;
}

(values.serve ? serveSimulator() : main()).catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
