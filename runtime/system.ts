import { approvedSmsTemplate } from '../services/message-templates';
import { ensureBatchNoticeSchedules } from '../services/batch-notice-schedules';
import { ensureInspectionSchedules } from '../services/inspection-schedules';
import { ensureSmsReconciliationSchedule } from '../services/sms-reconciliation-schedule';
import type { Server } from 'node:http';
import type { PayloadCodec } from '@temporalio/common';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createApp } from '../api/app';
import { seedCatalogues } from '../catalogue/seed';
import { bootstrapAccess, type BootstrapResult } from '../services/access/bootstrap';
import { IntegrationSimulators } from '../simulators/integration-simulators';
import { LICENCE_SEARCH_ATTRIBUTES } from '../workflows/search-attributes';
import { connectWorker, createLicenceWorkers } from '../worker/worker';
import type { AppConfig } from './config';
import { openDatabase, parseDatabaseTarget, type Database } from './database';
import type { Logger } from './logger';
import { deployMigrations } from './migrations';
import { registerSearchAttributes } from './search-attributes';
import { keptSecret } from './kept-secrets';
import { payloadCodecFor } from './payload-keys';
import { connectTemporalClient } from './temporal';
import { temporalTlsConfig } from './temporal-tls';
import { startDevServer, type DevServer } from './temporal-dev-server';

/** Where an all-in-one process keeps the receipt token it generated on its first start. */
export const SMS_RECEIPT_SECRET_FILE = 'sms-receipt-secret';

/** The running engine: API, worker and whatever embedded parts it started. */
export interface RunningSystem {
  /** Where the API listens; unset when this process runs only the worker. */
  apiUrl?: string;
  temporalAddress: string;
  /** The Temporal Web UI, when this process started the dev server. */
  temporalUiUrl?: string;
  /** The read model this process opened (PGlite allows no second opener). */
  database: Database;
  /** Encrypts Temporal payloads; a client that reads this system's histories needs it. */
  payloadCodec: PayloadCodec;
  /** The local SMS provider, portal and regulators, when SIMULATORS=on and this process serves the API. */
  simulators?: IntegrationSimulators;
  /** The first API key and administrator made on a fresh install (empty once they exist). */
  bootstrap: BootstrapResult;
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
export async function startSystem(config: AppConfig, logger: Logger, options: { workerMetrics?: boolean } = {}): Promise<RunningSystem> {
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
        sqlitePragmas: config.TEMPORAL_DEV_SQLITE_PRAGMAS.split(',').filter(Boolean),
        ...(config.ROLE === 'all' ? { uiCodecEndpoint: `http://${config.HOST}:${config.PORT}/codec` } : {}),
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
    // The API's process makes the first key and administrator, so that a separate worker never races it.
    const bootstrap =
      config.ROLE === 'worker'
        ? {}
        : await bootstrapAccess(database.prisma, {
            apiKey: config.BOOTSTRAP_API_KEY,
            adminPassword: config.BOOTSTRAP_ADMIN_PASSWORD,
            bureauCode: config.BOOTSTRAP_BUREAU,
          });

    const payloadCodec = payloadCodecFor(config);
    const temporalTls = config.temporalTls ? temporalTlsConfig(config.temporalTls) : undefined;
    const temporal = await connectTemporalClient(temporalAddress, config.TEMPORAL_NAMESPACE, payloadCodec, temporalTls);
    cleanups.push(() => temporal.close());
    if (!devServer) {
      const added = await registerSearchAttributes(temporal.connection, config.TEMPORAL_NAMESPACE);
      if (added.length > 0) logger.info({ added }, 'search attributes registered');
    }
    if (config.ROLE !== 'worker') {
      const scheduled = await ensureBatchNoticeSchedules({ prisma: database.prisma, temporal: temporal.client, taskQueue: config.TEMPORAL_TASK_QUEUE });
      if (scheduled.length > 0) logger.info({ bureaus: scheduled }, 'batch notice schedules created or updated');
      const inspections = await ensureInspectionSchedules({ prisma: database.prisma, temporal: temporal.client, taskQueue: config.TEMPORAL_TASK_QUEUE });
      if (inspections.length > 0) logger.info({ bureaus: inspections }, 'inspection schedules created or updated');
      if (await ensureSmsReconciliationSchedule(temporal.client, config.TEMPORAL_TASK_QUEUE)) logger.info('SMS reconciliation schedule created or updated');
    }
    let workerDone: Promise<void> = new Promise(() => {});
    if (config.ROLE !== 'api') {
      const workerConnection = await connectWorker(temporalAddress, temporalTls);
      cleanups.push(() => workerConnection.close());
      const workers = await createLicenceWorkers({
        connection: workerConnection,
        namespace: config.TEMPORAL_NAMESPACE,
        payloadCodec,
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        prisma: database.prisma,
        temporal: temporal.client,
        endpoints: config.endpoints,
        cachedWorkflows: config.WORKER_CACHED_WORKFLOWS,
        ...(config.WORKFLOW_BUNDLE ? { workflowBundlePath: config.WORKFLOW_BUNDLE } : {}),
      });
      const running = Promise.all(workers.map((worker) => worker.run())).then(() => undefined);
      workerDone = running;
      cleanups.push(async () => {
        for (const worker of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
        await running.catch(() => undefined);
      });
    }

    let apiUrl: string | undefined;
    const sms = config.endpoints.sms;
    const smsReceiptSecret = config.SMS_RECEIPT_SECRET ?? keptSecret(config.DATA_DIR, SMS_RECEIPT_SECRET_FILE);
    const simulators =
      config.SIMULATORS === 'on'
        ? new IntegrationSimulators(config.endpoints.regulatorSigningSecret, Date.now, {
            accessKeyId: sms.accessKeyId,
            accessKeySecret: sms.accessKeySecret,
            // The API's port is known once it listens; receipts come after that.
            receiptUrl: (provider) => `${apiUrl ?? `http://${config.HOST}:${config.PORT}`}/api/v1/sms-receipts/${provider}?token=${encodeURIComponent(smsReceiptSecret)}`,
            replyUrl: (provider) => `${apiUrl ?? `http://${config.HOST}:${config.PORT}`}/api/v1/sms-replies/${provider}?token=${encodeURIComponent(smsReceiptSecret)}`,
            // The simulated account approves every wording a bureau saves; a real one approves each at the provider.
            approvedTemplate: (templateId) => approvedSmsTemplate(database.prisma, sms.templateId, templateId),
          }, config.endpoints.autoPromptSigningSecret, { appId: config.WECHAT_APP_ID, appSecret: config.WECHAT_APP_SECRET, templateId: config.WECHAT_TEMPLATE_ID })
        : undefined;
    if (config.ROLE !== 'worker') {
      const app = createApp({
        prisma: database.prisma,
        temporal: temporal.client,
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        logger,
        simulators,
        // The worker's metrics endpoint exists only where bin/start.ts installed the runtime with it.
        workerMetricsUrl: config.ROLE === 'all' && options.workerMetrics ? `http://${config.TEMPORAL_METRICS_ADDRESS}/metrics` : undefined,
        codec: {
          payloadCodec,
          authToken: config.CODEC_AUTH_TOKEN,
          allowedOrigins: config.CODEC_ALLOWED_ORIGINS.split(',').filter(Boolean),
        },
        secureCookies: config.secureCookies,
        publicUrl: config.publicUrl,
        csrfSecret: config.CSRF_SECRET,
        smsReceiptSecret,
        wechat: config.endpoints.wechat,
        smsSignName: sms.signName,
        smsMaxParamLength: sms.maxParamLength,
        trustProxy: config.TRUST_PROXY,
        metricsToken: config.METRICS_TOKEN,
        loginThrottle: {
          failures: config.LOGIN_FAILURE_LIMIT,
          addressFailures: Math.max(config.LOGIN_ADDRESS_FAILURE_LIMIT, config.LOGIN_FAILURE_LIMIT),
          windowMinutes: config.LOGIN_LOCK_MINUTES,
        },
        apiKeyCacheSeconds: config.API_KEY_CACHE_SECONDS,
        importMaxBytes: config.IMPORT_MAX_BYTES,
        workbookLimits: { maxUnzippedBytes: config.IMPORT_MAX_UNZIPPED_BYTES, maxSharedStringsBytes: config.IMPORT_MAX_SHARED_STRINGS_BYTES },
        catalogueCacheSeconds: config.CATALOGUE_CACHE_SECONDS,
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
      payloadCodec,
      simulators,
      bootstrap,
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
