/**
 * Drill: the worker is killed with SIGKILL at random moments while 1,000 licences climb their
 * ladder, and restarted each time. Afterwards every licence must have exactly one prompt and one
 * SMS in the ledger and the provider exactly one accepted text per licence: nothing duplicated,
 * nothing missing. The simulated provider, like the real ones, takes every request it receives as
 * a new text, so the count is of texts delivered, not of requests. It also reports how many
 * delivery receipts found their message.
 *
 *   npm run drill:worker-crash -- [licences, default 1000] [--kills 8] [--qps 50]
 *
 * Loopback only; bounded (it gives up after 20 minutes); it drops its database and data folder.
 */
import type { ChildProcess } from 'node:child_process';
import { parseArgs } from 'node:util';
import { machineLine } from '../bench/machine';
import { loadLicence, registerThroughApi, remindAtOnce, runScript, startTopology } from '../bench/topology';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { kills: { type: 'string', default: '8' }, qps: { type: 'string', default: '50' } } });
const LICENCES = Number(positionals[0] ?? 1000);
const KILLS = Number(values.kills);
const DAY = 86_400_000;
const LIMIT_MS = 20 * 60_000;

async function main(): Promise<void> {
  console.log(machineLine());
  const topology = await startTopology('crash', { PORT: '3395', TEMPORAL_DEV_PORT: '7395', TEMPORAL_UI_PORT: '8395', SMS_QPS: values.qps! });
  const { system } = topology;
  const prisma = system.database.prisma;
  const simulators = system.simulators!;
  const started = Date.now();
  try {
    await remindAtOnce(prisma);
    const expiresOn = new Date(Date.now() + 80 * DAY).toISOString().slice(0, 10);
    const ids = await registerThroughApi(system.apiUrl!, 0, LICENCES, 32, (index) => loadLicence('K', index, { issuedOn: '2022-06-01', expiresOn }));

    let worker: ChildProcess = await topology.startWorker();
    const progress = async () => {
      const [prompts, texts, receipts] = await Promise.all([
        prisma.ledgerEntry.count({ where: { channel: 'auto_prompt' } }),
        prisma.ledgerEntry.count({ where: { channel: 'sms' } }),
        prisma.smsMessage.count({ where: { status: 'delivered' } }),
      ]);
      return { prompts, texts, receipts, done: texts >= LICENCES };
    };
    // Kills spread over the run: each after a random 2–8 s of work, while work remains.
    for (let kill = 1; kill <= KILLS; kill++) {
      await new Promise((resolve) => setTimeout(resolve, 2000 + Math.random() * 6000));
      const state = await progress();
      if (state.done) break;
      worker.kill('SIGKILL');
      await new Promise((resolve) => worker.once('exit', resolve));
      console.log(`kill ${kill} at ${((Date.now() - started) / 1000).toFixed(0)} s: ${state.prompts} prompts, ${state.texts} SMS, ${state.receipts} receipts so far`);
      worker = await topology.startWorker();
    }
    while (!(await progress()).done && Date.now() - started < LIMIT_MS) await new Promise((resolve) => setTimeout(resolve, 2000));

    const ledger = await prisma.ledgerEntry.groupBy({ by: ['licenceId', 'channel'], _count: { _all: true } });
    const perLicence = (channel: string) => new Map(ledger.filter((row) => row.channel === channel).map((row) => [row.licenceId, row._count._all]));
    const prompts = perLicence('auto_prompt');
    const texts = perLicence('sms');
    const accepted = new Map<string, number>();
    for (const message of simulators.sms) accepted.set(message.phone, (accepted.get(message.phone) ?? 0) + 1);
    const delivered = await prisma.smsMessage.count({ where: { status: 'delivered' } });
    const count = (map: Map<string, number>, test: (n: number) => boolean) => [...map.values()].filter(test).length;
    const missing = ids.filter((id) => !prompts.has(id)).length + ids.filter((id) => !texts.has(id)).length + (LICENCES - accepted.size);
    const duplicated = count(prompts, (n) => n > 1) + count(texts, (n) => n > 1) + count(accepted, (n) => n > 1);
    console.log(`licences            ${LICENCES}; worker killed ${KILLS} times; ${((Date.now() - started) / 1000).toFixed(0)} s`);
    console.log(`ledger              ${prompts.size} licences with a prompt, ${texts.size} with an SMS`);
    const resends = await prisma.smsSendIntent.aggregate({ _sum: { resends: true } });
    console.log(`provider            ${simulators.smsProvider.arrivals.length} send requests, ${simulators.sms.length} texts accepted for ${accepted.size} numbers`);
    console.log(`                    ${simulators.smsProvider.queries} questions about earlier attempts; ${resends._sum.resends ?? 0} texts sent again because the provider had no record of them`);
    console.log(`receipts            ${delivered} of ${LICENCES} SMS matched to their delivery receipt`);
    console.log(`duplicated ${duplicated}, missing ${missing}`);
    if (duplicated > 0 || missing > 0) process.exitCode = 1;
  } finally {
    await topology.stop();
  }
}

runScript(main);
