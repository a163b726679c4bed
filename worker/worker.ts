import type { PayloadCodec } from '@temporalio/common';
import { NativeConnection, Worker, type WorkerInterceptors } from '@temporalio/worker';
import { createLicenceActivities, type ActivityDependencies } from '../activities';
import { localStepInterceptor } from '../activities/local-steps';
import { licenceDataConverter } from '../runtime/data-converter';

export interface LicenceWorkerOptions extends ActivityDependencies {
  connection: NativeConnection;
  namespace: string;
  /** Keeps personal data out of Temporal's history; the clients must use the same keys. */
  payloadCodec?: PayloadCodec;
  /** Workflows kept in memory between their tasks (WORKER_CACHED_WORKFLOWS). */
  cachedWorkflows?: number;
}

/** Local activities run on the workflow's clock and record what they were asked (workflows/interceptors.ts). */
export const LICENCE_WORKER_INTERCEPTORS: WorkerInterceptors = {
  workflowModules: [require.resolve('../workflows/interceptors')],
  activity: [localStepInterceptor],
};

/**
 * Creates the worker that runs licence workflows and their activities. Call `run()` on it and
 * `shutdown()` to stop it; in-flight activities finish first.
 */
export async function createLicenceWorker({ connection, namespace, payloadCodec, cachedWorkflows = 200, ...dependencies }: LicenceWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection,
    namespace,
    ...(payloadCodec ? { dataConverter: licenceDataConverter(payloadCodec) } : {}),
    taskQueue: dependencies.taskQueue,
    workflowsPath: require.resolve('../workflows'),
    activities: createLicenceActivities(dependencies),
    interceptors: LICENCE_WORKER_INTERCEPTORS,
    // Licence workflows sleep for months between steps: keeping each one's context in memory buys
    // nothing, and a bureau has tens of thousands. A woken workflow replays its short history.
    maxCachedWorkflows: cachedWorkflows,
  });
}

/** Connects the worker's native connection to a Temporal frontend at `host:port`. */
export function connectWorker(address: string): Promise<NativeConnection> {
  return NativeConnection.connect({ address });
}
