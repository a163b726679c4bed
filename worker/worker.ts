import { NativeConnection, Worker } from '@temporalio/worker';
import { createLicenceActivities, type ActivityDependencies } from '../activities';

export interface LicenceWorkerOptions extends ActivityDependencies {
  connection: NativeConnection;
  namespace: string;
}

/**
 * Creates the worker that runs licence workflows and their activities. Call `run()` on it and
 * `shutdown()` to stop it; in-flight activities finish first.
 */
export async function createLicenceWorker({ connection, namespace, ...dependencies }: LicenceWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection,
    namespace,
    taskQueue: dependencies.taskQueue,
    workflowsPath: require.resolve('../workflows'),
    activities: createLicenceActivities(dependencies),
    // Licence workflows sleep for months between steps: keeping each one's context in memory buys
    // nothing, and a bureau has tens of thousands. A woken workflow replays its short history.
    maxCachedWorkflows: 200,
  });
}

/** Connects the worker's native connection to a Temporal frontend at `host:port`. */
export function connectWorker(address: string): Promise<NativeConnection> {
  return NativeConnection.connect({ address });
}
