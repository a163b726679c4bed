import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import type { Client } from '@temporalio/client';
import multer from 'multer';
import express, { type Express, type RequestHandler } from 'express';
import helmet from 'helmet';
import { getAbsoluteFSPath } from 'swagger-ui-dist';
import type { PrismaClient } from '../generated/prisma/client';
import type { Logger } from '../runtime/logger';
import { createMetricsRegistry } from '../services/metrics';
import type { IntegrationSimulators } from '../simulators/integration-simulators';
import { cachedCatalogueResolver } from '../services/licence-registration';
import { wallClock, type Clock } from '../services/clock';
import { accessControl } from './access';
import { accessRoutes } from './access-routes';
import { alertRoutes } from './alert-routes';
import { assistanceRoutes } from './assistance-routes';
import { batchNoticeRoutes } from './batch-notice-routes';
import { calendarRoutes } from './calendar-routes';
import { messageTemplateRoutes } from './message-template-routes';
import { regulatorRoutes } from './regulator-routes';
import { inspectionRoutes } from './inspection-routes';
import { catalogueRoutes } from './catalogue-routes';
import { codecRoutes, type CodecDependencies } from './codec-routes';
import { dashboardRoutes } from './dashboard-routes';
import { loginThrottle, type LoginThrottleSettings } from './login-throttle';
import { ApiError, errorHandler, refuseInvalidUtf8 } from './errors';
import { importRoutes } from './import-routes';
import { healthRoutes } from './health-routes';
import { licenceRoutes } from './licences-routes';
import { ledgerRoutes } from './ledger-routes';
import { letterRoutes } from './letter-routes';
import { lifecycleRoutes } from './lifecycle-routes';
import { metricsRoutes } from './metrics-routes';
import { nationalScheduleRoutes } from './national-schedule-routes';
import { smsReceiptRoutes } from './sms-receipt-routes';
import { smsReplyRoutes } from './sms-reply-routes';
import { taskRoutes } from './task-routes';
import { webErrorPages, webPages } from '../web';
import { isLoopbackCaller } from './caller-origin';
import type { WorkbookLimits } from '../services/import/workbook-limits';
import { WechatClient, type WechatSettings } from '../activities/wechat/client';

/** What the API needs from the process that hosts it. */
export interface ApiDependencies {
  prisma: PrismaClient;
  temporal: Client;
  taskQueue: string;
  logger: Logger;
  /** Mounted under /simulators when given. */
  simulators?: IntegrationSimulators;
  /** Serves /codec for the Temporal UI and CLI when given. */
  codec?: CodecDependencies;
  /** Where this process's Temporal worker serves its Prometheus metrics, appended to /metrics. */
  workerMetricsUrl?: string;
  /** Marks the session and CSRF cookies Secure (pages served over HTTPS). */
  secureCookies?: boolean;
  /** Signs CSRF tokens; random per process when unset. */
  csrfSecret?: string;
  /** The shared secret of the SMS provider's receipt callbacks; unset refuses them. */
  smsReceiptSecret?: string;
  /** The SMS account's signature, for bureaus without their own. */
  smsSignName?: string;
  /** The longest value the SMS provider takes in a template variable. */
  smsMaxParamLength?: number;
  /** The bearer token /metrics asks of scrapers; unset: callers on this machine only. */
  metricsToken?: string;
  /** Express's `trust proxy`: the gateway hops (a number) or addresses whose X-Forwarded-For names the caller. */
  trustProxy?: number | string;
  /** Failed logins allowed per username and address, and per address; {@link DEFAULT_LOGIN_THROTTLE} when unset. */
  loginThrottle?: LoginThrottleSettings;
  /** How long a live API key's principal is kept between requests; `DEFAULT_API_KEY_CACHE_SECONDS` (api/access.ts) when unset, 0 for never. */
  apiKeyCacheSeconds?: number;
  /** How long registrations keep a catalogue entry; {@link DEFAULT_CATALOGUE_CACHE_SECONDS} when unset, 0 for never. */
  catalogueCacheSeconds?: number;
  /** Where the public reaches this engine (`PUBLIC_URL`): the links of feeds start with it. */
  publicUrl?: string;
  /** The largest import upload accepted, in bytes; DEFAULT_IMPORT_MAX_BYTES when unset. */
  importMaxBytes?: number;
  /** An XLSX upload's limits once unzipped; the import's defaults when unset. */
  workbookLimits?: WorkbookLimits;
  /** What due times and overdue tasks are judged against; the wall clock when unset. */
  clock?: Clock;
  /** The WeChat service account whose web authorisation binds holders; unset, the binding pages answer 404. */
  wechat?: WechatSettings;
}

/** How long registrations keep a catalogue entry, unless configured. */
export const DEFAULT_CATALOGUE_CACHE_SECONDS = 5;

/**
 * Builds the HTTP API. Every route is declared once with zod schemas that validate it and
 * describe it in the OpenAPI 3.1 document at `/openapi.json`.
 */
export function createApp(options: ApiDependencies): Express {
  const deps = { ...options, clock: options.clock ?? wallClock };
  const registry = new OpenAPIRegistry();
  const app = express();
  app.disable('x-powered-by');
  // Pages load their own scripts and styles only, in no frame; Swagger UI styles itself inline.
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: true,
        directives: { 'frame-ancestors': ["'none'"], 'style-src': ["'self'", "'unsafe-inline'"], 'upgrade-insecure-requests': deps.secureCookies ? [] : null },
      },
      referrerPolicy: { policy: 'same-origin' },
      strictTransportSecurity: deps.secureCookies ?? false,
    }),
  );
  // Behind the bureau's gateway the caller's address (for the login throttle and the logs) is in X-Forwarded-For.
  if (deps.trustProxy !== undefined) app.set('trust proxy', deps.trustProxy);
  // The simulators stand for outside systems on this machine: they parse their own bodies, and
  // nobody elsewhere finds them (they list holders' phones and messages).
  if (deps.simulators) {
    app.use('/simulators', (req, res, next) => (isLoopbackCaller(req) ? next() : res.status(404).json({ error: { code: 'not_found', message: 'Not found', fields: [] } })), deps.simulators.router());
  }
  app.use((req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      deps.logger.info(
        { method: req.method, path: req.path, status: res.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6 },
        'request',
      );
    });
    next();
  });

  // Who is calling, CSRF for cookie sessions, and the audit trail: in front of every router below.
  // Routes then declare their roles (see api/access.ts).
  const access = accessControl({
    prisma: deps.prisma,
    logger: deps.logger,
    secureCookies: deps.secureCookies,
    csrfSecret: deps.csrfSecret,
    apiKeyCacheSeconds: deps.apiKeyCacheSeconds,
  });
  const catalogueEntries = cachedCatalogueResolver(deps.prisma, deps.catalogueCacheSeconds ?? DEFAULT_CATALOGUE_CACHE_SECONDS);
  app.use(access.cookies, access.authenticate, bodiesOfKnownCallers(), access.csrfProtection, access.auditMutations);
  // Password guessing meets a limit on both login routes, the page's and the API's.
  app.post(['/login', '/api/v1/session'], loginThrottle(deps.loginThrottle));

  app.use(healthRoutes(registry, { prisma: deps.prisma, temporal: deps.temporal, clock: deps.clock }));
  app.use(licenceRoutes(registry, { ...deps, catalogueEntries }));
  app.use(lifecycleRoutes(registry, deps));
  app.use(taskRoutes(registry, deps));
  app.use(assistanceRoutes(registry, deps));
  app.use(ledgerRoutes(registry, deps));
  app.use(catalogueRoutes(registry, { ...deps, catalogueEntries }));
  app.use(regulatorRoutes(registry, deps));
  app.use(importRoutes(registry, deps));
  if (deps.codec) app.use(codecRoutes(registry, deps.codec));
  app.use(metricsRoutes(registry, { metrics: createMetricsRegistry(deps), workerMetricsUrl: deps.workerMetricsUrl, logger: deps.logger, authToken: deps.metricsToken }));
  app.use(accessRoutes(registry, { prisma: deps.prisma, access }));
  app.use(dashboardRoutes(registry, deps));
  app.use(inspectionRoutes(registry, deps));
  app.use(alertRoutes(registry, deps));
  const wechat = deps.wechat ? new WechatClient(deps.wechat) : undefined;
  app.use(webPages({ prisma: deps.prisma, temporal: deps.temporal, taskQueue: deps.taskQueue, clock: deps.clock, access, catalogueEntries, publicUrl: deps.publicUrl, wechat }));
  app.use(calendarRoutes(registry, deps));
  app.use(nationalScheduleRoutes(registry, deps));
  app.use(smsReceiptRoutes(registry, deps));
  app.use(smsReplyRoutes(registry, deps));
  app.use(letterRoutes(registry, deps));
  app.use(messageTemplateRoutes(registry, deps));
  app.use(batchNoticeRoutes(registry, deps));

  const document = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    servers: [{ url: deps.publicUrl ?? '/', description: 'This engine' }],
    info: {
      title: 'Licence expiry reminder engine (证照到期提醒)',
      version: '1',
      description: 'Register issued licences; the engine reminds their holders before expiry.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
  });
  app.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  app.get('/docs/start.js', (_req, res) => {
    res.type('js').send(SWAGGER_START);
  });
  app.use('/docs', express.static(getAbsoluteFSPath(), { index: false }));
  app.get('/docs', (_req, res) => {
    res.type('html').send(SWAGGER_PAGE);
  });

  app.use((req) => {
    throw new ApiError(404, 'not_found', `No route ${req.method} ${req.path}; see /openapi.json`);
  });
  app.use(webErrorPages(deps.logger, access));
  app.use(errorHandler(deps.logger));
  return app;
}

// Swagger UI's own page, pointed at this API's document.
const SWAGGER_PAGE = `<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><title>证照到期提醒 API</title><link rel="stylesheet" href="/docs/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/start.js"></script>
</body>
</html>`;
const SWAGGER_START = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui' });`;

// Routes whose callers prove themselves by what they send: logging in, and the provider's receipts and replies.and replies.
const ANONYMOUS_BODY_PATHS = [/^\/login$/, /^\/api\/v1\/session$/, /^\/api\/v1\/sms-(receipts|replies)\/[^/]+$/];

/**
 * Reads JSON and form bodies only once the caller is known, or on the few routes an anonymous
 * caller may post to: an anonymous request elsewhere is refused without its body being read.
 * Uploads (imports) are streamed by their own route, after its role check.
 */
function bodiesOfKnownCallers(): RequestHandler {
  const json = express.json({ limit: '1mb', verify: refuseInvalidUtf8 });
  const form = express.urlencoded({ extended: false, limit: '100kb', verify: refuseInvalidUtf8 });
  // A page's small file (a holiday schedule) comes as multipart: read here, before the CSRF check
  // that needs the form's token, and only on the pages that take one.
  const smallFile = multer({ storage: multer.memoryStorage(), limits: { fileSize: 256 * 1024, files: 1, fields: 20, fieldSize: 256 * 1024 } }).single('file');
  return (req, res, next) => {
    if (!req.principal && !ANONYMOUS_BODY_PATHS.some((path) => path.test(req.path))) return next();
    if (req.is('multipart/form-data') && FILE_FORM_PATHS.some((path) => path.test(req.path))) {
      return smallFile(req, res, (error?: unknown) =>
        next(error instanceof multer.MulterError ? ApiError.invalid([{ path: error.field ?? 'file', message: `${error.message}: send one file of at most 256 KB` }]) : error),
      );
    }
    json(req, res, (error?: unknown) => (error ? next(error) : form(req, res, next)));
  };
}

// Page forms that upload a file.
const FILE_FORM_PATHS = [/^\/calendar\/national$/];
