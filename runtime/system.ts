import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createApp } from '../api/app';
import { seedCatalogues } from '../catalogue/seed';
import { IntegrationSimulators } from '../simulators/integration-simulators';
import { LICENCE_SEARCH_ATTRIBUTES } from '../workflows/search-attributes';
import { connectWorker, createLicenceWorker } from '../worker/worker';
import type { AppConfig } from './config';
import { openDatabase, parseDatabaseTarget, type Database } from './database';
import type { Logger } from './logger';
import { deployMigrations } from './migrations';
import { registerSearchAttributes } from './search-attributes';
import { connectTemporalClient } from './temporal';
import { startDevServer, type DevServer } from './temporal-dev-server';

/** The running engine: API, worker and whatever embedded parts it started. */
export interface RunningSystem {
  /** Where the API listens; unset when this process runs only the worker. */
  apiUrl?: string;
  temporalAddress: string;
  /** The Temporal Web UI, when this process started the dev server. */
  temporalUiUrl?: string;
  /** The read model this process opened (PGlite allows no second opener). */
  database: Database;
  /** The local SMS provider, portal and regulators, when SIMULATORS=on and this process serves the API. */
  simulators?: IntegrationSimulators;
  /** Stops the API, lets the worker finish in-flight work, then closes everything it opened. */
  stop(): Promise<void>;
  /** Settles when the worker stops on its own (a fatal error) or through `stop()`; never without a worker. */
  workerDone: Promise<void>;
}

/**
 * Starts the engine: the Temporal dev server unless `TEMPORAL_ADDRESS` is set, migrations and
 * seed catalogues on the database, the worker, and the API. On PGlite the API and the worker
 * share this process, since PGlite serves one process.
 */
export async function startSystem(config: AppConfig, logger: Logger): Promise<RunningSystem> {
  const cleanups: Array<() => Promise<void>> = [];
  const runCleanups = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      try {
        await cleanup();
      } catch (error) {
        logger.error({ err: error }, 'shutdown step failed');
      }
    }
  };
  try {
    let temporalAddress = config.TEMPORAL_ADDRESS;
    let devServer: DevServer | undefined;
    if (!temporalAddress) {
      devServer = await startDevServer({
        cli: config.TEMPORAL_CLI,
        dbFile: path.resolve(config.DATA_DIR, 'temporal.sqlite'),
        host: config.HOST,
        port: config.TEMPORAL_DEV_PORT,
        uiPort: config.TEMPORAL_UI_PORT,
        namespace: config.TEMPORAL_NAMESPACE,
        searchAttributes: LICENCE_SEARCH_ATTRIBUTES,
        logFile: path.resolve(config.DATA_DIR, 'temporal.log'),
      });
      cleanups.push(() => devServer!.stop());
      temporalAddress = devServer.address;
      logger.info({ address: temporalAddress }, 'Temporal dev server started');
    }

    const target = parseDatabaseTarget(config.databaseUrl);
    const applied = await deployMigrations(target);
    logger.info({ applied, database: target.kind }, 'migrations applied');
    const database = await openDatabase(target);
    cleanups.push(() => database.close());
    await seedCatalogues(database.prisma);

    const temporal = await connectTemporalClient(temporalAddress, config.TEMPORAL_NAMESPACE);
    cleanups.push(() => temporal.close());
    if (!devServer) {
      const added = await registerSearchAttributes(temporal.connection, config.TEMPORAL_NAMESPACE);
      if (added.length > 0) logger.info({ added }, 'search attributes registered');
    }
    let workerDone: Promise<void> = new Promise(() => {});
    if (config.ROLE !== 'api') {
      const workerConnection = await connectWorker(temporalAddress);
      cleanups.push(() => workerConnection.close());
      const worker = await createLicenceWorker({
        connection: workerConnection,
        namespace: config.TEMPORAL_NAMESPACE,
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        prisma: database.prisma,
        temporal: temporal.client,
        endpoints: config.endpoints,
      });
      const running = worker.run();
      workerDone = running;
      cleanups.push(async () => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await running.catch(() => undefined);
      });
    }

    let apiUrl: string | undefined;
    const sms = config.endpoints.sms;
    const simulators =
      config.SIMULATORS === 'on'
        ? new IntegrationSimulators(config.endpoints.regulatorSigningSecret, Date.now, {
            accessKeyId: sms.accessKeyId,
            accessKeySecret: sms.accessKeySecret,
            // The API's port is known once it listens; receipts come after that.
            receiptUrl: (provider) => `${apiUrl ?? `http://${config.HOST}:${config.PORT}`}/api/v1/sms-receipts/${provider}?token=${encodeURIComponent(sms.receiptSecret)}`,
          }, config.endpoints.autoPromptSigningSecret)
        : undefined;
    if (config.ROLE !== 'worker') {
      const app = createApp({
        prisma: database.prisma,
        temporal: temporal.client,
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        logger,
        simulators,
        smsReceiptSecret: sms.receiptSecret,
      });
      const server = await listen(app, config.HOST, config.PORT);
      cleanups.push(() => close(server));
      apiUrl = `http://${config.HOST}:${(server.address() as AddressInfo).port}`;
    }
    return {
      apiUrl,
      temporalAddress,
      temporalUiUrl: devServer?.uiUrl,
      database,
      simulators,
      stop: runCleanups,
      workerDone,
    };
  } catch (error) {
    await runCleanups();
    throw error;
  }
}

function listen(app: ReturnType<typeof createApp>, host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, () => resolve(server));
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' ? new Error(`Port ${port} on ${host} is taken: set PORT to another.`) : error);
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}
