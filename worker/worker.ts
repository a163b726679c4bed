import { NativeConnection, Worker } from '@temporalio/worker';
import type { PrismaClient } from '../generated/prisma/client';
import { createLicenceActivities } from '../activities';

export interface LicenceWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  prisma: PrismaClient;
}

/**
 * Creates the worker that runs licence workflows and their activities. Call `run()` on it and
 * `shutdown()` to stop it; in-flight activities finish first.
 */
export async function createLicenceWorker(options: LicenceWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    workflowsPath: require.resolve('../workflows'),
    activities: createLicenceActivities({ prisma: options.prisma }),
  });
}

/** Connects the worker's native connection to a Temporal frontend at `host:port`. */
export function connectWorker(address: string): Promise<NativeConnection> {
  return NativeConnection.connect({ address });
}
