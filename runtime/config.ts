import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { TemporalTlsFiles } from './temporal-tls';
import { AesGcmPayloadCodec, generatePayloadKeySetting, parsePayloadKeys } from './payload-codec';
import type { IntegrationEndpoints } from '../activities/dependencies';
import { SMS_PROVIDERS } from '../activities/sms/provider';
import { LOCAL_WECHAT_ACCOUNT } from '../simulators/wechat-simulator';

/** The embedded database folder used when DATABASE_URL is not set. */
export function defaultDatabaseUrl(dataDir = '.data'): string {
  return `pglite:${path.join(dataDir, 'pglite')}`;
}

/** The licence workflows' task queue when TEMPORAL_TASK_QUEUE is unset. */
export const DEFAULT_TASK_QUEUE = 'licence-reminders';

const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);

const readableFile = z.string().refine((file) => fs.existsSync(file) && fs.statSync(file).isFile(), 'no file there: give the path of a PEM file');

const environmentSchema = z.object({
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: port(3000),
  DATA_DIR: z.string().min(1).default('.data'),
  DATABASE_URL: z
    .string()
    .regex(/^(postgres(ql)?:\/\/|pglite:)/, 'must start with postgresql:// or pglite:')
    .optional(),
  TEMPORAL_ADDRESS: z
    .string()
    .regex(/^[^:/\s]+:\d+$/, 'must be host:port, e.g. temporal.internal:7233')
    .optional(),
  /**
   * TLS to a Temporal cluster; with a client certificate and its key (both or neither, PEM files,
   * signed by the cluster's CA) for one that asks for mutual TLS, as the production topology does.
   * Any of the four set turns TLS on.
   */
  TEMPORAL_TLS_CERT_FILE: readableFile.optional(),
  TEMPORAL_TLS_KEY_FILE: readableFile.optional(),
  /** The CA that signed the frontend's certificate; unset, the system's roots. */
  TEMPORAL_TLS_CA_FILE: readableFile.optional(),
  /** The name the frontend's certificate carries, when it is not the host of TEMPORAL_ADDRESS. */
  TEMPORAL_TLS_SERVER_NAME: z.string().regex(/^[A-Za-z0-9.-]+$/, 'must be a host name, e.g. temporal-frontend').optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default(DEFAULT_TASK_QUEUE),
  /**
   * Workflows a worker keeps in memory between their workflow tasks. One that is not kept replays
   * its history at its next task: cheap for a licence that sleeps for months, costly when thousands
   * wake together.
   */
  WORKER_CACHED_WORKFLOWS: z.coerce.number().int().min(0).max(100_000).default(200),
  /**
   * The licence workflows bundled by `npm run build` (dist/workflow-bundle.js). Unset, a worker
   * bundles them from the sources as it starts. Must come from the same build as the code running
   * it, which a worker checks as it starts (assertBundleOfThisCode).
   */
  WORKFLOW_BUNDLE: z
    .string()
    .min(1)
    .refine((file) => fs.existsSync(file), 'no file there: `npm run build` writes dist/workflow-bundle.js')
    .optional(),
  TEMPORAL_CLI: z.string().min(1).optional(),
  TEMPORAL_DEV_PORT: port(7233),
  TEMPORAL_UI_PORT: port(8233),
  /** SQLite pragmas for the dev server's state file, comma-separated `name=value`; empty for SQLite's own defaults. */
  TEMPORAL_DEV_SQLITE_PRAGMAS: z
    .string()
    .regex(/^(|[a-z_]+=[A-Za-z0-9_]+(,[a-z_]+=[A-Za-z0-9_]+)*)$/, 'must be comma-separated name=value pairs, e.g. journal_mode=wal,synchronous=normal')
    // A write-ahead log starts workflows about 1.6 times faster here; a crash of the process loses nothing,
    // a power cut may lose the last moments, which the activities' idempotency keys make safe to repeat.
    .default('journal_mode=wal,synchronous=normal'),
  /** `all` runs the API and the worker in one process; production may run them apart. */
  ROLE: z.enum(['all', 'api', 'worker']).default('all'),
  AUTO_PROMPT_URL: z.url().optional(),
  /** The portal / WeChat official account webhook that publishes batch notices (集中提醒), signed like the prompts. */
  BATCH_NOTICE_URL: z.url().optional(),
  /** HMAC key of the prompts; the regulators' key when unset. */
  AUTO_PROMPT_SIGNING_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  /** The SMS provider's API: its send endpoint, credentials, approved signature and template. */
  SMS_PROVIDER: z.enum(SMS_PROVIDERS).default('aliyun'),
  SMS_API_URL: z.url().optional(),
  SMS_ACCESS_KEY_ID: z.string().min(1).default('local-sms-access-key'),
  SMS_ACCESS_KEY_SECRET: z.string().min(1).default('local-sms-access-secret'),
  SMS_SIGN_NAME: z.string().min(2).max(12).default('政务服务提醒'),
  SMS_TEMPLATE_ID: z.string().min(1).default('SMS_LICENCE_EXPIRY'),
  SMS_SDK_APP_ID: z.string().min(1).default('1400000000'),
  SMS_REGION: z.string().min(1).default('cn-hangzhou'),
  /** Sends per second across this worker; the provider account's limit. */
  SMS_QPS: z.coerce.number().positive().max(1000).default(10),
  SMS_MAX_PARAM_LENGTH: z.coerce.number().int().min(1).max(500).default(35),
  SMS_MAX_TEXT_LENGTH: z.coerce.number().int().min(10).max(1000).default(500),
  SMS_RECEIPT_TIMEOUT_HOURS: z.coerce.number().positive().max(720).default(24),
  /** After a send whose outcome is unknown (a timeout, a reset, a crash), how long the provider's records are asked before sending again. */
  SMS_SEND_SETTLE_MINUTES: z.coerce.number().min(0).max(1440).default(10),
  SMS_PER_NUMBER_DAILY_LIMIT: z.coerce.number().int().min(1).max(1000).optional(),
  SMS_PER_TEMPLATE_DAILY_LIMIT: z.coerce.number().int().min(1).max(10_000_000).optional(),
  /**
   * The shared secret the provider's receipt callbacks carry as `?token=`. Unset in an all-in-one
   * process: a secret is generated once into DATA_DIR. Required when ROLE=api, since every API
   * process must accept the same token.
   */
  SMS_RECEIPT_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  /**
   * The bureau's WeChat service account (服务号) for the ladder's WeChat step: its API origin
   * (https://api.weixin.qq.com) and web authorisation origin (https://open.weixin.qq.com). Unset
   * with SIMULATORS=off: no account, and every WeChat step texts the holder instead.
   */
  WECHAT_API_URL: z.url().optional(),
  WECHAT_OAUTH_URL: z.url().optional(),
  WECHAT_APP_ID: z.string().regex(/^wx[0-9a-f]{16}$/, 'must be the account\'s AppID, wx and 16 hex digits').default(LOCAL_WECHAT_ACCOUNT.appId),
  WECHAT_APP_SECRET: z.string().min(16, 'must be at least 16 characters').default(LOCAL_WECHAT_ACCOUNT.appSecret),
  /** The licence-expiry template (政务民生) the account added, with fields thing1, thing2, time3, thing4, phone_number5. */
  WECHAT_TEMPLATE_ID: z.string().min(1).default(LOCAL_WECHAT_ACCOUNT.templateId),
  REGULATOR_WEBHOOK_BASE_URL: z.url().optional(),
  REGULATOR_SIGNING_SECRET: z.string().min(16, 'must be at least 16 characters').default('local-development-signing-key'),
  /** The local SMS provider, portal and regulator stand-ins, served by the API under /simulators. */
  SIMULATORS: z.enum(['on', 'off']).default('on'),
  /**
   * AES-256 keys for workflow and activity payloads, `id:base64` comma-separated, the current key
   * first. Unset in an all-in-one process: a key is generated once into DATA_DIR.
   */
  PAYLOAD_ENCRYPTION_KEYS: z
    .string()
    .superRefine((setting, context) => {
      try {
        new AesGcmPayloadCodec(parsePayloadKeys(setting));
      } catch (error) {
        context.addIssue({ code: 'custom', message: (error as Error).message });
      }
    })
    .optional(),
  /** Bearer token the codec endpoint (/codec) asks of the Temporal UI and CLI; without it, /codec answers loopback callers only. */
  CODEC_AUTH_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Bearer token /metrics asks of Prometheus; without it, /metrics answers loopback callers only. */
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Where `npm start`'s Temporal worker serves its own Prometheus metrics (appended to the API's /metrics); `off` for none. */
  TEMPORAL_METRICS_ADDRESS: z
    .string()
    .regex(/^(off|[^:/\s]+:\d+)$/, 'must be host:port, e.g. 127.0.0.1:9464, or off')
    .default('127.0.0.1:9464'),
  /** Browser origins of the Temporal Web UI, which calls /codec from the page. */
  CODEC_ALLOWED_ORIGINS: z.string().default('http://127.0.0.1:8233,http://localhost:8233'),
  /** The first approval system's API key on a fresh install; generated and printed once when unset. */
  BOOTSTRAP_API_KEY: z.string().min(24, 'must be at least 24 characters').optional(),
  /** The administrator's (user `admin`) password on a fresh install; generated and printed once when unset. */
  BOOTSTRAP_ADMIN_PASSWORD: z.string().min(10, 'must be at least 10 characters').optional(),
  /** The bureau the first API key serves. */
  BOOTSTRAP_BUREAU: z.string().min(1).default('weihai'),
  /**
   * Where the public reaches this engine, e.g. https://zwfw.weihai.gov.cn/reminders: feeds link to
   * it (never to a request's Host header), and an https address marks the session cookies Secure.
   * Unset: http://HOST:PORT.
   */
  PUBLIC_URL: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// address' }).optional(),
  /** `on` marks the session cookies Secure; unset, they are Secure when PUBLIC_URL is https. */
  SECURE_COOKIES: z.enum(['on', 'off']).optional(),
  /** Signs the forms' CSRF tokens; random per process when unset (open forms need a reload after a restart). */
  CSRF_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /**
   * Which proxies in front of the API to believe about the caller's address: a number of hops, or
   * comma-separated addresses, subnets or Express's names (loopback, uniquelocal). Unset: none.
   */
  TRUST_PROXY: z
    .string()
    .regex(/^(\d+|[0-9A-Za-z.:/]+(,[0-9A-Za-z.:/]+)*)$/, 'must be a number of hops or comma-separated addresses/subnets, e.g. 1 or 10.0.0.0/8')
    .transform((setting) => (/^\d+$/.test(setting) ? Number(setting) : setting))
    .optional(),
  /** Failed logins one address may make for one username before that pair waits LOGIN_LOCK_MINUTES. */
  LOGIN_FAILURE_LIMIT: z.coerce.number().int().min(1).max(1000).default(10),
  /** Failed logins one address may make across all usernames before it waits LOGIN_LOCK_MINUTES; at least LOGIN_FAILURE_LIMIT. */
  LOGIN_ADDRESS_FAILURE_LIMIT: z.coerce.number().int().min(1).max(10000).default(30),
  LOGIN_LOCK_MINUTES: z.coerce.number().positive().max(1440).default(15),
  /**
   * Seconds an API process keeps a live API key's principal, and a catalogue entry that
   * registrations read; 0 keeps none. A key revoked, or an entry changed, through another API
   * process takes effect here within this time (through this one, at once).
   */
  API_KEY_CACHE_SECONDS: z.coerce.number().min(0).max(300).default(5),
  CATALOGUE_CACHE_SECONDS: z.coerce.number().min(0).max(300).default(5),
  /** The largest licence file an import accepts, in bytes (the upload is streamed to disk, never held). */
  IMPORT_MAX_BYTES: z.coerce.number().int().min(1024).max(2 * 1024 ** 3).default(100 * 1024 * 1024),
  /** An XLSX upload's largest size once unzipped, and of its shared strings (where a zip bomb hides). */
  IMPORT_MAX_UNZIPPED_BYTES: z.coerce.number().int().min(1024).max(8 * 1024 ** 3).default(500 * 1024 * 1024),
  IMPORT_MAX_SHARED_STRINGS_BYTES: z.coerce.number().int().min(1024).max(2 * 1024 ** 3).default(100 * 1024 * 1024),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/** Settings of one process, parsed from the environment once at start-up. */
export type AppConfig = z.infer<typeof environmentSchema> & {
  /** `PUBLIC_URL`, or this machine's address. */
  publicUrl: string;
  /** Whether session cookies are marked Secure. */
  secureCookies: boolean;
  /** `DATABASE_URL`, or the embedded folder under `DATA_DIR`. */
  databaseUrl: string;
  /** Whether this process must start its own Temporal dev server. */
  embeddedTemporal: boolean;
  /** TLS to the Temporal cluster, when any TEMPORAL_TLS_ setting is given. */
  temporalTls?: TemporalTlsFiles;
  /** Channel and regulator endpoints; unset ones point at the local simulators. */
  endpoints: IntegrationEndpoints;
};

/** Raised when an environment variable is malformed; the message names every bad variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Parses the process environment.
 *
 * @throws ConfigError listing each bad variable with what it must look like.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const blankAsUnset = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = environmentSchema.safeParse(blankAsUnset);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid environment:\n${lines.join('\n')}`);
  }
  const settings = parsed.data;
  const simulators = `http://${settings.HOST}:${settings.PORT}/simulators`;
  const databaseUrl = settings.DATABASE_URL ?? defaultDatabaseUrl(settings.DATA_DIR);
  if (settings.ROLE !== 'all' && databaseUrl.startsWith('pglite:')) {
    throw new ConfigError(
      `Invalid environment:\n  ROLE: "${settings.ROLE}" needs a PostgreSQL DATABASE_URL; the embedded database serves one process, so use ROLE=all`,
    );
  }
  if (settings.ROLE !== 'all' && !settings.PAYLOAD_ENCRYPTION_KEYS) {
    throw new ConfigError(
      `Invalid environment:\n  PAYLOAD_ENCRYPTION_KEYS: is required when ROLE=${settings.ROLE}: the API and the worker must share the key, e.g. PAYLOAD_ENCRYPTION_KEYS=${generatePayloadKeySetting('k1')}`,
    );
  }
  if (settings.ROLE === 'api' && !settings.SMS_RECEIPT_SECRET) {
    throw new ConfigError(
      `Invalid environment:\n  SMS_RECEIPT_SECRET: is required when ROLE=${settings.ROLE}: every API process must accept the same receipt token, e.g. SMS_RECEIPT_SECRET=${randomBytes(24).toString('base64url')}`,
    );
  }
  const temporalTls = temporalTlsFiles(settings);
  const missingSecrets: string[] = [];
  if (settings.SIMULATORS === 'off') {
    const missing = (['AUTO_PROMPT_URL', 'BATCH_NOTICE_URL', 'SMS_API_URL', 'REGULATOR_WEBHOOK_BASE_URL'] as const).filter((name) => !settings[name]);
    // The simulator's credentials are public: a real provider needs the account's own.
    for (const name of ['SMS_ACCESS_KEY_ID', 'SMS_ACCESS_KEY_SECRET', 'SMS_RECEIPT_SECRET'] as const) {
      if (!env[name]) missingSecrets.push(name);
    }
    if (settings.WECHAT_API_URL) {
      for (const name of ['WECHAT_APP_ID', 'WECHAT_APP_SECRET', 'WECHAT_TEMPLATE_ID'] as const) {
        if (!env[name]) missingSecrets.push(name);
      }
    }
    if (missing.length + missingSecrets.length > 0) {
      throw new ConfigError(
        `Invalid environment:\n${[
          ...missing.map((name) => `  ${name}: is required when SIMULATORS=off (the real endpoint to call)`),
          ...missingSecrets.map((name) => `  ${name}: is required when SIMULATORS=off (the provider account's own value)`),
        ].join('\n')}`,
      );
    }
  }
  const publicUrl = settings.PUBLIC_URL ?? `http://${settings.HOST}:${settings.PORT}`;
  return {
    ...settings,
    publicUrl,
    secureCookies: settings.SECURE_COOKIES ? settings.SECURE_COOKIES === 'on' : publicUrl.startsWith('https:'),
    databaseUrl,
    embeddedTemporal: settings.TEMPORAL_ADDRESS === undefined,
    ...(temporalTls ? { temporalTls } : {}),
    endpoints: {
      publicUrl,
      autoPromptUrl: settings.AUTO_PROMPT_URL ?? `${simulators}/portal/prompts`,
      autoPromptSigningSecret: settings.AUTO_PROMPT_SIGNING_SECRET ?? settings.REGULATOR_SIGNING_SECRET,
      batchNoticeUrl: settings.BATCH_NOTICE_URL ?? `${simulators}/portal/batch-notices`,
      sms: {
        provider: settings.SMS_PROVIDER,
        url: settings.SMS_API_URL ?? `${simulators}/sms/${settings.SMS_PROVIDER}`,
        accessKeyId: settings.SMS_ACCESS_KEY_ID,
        accessKeySecret: settings.SMS_ACCESS_KEY_SECRET,
        signName: settings.SMS_SIGN_NAME,
        templateId: settings.SMS_TEMPLATE_ID,
        sdkAppId: settings.SMS_SDK_APP_ID,
        region: settings.SMS_REGION,
        qps: settings.SMS_QPS,
        maxParamLength: settings.SMS_MAX_PARAM_LENGTH,
        maxTextLength: settings.SMS_MAX_TEXT_LENGTH,
        receiptTimeoutHours: settings.SMS_RECEIPT_TIMEOUT_HOURS,
        sendSettleMinutes: settings.SMS_SEND_SETTLE_MINUTES,
        perNumberDailyLimit: settings.SMS_PER_NUMBER_DAILY_LIMIT,
        perTemplateDailyLimit: settings.SMS_PER_TEMPLATE_DAILY_LIMIT,
      },
      wechat:
        settings.WECHAT_API_URL || settings.SIMULATORS === 'on'
          ? {
              apiUrl: settings.WECHAT_API_URL ?? `${simulators}/wechat`,
              oauthUrl: settings.WECHAT_OAUTH_URL ?? (settings.WECHAT_API_URL ? 'https://open.weixin.qq.com' : `${simulators}/wechat`),
              appId: settings.WECHAT_APP_ID,
              appSecret: settings.WECHAT_APP_SECRET,
              templateId: settings.WECHAT_TEMPLATE_ID,
            }
          : undefined,
      regulatorWebhookBaseUrl: settings.REGULATOR_WEBHOOK_BASE_URL ?? `${simulators}/regulators`,
      regulatorSigningSecret: settings.REGULATOR_SIGNING_SECRET,
    },
  };
}

/** TEMPORAL_TLS_*: TLS to a cluster this process does not start; a client certificate goes with its key. */
function temporalTlsFiles(settings: z.infer<typeof environmentSchema>): TemporalTlsFiles | undefined {
  const { TEMPORAL_TLS_CERT_FILE: certFile, TEMPORAL_TLS_KEY_FILE: keyFile, TEMPORAL_TLS_CA_FILE: caFile, TEMPORAL_TLS_SERVER_NAME: serverName } = settings;
  if (!certFile && !keyFile && !caFile && !serverName) return undefined;
  const problems: string[] = [];
  if (keyFile && !certFile) problems.push('  TEMPORAL_TLS_CERT_FILE: is required with TEMPORAL_TLS_KEY_FILE: the client certificate the cluster\'s CA signed');
  if (certFile && !keyFile) problems.push('  TEMPORAL_TLS_KEY_FILE: is required with TEMPORAL_TLS_CERT_FILE: the private key of that certificate');
  if (settings.TEMPORAL_ADDRESS === undefined) problems.push('  TEMPORAL_ADDRESS: is required with TEMPORAL_TLS_ settings: the embedded dev server takes no TLS, so name the cluster\'s frontend');
  if (problems.length > 0) throw new ConfigError(`Invalid environment:\n${problems.join('\n')}`);
  return {
    ...(certFile && keyFile ? { clientCertificate: { certFile, keyFile } } : {}),
    ...(caFile ? { caFile } : {}),
    ...(serverName ? { serverName } : {}),
  };
}
