import type { DataConverter, PayloadCodec } from '@temporalio/common';
import { NativeConnection, Worker, type TLSConfig, type WorkerInterceptors } from '@temporalio/worker';
import { createLicenceActivities, type ActivityDependencies, type LicenceActivities } from '../activities';
import { localStepInterceptor } from '../activities/local-steps';
import { licenceDataConverter } from '../runtime/data-converter';
import { smsTaskQueue } from '../workflows/licence-definitions';
import { assertBundleOfThisCode, LICENCE_WORKFLOW_INTERCEPTOR_MODULES, LICENCE_WORKFLOWS_PATH } from './workflow-bundle';

export interface LicenceWorkerOptions extends ActivityDependencies {
  connection: NativeConnection;
  namespace: string;
  /** Keeps personal data out of Temporal's history; the clients must use the same keys. */
  payloadCodec?: PayloadCodec;
  /** Workflows kept in memory between their tasks (WORKER_CACHED_WORKFLOWS). */
  cachedWorkflows?: number;
  /** The licence workflows bundled at build time (WORKFLOW_BUNDLE); without it the worker bundles them as it starts. */
  workflowBundlePath?: string;
}

/** Local activities run on the workflow's clock and record what they were asked (workflows/interceptors.ts). */
export const LICENCE_WORKER_INTERCEPTORS: WorkerInterceptors = {
  workflowModules: LICENCE_WORKFLOW_INTERCEPTOR_MODULES,
  activity: [localStepInterceptor],
};

/**
 * Creates the two workers of a worker process: one runs licence workflows and their activities,
 * the other the SMS step's activity from its own queue (smsTaskQueue). Call `run()` on each and
 * `shutdown()` to stop them; in-flight activities finish first.
 */
export async function createLicenceWorkers({ connection, namespace, payloadCodec, cachedWorkflows = 200, workflowBundlePath, ...dependencies }: LicenceWorkerOptions): Promise<Worker[]> {
  if (workflowBundlePath) assertBundleOfThisCode(workflowBundlePath);
  const dataConverter = payloadCodec ? licenceDataConverter(payloadCodec) : undefined;
  const activities = createLicenceActivities(dependencies);
  const licences = await Worker.create({
    connection,
    namespace,
    ...(dataConverter ? { dataConverter } : {}),
    taskQueue: dependencies.taskQueue,
    // A prebuilt bundle carries the workflow interceptors inside it (workflow-bundle.ts).
    ...(workflowBundlePath
      ? { workflowBundle: { codePath: workflowBundlePath }, interceptors: { activity: LICENCE_WORKER_INTERCEPTORS.activity } }
      : { workflowsPath: LICENCE_WORKFLOWS_PATH, interceptors: LICENCE_WORKER_INTERCEPTORS }),
    activities,
    // Licence workflows sleep for months between steps: keeping each one's context in memory buys
    // nothing, and a bureau has tens of thousands. A woken workflow replays its short history.
    maxCachedWorkflows: cachedWorkflows,
  });
  const texts = await createSmsWorker({ connection, namespace, dataConverter, taskQueue: dependencies.taskQueue, activities, qps: dependencies.endpoints.sms.qps });
  return [licences, texts];
}

/**
 * The worker of the SMS step's queue. Every process sets the same rate, the account's QPS, which
 * Temporal's matching service keeps for all of them together; each process's own pacing
 * (rateLimited) still spaces the sends it makes.
 */
export function createSmsWorker(options: { connection: NativeConnection; namespace?: string; dataConverter?: DataConverter; taskQueue: string; activities: LicenceActivities; qps: number }): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    ...(options.namespace ? { namespace: options.namespace } : {}),
    ...(options.dataConverter ? { dataConverter: options.dataConverter } : {}),
    taskQueue: smsTaskQueue(options.taskQueue),
    activities: { sendReminderSms: options.activities.sendReminderSms },
    interceptors: { activity: LICENCE_WORKER_INTERCEPTORS.activity },
    maxTaskQueueActivitiesPerSecond: options.qps,
  });
}

/** Connects the worker's native connection to a Temporal frontend at `host:port`, with mutual TLS when the cluster asks for it. */
export function connectWorker(address: string, tls?: TLSConfig): Promise<NativeConnection> {
  return NativeConnection.connect({ address, ...(tls ? { tls } : {}) });
}
