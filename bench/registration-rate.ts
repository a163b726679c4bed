/**
 * Registration rate: how many licences per second the API registers, against how many workflows
 * per second a bare `client.workflow.start` starts on the same Temporal dev server, in one run.
 *
 *   npm run bench:registration -- [licences per measurement, default 2000] [--concurrency 64] [--rounds 3]
 *
 * Production topology on loopback (bench/topology.ts): PostgreSQL, the API and the dev server in
 * this process. The bare starts are the very start the API makes (the same input, conflict
 * policies and search attributes), sent to a task queue no worker polls, so they cost the server
 * only: the ratio is what the API's own work (parsing, access, the read model) costs. The API's
 * requests come from vegeta's process, as an approval system's come from its own machine, each
 * licence once, with --concurrency connections; the bare starts are sent from this process with
 * as many in flight. 64 by default: a registration spends part of its time on its own statements,
 * so at 32 in flight the API kept fewer starts at the dev server than the bare starts did (the
 * machine had idle CPU, and the ratio was 0.76); at 64 both keep the dev server busy, and the
 * bare starts ran no faster than at 32.
 * The API is measured twice: with its worker on another machine (no worker on this one: the
 * workflows wait in the queue), and with a worker process sharing this machine's cores, started
 * once that queue has drained. Bare starts and the API alternate for --rounds rounds, since the
 * dev server's rate drifts from minute to minute, after a warm-up round that is not counted; prints
 * each round and the medians. The ratio is the median of the rounds' ratios: each round pairs two
 * measurements made a minute apart, which the drift between rounds does not reach.
 */
import { parseArgs } from 'node:util';
import { temporal as temporalio } from '@temporalio/proto';
import { DEFAULT_TASK_QUEUE } from '../runtime/config';
import { connectTemporalClient } from '../runtime/temporal';
import { licenceWorkflowStartOptions } from '../services/licence-registration';
import { licenceWorkflow } from '../workflows/licence/workflow';
import { machineLine } from './machine';
import { median } from './median';
import { BENCH_API_KEY, bareStartInput, loadLicence, registerThroughApi, runScript, startTopology, timed } from './topology';
import { attack } from './vegeta';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { concurrency: { type: 'string', default: '64' }, rounds: { type: 'string', default: '3' } },
});
const LICENCES = Number(positionals[0] ?? 2000);
const CONCURRENCY = Number(values.concurrency);
const ROUNDS = Number(values.rounds);
if (!(LICENCES > 0 && CONCURRENCY > 0 && Number.isInteger(ROUNDS) && ROUNDS >= 1)) throw new Error('licences, --concurrency and --rounds must be positive numbers');


/**
 * Registers `count` licences of a series through the API, each once, `concurrency` at a time, from
 * vegeta's process; returns the licences registered per second.
 * @throws Error when any registration answered other than 201
 */
async function apiRate(apiUrl: string, series: string, count: number, concurrency: number): Promise<number> {
  const registrations = Array.from({ length: count }, (_, index) => ({
    method: 'POST' as const,
    url: `${apiUrl}/api/v1/licences`,
    headers: { Authorization: `Bearer ${BENCH_API_KEY}` },
    json: licence(series, index),
  }));
  const report = await attack(registrations, { eachOnce: true, workers: concurrency });
  if (report.statusCodes['201'] !== count) {
    throw new Error(`${count} registrations answered ${JSON.stringify(report.statusCodes)}${report.errors.length > 0 ? `: ${report.errors.join('; ')}` : ''}`);
  }
  return report.throughput;
}

// Expiring in 2029: the workflow sleeps until its window, as most registered licences do.
const licence = (side: string, index: number) => loadLicence(side, index, { issuedOn: '2024-06-01', expiresOn: '2029-05-31' });

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
    const inputFor = await bareStartInput(system.database.prisma);
    const bareInput = (side: string, index: number) => inputFor(licence(side, index));
    const rawRates: number[] = [];
    const apiRates: number[] = [];
    // Round 0 warms both paths up (the JIT, connection pools, the database's caches) and is not counted.
    for (let round = 0; round <= ROUNDS; round++) {
      const raw = LICENCES / (await timed(LICENCES, CONCURRENCY, (index) =>
        temporal.client.workflow
          .start(licenceWorkflow, licenceWorkflowStartOptions(bareInput(`R${round}-`, index), `bench/raw/${round}/${index}`, 'bench-unpolled'))
          .then(() => undefined),
      ));
      const api = await apiRate(apiUrl, `A${round}-`, LICENCES, CONCURRENCY);
      if (round > 0) {
        rawRates.push(raw);
        apiRates.push(api);
      }
      console.log(`round ${round}${round === 0 ? ' (warm-up)' : ''}: client.workflow.start ${raw.toFixed(1)}/s, POST /api/v1/licences ${api.toFixed(1)}/s, ratio ${(api / raw).toFixed(2)}`);
    }
    // The worker works off the queued workflows first, then the API is measured beside it.
    await topology.startWorker();
    const backlog = async () =>
      Number(
        (
          await temporal.client.workflowService.describeTaskQueue({
            namespace: 'default',
            // The topology keeps the configuration's default queue.
            taskQueue: { name: DEFAULT_TASK_QUEUE },
            taskQueueType: temporalio.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
            includeTaskQueueStatus: true,
          })
        ).taskQueueStatus?.backlogCountHint ?? 0,
      );
    const drainBy = Date.now() + 15 * 60_000;
    while ((await backlog()) > 0 && Date.now() < drainBy) await new Promise((resolve) => setTimeout(resolve, 2000));
    const apiBesideWorker = await apiRate(apiUrl, 'B', LICENCES, CONCURRENCY);
    const raw = median(rawRates);
    const apiAlone = median(apiRates);
    const ratios = apiRates.map((api, i) => api / rawRates[i]!);
    console.log(`PostgreSQL, ${LICENCES} per measurement, ${CONCURRENCY} in flight, medians of ${ROUNDS} rounds`);
    console.log(`client.workflow.start, same options   ${raw.toFixed(1)} workflows/s`);
    console.log(`POST /api/v1/licences, worker apart   ${apiAlone.toFixed(1)} licences/s (ratio ${median(ratios).toFixed(2)}; per round ${ratios.map((ratio) => ratio.toFixed(2)).join(', ')})`);
    console.log(`POST /api/v1/licences, worker beside  ${apiBesideWorker.toFixed(1)} licences/s (ratio ${(apiBesideWorker / raw).toFixed(2)}; its queue drained first)`);
  } finally {
    await temporal.close();
    await topology.stop();
  }
}

runScript(main);
