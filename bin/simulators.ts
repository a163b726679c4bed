/**
 * The outside world's stand-ins (SMS provider, WeChat, the approval system's prompt inbox, the
 * regulators) as a process of their own, for a topology whose API and worker processes run with
 * SIMULATORS=off and real-looking endpoints: every API and worker then talks to one provider, as
 * they would to Aliyun or a regulator, and its records (`GET /simulators/state`) count every
 * text across processes.
 *
 * Settings are the engine's own (runtime/config.ts): HOST and PORT where it listens, PUBLIC_URL
 * where it pushes SMS receipts and replies (the proxy in front of the API processes), the secrets
 * the engine's processes are given, and DATABASE_URL for the wordings the bureau approved.
 */
import express from 'express';
import type { AddressInfo } from 'node:net';
import { isLoopbackCaller } from '../api/caller-origin';
import { ConfigError, loadConfig } from '../runtime/config';
import { openDatabase, parseDatabaseTarget } from '../runtime/database';
import { createLogger } from '../runtime/logger';
import { approvedSmsTemplate } from '../services/message-templates';
import { IntegrationSimulators } from '../simulators/integration-simulators';

async function main(): Promise<void> {
  const config = loadConfig({ ...process.env, SIMULATORS: 'on' });
  const logger = createLogger(config.LOG_LEVEL);
  if (!config.SMS_RECEIPT_SECRET) throw new ConfigError('Invalid environment:\n  SMS_RECEIPT_SECRET: is required: the engine accepts receipts carrying it');
  const receiptSecret = config.SMS_RECEIPT_SECRET;
  const database = await openDatabase(parseDatabaseTarget(config.databaseUrl));
  const sms = config.endpoints.sms;
  const engine = config.publicUrl.replace(/\/$/, '');
  const simulators = new IntegrationSimulators(
    config.endpoints.regulatorSigningSecret,
    Date.now,
    {
      accessKeyId: sms.accessKeyId,
      accessKeySecret: sms.accessKeySecret,
      receiptUrl: (provider) => `${engine}/api/v1/sms-receipts/${provider}?token=${encodeURIComponent(receiptSecret)}`,
      replyUrl: (provider) => `${engine}/api/v1/sms-replies/${provider}?token=${encodeURIComponent(receiptSecret)}`,
      approvedTemplate: (templateId) => approvedSmsTemplate(database.prisma, sms.templateId, templateId),
    },
    config.endpoints.autoPromptSigningSecret,
    { appId: config.WECHAT_APP_ID, appSecret: config.WECHAT_APP_SECRET, templateId: config.WECHAT_TEMPLATE_ID },
  );
  const app = express();
  app.use('/simulators', (req, res, next) => (isLoopbackCaller(req) ? next() : res.status(404).end()), simulators.router());
  const server = app.listen(config.PORT, config.HOST);
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  const { port } = server.address() as AddressInfo;
  logger.info({ url: `http://${config.HOST}:${port}/simulators`, engine }, 'simulated providers listening');
  process.stdout.write(`  Simulated providers at http://${config.HOST}:${port}/simulators, pushing to ${engine}\n`);
  const stop = () => {
    server.close();
    void database.close().finally(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : `Could not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
