import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import type { Client } from '@temporalio/client';
import express, { type Express } from 'express';
import { getAbsoluteFSPath } from 'swagger-ui-dist';
import type { PrismaClient } from '../generated/prisma/client';
import type { Logger } from '../runtime/logger';
import { createMetricsRegistry } from '../services/metrics';
import type { IntegrationSimulators } from '../simulators/integration-simulators';
import { cachedCatalogueResolver } from '../services/licence-registration';
import { accessControl } from './access';
import { accessRoutes } from './access-routes';
import { assistanceRoutes } from './assistance-routes';
import { batchNoticeRoutes } from './batch-notice-routes';
import { calendarRoutes } from './calendar-routes';
import { messageTemplateRoutes } from './message-template-routes';
import { catalogueRoutes } from './catalogue-routes';
import { codecRoutes, type CodecDependencies } from './codec-routes';
import { dashboardRoutes } from './dashboard-routes';
import { loginThrottle, type LoginThrottleSettings } from './login-throttle';
import { ApiError, errorHandler } from './errors';
import { importRoutes } from './import-routes';
import { healthRoutes } from './health-routes';
import { licenceRoutes } from './licences-routes';
import { ledgerRoutes } from './ledger-routes';
import { letterRoutes } from './letter-routes';
import { lifecycleRoutes } from './lifecycle-routes';
import { metricsRoutes } from './metrics-routes';
import { smsReceiptRoutes } from './sms-receipt-routes';
import { taskRoutes } from './task-routes';
import { webErrorPages, webPages } from '../web';

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
  /** The bearer token /metrics asks of scrapers; unset: callers on this machine only. */
  metricsToken?: string;
  /** Express's `trust proxy`: the gateway hops (a number) or addresses whose X-Forwarded-For names the caller. */
  trustProxy?: number | string;
  /** Failed logins allowed per username and address; {@link DEFAULT_LOGIN_THROTTLE} when unset. */
  loginThrottle?: LoginThrottleSettings;
  /** How long a live API key's principal is kept between requests; `DEFAULT_API_KEY_CACHE_SECONDS` (api/access.ts) when unset, 0 for never. */
  apiKeyCacheSeconds?: number;
  /** How long registrations keep a catalogue entry; {@link DEFAULT_CATALOGUE_CACHE_SECONDS} when unset, 0 for never. */
  catalogueCacheSeconds?: number;
}

/** How long registrations keep a catalogue entry, unless configured. */
export const DEFAULT_CATALOGUE_CACHE_SECONDS = 5;

/**
 * Builds the HTTP API. Every route is declared once with zod schemas that validate it and
 * describe it in the OpenAPI 3.1 document at `/openapi.json`.
 */
export function createApp(deps: ApiDependencies): Express {
  const registry = new OpenAPIRegistry();
  const app = express();
  app.disable('x-powered-by');
  // Behind the bureau's gateway the caller's address (for the login throttle and the logs) is in X-Forwarded-For.
  if (deps.trustProxy !== undefined) app.set('trust proxy', deps.trustProxy);
  // The simulators stand for outside systems: they parse their own bodies.
  if (deps.simulators) app.use('/simulators', deps.simulators.router());
  app.use(express.json({ limit: '1mb' }));
  app.use(express.urlencoded({ extended: false, limit: '100kb' }));
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
  app.use(access.cookies, access.authenticate, access.csrfProtection, access.auditMutations);
  // Password guessing meets a limit on both login routes, the page's and the API's.
  app.post(['/login', '/api/v1/session'], loginThrottle(deps.loginThrottle));

  app.use(healthRoutes(registry, { prisma: deps.prisma, temporal: deps.temporal }));
  app.use(licenceRoutes(registry, { ...deps, catalogueEntries }));
  app.use(lifecycleRoutes(registry, deps));
  app.use(taskRoutes(registry, deps));
  app.use(assistanceRoutes(registry, deps));
  app.use(ledgerRoutes(registry, deps));
  app.use(catalogueRoutes(registry, { ...deps, catalogueEntries }));
  app.use(importRoutes(registry, deps));
  if (deps.codec) app.use(codecRoutes(registry, deps.codec));
  app.use(metricsRoutes(registry, { metrics: createMetricsRegistry(deps), workerMetricsUrl: deps.workerMetricsUrl, logger: deps.logger, authToken: deps.metricsToken }));
  app.use(accessRoutes(registry, { prisma: deps.prisma, access }));
  app.use(dashboardRoutes(registry, deps));
  app.use(webPages({ prisma: deps.prisma, temporal: deps.temporal, taskQueue: deps.taskQueue, access, catalogueEntries }));
  app.use(calendarRoutes(registry, deps));
  app.use(smsReceiptRoutes(registry, deps));
  app.use(letterRoutes(registry, deps));
  app.use(messageTemplateRoutes(registry, deps));
  app.use(batchNoticeRoutes(registry, deps));

  const document = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Licence expiry reminder engine (证照到期提醒)',
      version: '1',
      description: 'Register issued licences; the engine reminds their holders before expiry.',
    },
  });
  app.get('/openapi.json', (_req, res) => {
    res.json(document);
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
<script>window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui' });</script>
</body>
</html>`;
