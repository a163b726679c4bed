import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { encodeToPayloads, loadDataConverter } from '@temporalio/common/lib/internal-non-workflow';
import { temporal } from '@temporalio/proto';
import { DAY, dataConverter, eventually, LifecycleHarness } from '../support/lifecycle';
import { buildEngine, engineReady } from '../support/engine-process';
import { PROJECT_ROOT } from '../support/paths';
import { quietTemporalLogs } from '../support/temporal';
import { assertBundleOfThisCode } from '../../worker/workflow-bundle';

quietTemporalLogs();

// What the image runs: `npm run build`'s output, started with node alone, its workers loading the
// workflows bundled at build time (WORKFLOW_BUNDLE) instead of bundling them from the sources.
let build: string;
let h: LifecycleHarness;
let worker: ChildProcess | undefined;

beforeAll(async () => {
  build = await buildEngine();
  h = await LifecycleHarness.start({ database: 'postgres' });
  await h.beginTest({ server: 'dev', worker: false });
  worker = await startCompiledWorker();
}, 180_000);

afterAll(async () => {
  worker?.kill('SIGKILL');
  await h?.teardown();
});

/** Starts a worker process of the compiled engine in `engine`, loading the bundle `bundle`. */
function spawnCompiledWorker(engine: string, bundle: string, env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, [path.join(engine, 'bin', 'start.js')], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...h.workerProcessEnv(), WORKFLOW_BUNDLE: bundle, LOG_LEVEL: 'warn', NODE_OPTIONS: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

async function startCompiledWorker(): Promise<ChildProcess> {
  const child = spawnCompiledWorker(build, path.join(build, 'workflow-bundle.js'));
  await engineReady(child);
  return child;
}

it('reminds a licence: the compiled worker runs the prebuilt workflows, their local steps included', async () => {
  // Expires in 80 days: the window is already open, so the business-system prompt goes at once.
  const licence = await h.register('BUILT-1', new Date(Date.now() + 80 * DAY).toISOString().slice(0, 10));
  await eventually(async () => expect(await h.ledger(licence.id)).toEqual(['auto_prompt:delivered']), 60_000);
  expect(h.simulators.prompts.filter((prompt) => prompt.idempotencyKey.includes('BUILT-1'))).toHaveLength(1);
}, 90_000);

it("writes a refusal the way the engine's failure converter does: encrypted, not in clear", async () => {
  const licence = await h.register('BUILT-2', new Date(Date.now() + 200 * DAY).toISOString().slice(0, 10));
  const refused = { decision: 'rejected', decidedOn: '2027-01-04' };
  // Asked on the wire, so that what the workflow wrote is seen before any client decodes it.
  const response = await h.env.client.workflowService.updateWorkflowExecution({
    namespace: 'default',
    workflowExecution: { workflowId: licence.workflowId },
    request: {
      meta: { updateId: 'decision-without-application', identity: 'compiled-build-test' },
      input: { name: 'renewalDecision', args: { payloads: await encodeToPayloads(loadDataConverter(dataConverter), refused) } },
    },
    waitPolicy: { lifecycleStage: temporal.api.enums.v1.UpdateWorkflowExecutionLifecycleStage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED },
  });
  const failure = response.outcome?.failure;
  expect(failure?.message).toBe('Encoded failure');
  const onTheWire = Buffer.from(temporal.api.failure.v1.Failure.encode(failure!).finish());
  expect(onTheWire.includes(Buffer.from('no renewal application is pending'))).toBe(false);
  // The engine's clients read it back.
  await expect(h.env.client.workflow.getHandle(licence.workflowId).executeUpdate('renewalDecision', { args: [refused] })).rejects.toMatchObject({
    cause: { message: 'no renewal application is pending' },
  });
}, 90_000);

it('refuses to start with a bundle built from other workflow code than it runs, and says what to do', async () => {
  // Another build, whose compiled workflow code differs from the bundle's build by one file.
  const other = `${build}-other`;
  await fs.rm(other, { recursive: true, force: true });
  await fs.cp(build, other, { recursive: true });
  await fs.rm(path.join(other, 'workflow-bundle.js'));
  await fs.appendFile(path.join(other, 'workflows', 'licence', 'channels', 'sms.js'), '\n// another build\n');
  // Its metrics port would clash with the worker above's.
  const stale = spawnCompiledWorker(other, path.join(build, 'workflow-bundle.js'), { TEMPORAL_METRICS_ADDRESS: 'off' });
  try {
    await expect(engineReady(stale)).rejects.toThrow(/WORKFLOW_BUNDLE \S+ was built from other workflow code than this worker runs: run npm run build/);
  } finally {
    stale.kill('SIGKILL');
    await fs.rm(other, { recursive: true, force: true });
  }
  // A worker run from the sources is not the compiled code a bundle is made from.
  expect(() => assertBundleOfThisCode(path.join(build, 'workflow-bundle.js'))).toThrow(/this worker runs from its sources/);
}, 90_000);
