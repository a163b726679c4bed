/**
 * Wake-up storm: 10,000 licences whose reminder windows open on the same day, all due at once
 * when the worker starts. Reports the time until every auto prompt is delivered, and the SMS
 * send rate against the provider QPS the worker is configured with.
 *
 *   npm run bench:storm -- [licences, default 10000] [--qps 50] [--concurrency 32]
 *
 * Production topology on loopback (see bench/topology.ts). The licences are registered while no
 * worker runs, with windows that opened today; their department prompts and texts without waiting
 * between the two steps, at any hour of a working day, so that the SMS step follows the prompt.
 * The SMS provider is the local simulator, which answers and posts receipts as a provider would.
 */
import { parseArgs } from 'node:util';
import { machineLine } from './machine';
import { loadLicence, registerThroughApi, remindAtOnce, runScript, startTopology } from './topology';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { qps: { type: 'string', default: '50' }, concurrency: { type: 'string', default: '32' } } });
const LICENCES = Number(positionals[0] ?? 10_000);
const QPS = Number(values.qps);
const CONCURRENCY = Number(values.concurrency);
if (!(LICENCES > 0 && QPS > 0 && CONCURRENCY > 0)) throw new Error('licences, --qps and --concurrency must be positive numbers');

const DAY = 86_400_000;

/** The most instants within any window of `windowMs` (instants sorted ascending). */
function busiestWindow(instants: number[], windowMs: number): number {
  let most = 0;
  let start = 0;
  for (let end = 0; end < instants.length; end++) {
    while (instants[end]! - instants[start]! >= windowMs) start++;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

async function main(): Promise<void> {
  console.log(machineLine());
  const topology = await startTopology('storm', { PORT: '3396', TEMPORAL_DEV_PORT: '7396', TEMPORAL_UI_PORT: '8396', SMS_QPS: String(QPS) });
  const { system } = topology;
  const prisma = system.database.prisma;
  try {
    await remindAtOnce(prisma);
    // Expiring in 80 days: every window opened on the same day, today.
    const expiresOn = new Date(Date.now() + 80 * DAY).toISOString().slice(0, 10);
    const started = Date.now();
    await registerThroughApi(system.apiUrl!, 0, LICENCES, CONCURRENCY, (index) => loadLicence('T', index, { issuedOn: '2022-06-01', expiresOn }));
    console.log(`registered ${LICENCES} with no worker running in ${((Date.now() - started) / 1000).toFixed(0)} s`);

    const t0 = Date.now();
    await topology.startWorker();
    let promptsDoneAt: number | undefined;
    let smsDoneAt: number | undefined;
    const deadline = t0 + Math.max(1800, (LICENCES / QPS) * 3) * 1000;
    while ((!promptsDoneAt || !smsDoneAt) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const [prompts, texts] = await Promise.all([prisma.promptDelivery.count({ where: { deliveredAt: { not: null } } }), prisma.smsMessage.count()]);
      process.stderr.write(`\r  ${((Date.now() - t0) / 1000).toFixed(0)} s: ${prompts} prompts delivered, ${texts} SMS sent`);
      if (!promptsDoneAt && prompts >= LICENCES) promptsDoneAt = Date.now();
      if (!smsDoneAt && texts >= LICENCES) smsDoneAt = Date.now();
    }
    process.stderr.write('\n');
    const sent = (await prisma.smsMessage.findMany({ select: { sentAt: true } })).map((row) => row.sentAt.getTime()).sort((a, b) => a - b);
    const arrivals = [...(system.simulators?.smsProvider.arrivals ?? [])].sort((a, b) => a - b);
    const span = (sent.at(-1)! - sent[0]!) / 1000;
    console.log(`licences            ${LICENCES}, windows open today, worker started at t0`);
    console.log(`auto prompts        ${promptsDoneAt ? `all delivered ${((promptsDoneAt - t0) / 1000).toFixed(0)} s after t0` : 'not all delivered before the deadline'}`);
    console.log(`SMS                 ${sent.length} sent, ${smsDoneAt ? `the last ${((smsDoneAt - t0) / 1000).toFixed(0)} s after t0` : 'not all before the deadline'}`);
    console.log(`configured QPS      ${QPS}`);
    console.log(`mean SMS rate       ${((sent.length - 1) / span).toFixed(2)}/s over ${span.toFixed(0)} s (${((sent.length - 1) / span / QPS * 100).toFixed(1)}% of the limit)`);
    console.log(`busiest second      ${busiestWindow(arrivals, 1000)} sends arriving at the provider`);
  } finally {
    await topology.stop();
  }
}

runScript(main);
