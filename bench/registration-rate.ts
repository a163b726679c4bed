/**
 * Registration rate: how many licences per second the API registers, against how many workflows
 * per second a bare `client.workflow.start` starts on the same Temporal dev server, in one run.
 *
 *   npm run bench:registration -- [licences per side, default 2000] [--concurrency 32]
 *
 * Production topology on loopback (bench/topology.ts): PostgreSQL, the API and the dev server in
 * this process. The bare starts are the very start the API makes (the same input, conflict
 * policies and search attributes), sent to a task queue no worker polls, so they cost the server
 * only: the ratio is what the API's own work (parsing, access, the read model) costs.
 * The API is measured twice: with its worker on another machine (no worker on this one: the
 * workflows wait in the queue), and with a worker process sharing this machine's cores, started
 * once that queue has drained. Prints the rates and the ratios to the bare starts.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { connectTemporalClient } from '../runtime/temporal';
import { licenceWorkflowStartOptions } from '../services/licence-registration';
import type { LicenceWorkflowInput } from '../workflows/licence-definitions';
import { licenceWorkflow } from '../workflows/licence-workflow';
import { machineLine } from './machine';
import { registerThroughApi, runScript, startTopology } from './topology';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { concurrency: { type: 'string', default: '32' } } });
const LICENCES = Number(positionals[0] ?? 2000);
const CONCURRENCY = Number(values.concurrency);
if (!(LICENCES > 0 && CONCURRENCY > 0)) throw new Error('licences and --concurrency must be positive numbers');

/** How long `work` takes, in seconds. */
async function seconds(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
}

/** Runs `task(0..count-1)` with at most `concurrency` in flight; returns the seconds it took. */
async function timed(count: number, concurrency: number, task: (index: number) => Promise<void>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await task(next++);
    }),
  );
  return (performance.now() - started) / 1000;
}

function licence(side: string, index: number) {
  // Expiring in 2029: the workflow sleeps until its window, as most registered licences do.
  return {
    bureau: 'weihai',
    licenceNumber: `鲁威药经${side}${String(index).padStart(7, '0')}`,
    licenceType: 'WH01',
    holder: { name: `威海市第${index}号药店` },
    contact: { name: '张敏', phone: `139${String(index).padStart(8, '0')}` },
    issuedOn: '2024-06-01',
    expiresOn: '2029-05-31',
  };
}

async function main(): Promise<void> {
  console.log(machineLine());
  const topology = await startTopology('registration', { PORT: '3398', TEMPORAL_DEV_PORT: '7398', TEMPORAL_UI_PORT: '8398' });
  const { system } = topology;
  const temporal = await connectTemporalClient(system.temporalAddress, 'default');
  const apiUrl = system.apiUrl!;
  try {
    // Warm both paths (connections, the first queries) before timing them.
    for (let i = 0; i < 20; i++) {
      await temporal.client.workflow.start(licenceWorkflow, { workflowId: `bench/warm/${i}`, taskQueue: 'bench-unpolled', args: [{ licenceId: `warm-${i}` } as never] });
    }
    await registerThroughApi(apiUrl, 0, 20, 1, (index) => licence('W', index));
    const entry = await system.database.prisma.catalogueEntry.findFirstOrThrow({ where: { bureauCode: 'weihai', code: 'WH01' }, include: { department: true } });
    const bareInput = (index: number): LicenceWorkflowInput => ({
      licenceId: randomUUID(),
      bureau: 'weihai',
      licenceNumber: licence('R', index).licenceNumber,
      licenceType: entry.code,
      department: entry.department.name,
      expiresOn: licence('R', index).expiresOn,
      reminderLeadMonths: entry.reminderLeadMonths,
      timeZone: 'Asia/Shanghai',
    });
    const raw = LICENCES / (await timed(LICENCES, CONCURRENCY, (index) =>
      temporal.client.workflow
        .start(licenceWorkflow, licenceWorkflowStartOptions(bareInput(index), `bench/raw/${index}`, 'bench-unpolled'))
        .then(() => undefined),
    ));
    const apiAlone = LICENCES / (await seconds(() => registerThroughApi(apiUrl, 0, LICENCES, CONCURRENCY, (index) => licence('A', index))));
    // The worker works off the queued workflows first, then the API is measured beside it.
    await topology.startWorker();
    const sleeping = () => temporal.client.workflow.count(`WorkflowType = 'licenceWorkflow' AND LicenceStage = 'awaiting_window'`);
    const drainBy = Date.now() + 10 * 60_000;
    while ((await sleeping()).count < LICENCES + 20 && Date.now() < drainBy) await new Promise((resolve) => setTimeout(resolve, 2000));
    const apiBesideWorker = LICENCES / (await seconds(() => registerThroughApi(apiUrl, 0, LICENCES, CONCURRENCY, (index) => licence('B', index))));
    console.log(`PostgreSQL, ${LICENCES} per measurement, ${CONCURRENCY} in flight`);
    console.log(`client.workflow.start, same options   ${raw.toFixed(1)} workflows/s`);
    console.log(`POST /api/v1/licences, worker apart   ${apiAlone.toFixed(1)} licences/s (ratio ${(apiAlone / raw).toFixed(2)})`);
    console.log(`POST /api/v1/licences, worker beside  ${apiBesideWorker.toFixed(1)} licences/s (ratio ${(apiBesideWorker / raw).toFixed(2)})`);
  } finally {
    await temporal.close();
    await topology.stop();
  }
}

runScript(main);
