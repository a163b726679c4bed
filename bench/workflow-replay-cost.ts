/**
 * What the worker's workflow side costs a licence it does not hold in memory (a storm's case),
 * without a server: replays copies of a committed history in this process and prints the CPU a
 * history cost, first as the worker runs it, then with the SDK's stack-trace promise hook stopped
 * (the hook records a stack for every promise a workflow makes, for the `__stack_trace` query; no
 * worker option turns it off), in the same run.
 *
 *   npm run bench:workflow-replay -- 300 [renewed-mid-ladder]
 */
import fs from 'node:fs';
import path from 'node:path';
import type { temporal } from '@temporalio/proto';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { globalHandlers } from '@temporalio/worker/lib/workflow/vm-shared';
import { bundleLicenceWorkflows } from '../worker/workflow-bundle';
import { testPayloadCodec } from '../test/support/payload-key';
import { machineLine } from './machine';
import { median } from './median';
import { runScript } from './topology';

const COPIES = Number(process.argv[2] ?? 300);
const SCENARIO = process.argv[3] ?? 'renewed-mid-ladder';
const HISTORIES = path.join(__dirname, '..', 'test', 'replay', 'histories');
const ROUNDS = 3;

function newestHistory(scenario: string): string {
  const versions = fs.readdirSync(HISTORIES).sort((a, b) => Number(b.slice(1)) - Number(a.slice(1)));
  const version = versions.find((name) => fs.existsSync(path.join(HISTORIES, name, `${scenario}.json`)));
  if (!version) throw new Error(`no committed history named ${scenario}`);
  return path.join(HISTORIES, version, `${scenario}.json`);
}

/** CPU milliseconds of this process (all its threads) a replay of every copy took, per copy. */
async function replayCost(workflowBundle: WorkflowBundleWithSourceMap, history: temporal.api.history.v1.IHistory): Promise<number> {
  const copies = Array.from({ length: COPIES }, (_, index) => ({ workflowId: `replay-${index}`, history }));
  const before = process.cpuUsage();
  for await (const result of Worker.runReplayHistories({ workflowBundle, dataConverter: { payloadCodecs: [testPayloadCodec] } }, copies)) {
    if (result.error) throw result.error;
  }
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000 / COPIES;
}

runScript(async () => {
  console.log(machineLine());
  const file = newestHistory(SCENARIO);
  const history = historyFromJSON(JSON.parse(fs.readFileSync(file, 'utf8')));
  const events = history.events?.length ?? 0;
  const workflowBundle = await bundleLicenceWorkflows();
  console.log(`${path.relative(process.cwd(), file)}: ${events} events, ${COPIES} copies a round, ${ROUNDS} rounds each`);
  const rounds = async () => {
    const costs: number[] = [];
    for (let round = 0; round < ROUNDS; round++) costs.push(await replayCost(workflowBundle, history));
    return costs;
  };
  const asRun = await rounds();
  // The SDK keeps the hook's stop private: reached here to measure it, never in the engine.
  globalHandlers.install();
  (globalHandlers as unknown as { stopPromiseHook(): void }).stopPromiseHook();
  const withoutHook = await rounds();
  console.log(`as the worker runs it: ${asRun.map((ms) => ms.toFixed(2)).join(', ')} ms of CPU a history`);
  console.log(`without the SDK's stack-trace promise hook: ${withoutHook.map((ms) => ms.toFixed(2)).join(', ')} ms of CPU a history`);
  console.log(`the hook's share: ${(1 - median(withoutHook) / median(asRun)).toFixed(2)} of the medians`);
});
