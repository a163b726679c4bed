/**
 * `npm start`: the whole engine on one machine. Embedded defaults (Temporal dev server, PGlite)
 * unless TEMPORAL_ADDRESS / DATABASE_URL name external ones. Ctrl-C or SIGTERM stops it cleanly.
 */
import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import { ConfigError, loadConfig } from '../runtime/config';
import { createLogger } from '../runtime/logger';
import { startSystem, type RunningSystem } from '../runtime/system';
import { DEMO_PASSWORD, loadDemoData } from '../runtime/demo-data';

async function main(): Promise<void> {
  // `npm start -- --demo`: sample licences in a data folder of their own, never the real one.
  const demo = process.argv.includes('--demo');
  if (demo) process.env.DATA_DIR ??= '.data-demo';
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);
  const temporalLogLevel: LogLevel = config.LOG_LEVEL === 'debug' || config.LOG_LEVEL === 'trace' ? 'DEBUG' : 'WARN';
  Runtime.install({
    logger: new DefaultLogger(temporalLogLevel, (entry) => {
      const level = entry.level === 'ERROR' ? 'error' : entry.level === 'WARN' ? 'warn' : 'debug';
      logger[level]({ component: 'temporal-worker', ...entry.meta }, entry.message);
    }),
    ...(config.TEMPORAL_METRICS_ADDRESS === 'off'
      ? {}
      : { telemetryOptions: { metrics: { prometheus: { bindAddress: config.TEMPORAL_METRICS_ADDRESS } } } }),
  });

  const system = await startSystem(config, logger, { workerMetrics: config.TEMPORAL_METRICS_ADDRESS !== 'off' });
  logger.info({ api: system.apiUrl, temporal: system.temporalAddress, temporalUi: system.temporalUiUrl }, 'engine started');
  const demoLoaded =
    demo && system.apiUrl ? await loadDemoData({ prisma: system.database.prisma, apiUrl: system.apiUrl, dataDir: config.DATA_DIR, logger, now: new Date() }) : false;
  process.stdout.write(
    [
      '',
      ...(system.apiUrl
        ? [
            `  Web pages      ${system.apiUrl}/   (log in as a specialist, supervisor or administrator)`,
            `  API            ${system.apiUrl}   (OpenAPI: ${system.apiUrl}/openapi.json, health: ${system.apiUrl}/healthz)`,
          ]
        : ['  API            not in this process (ROLE=worker)']),
      `  Temporal       ${system.temporalAddress}`,
      ...(system.temporalUiUrl ? [`  Temporal UI    ${system.temporalUiUrl}`] : []),
      ...bootstrapLines(system.bootstrap),
      ...(demo
        ? [
            `  Demo           sample licences of both bureaus in ${config.DATA_DIR}/${demoLoaded ? ' (just loaded)' : ''}; log in as weihai-specialist, weihai-supervisor,`,
            `                 luliang-specialist, luliang-supervisor or demo-admin, password ${DEMO_PASSWORD}`,
          ]
        : []),
      '  Stop with Ctrl-C.',
      '',
    ].join('\n') + '\n',
  );

  let stopping = false;
  const stop = async (reason: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ reason }, 'stopping');
    await system.stop();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  system.workerDone.catch(async (error: unknown) => {
    logger.fatal({ err: error }, 'worker failed');
    await system.stop();
    process.exit(1);
  });
}

/** What a fresh install made; generated secrets are printed this once and never stored in clear. */
function bootstrapLines(bootstrap: RunningSystem['bootstrap']): string[] {
  const lines: string[] = [];
  if (bootstrap.admin) {
    lines.push(
      `  Administrator  user "${bootstrap.admin.username}"` +
        (bootstrap.admin.generated ? `, password ${bootstrap.admin.password}   (generated: shown once, note it now)` : ', password from BOOTSTRAP_ADMIN_PASSWORD'),
    );
  }
  if (bootstrap.apiKey) {
    lines.push(
      `  API key        for bureau ${bootstrap.apiKey.bureauCode}: ` +
        (bootstrap.apiKey.generated ? `${bootstrap.apiKey.secret}   (generated: shown once, note it now)` : 'from BOOTSTRAP_API_KEY'),
    );
  }
  return lines;
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(error.message);
  } else {
    console.error(`Could not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  }
  process.exit(1);
});
