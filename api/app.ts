import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import type { Client } from '@temporalio/client';
import express, { type Express } from 'express';
import type { PrismaClient } from '../generated/prisma/client';
import type { Logger } from '../runtime/logger';
import { ApiError, errorHandler } from './errors';
import { healthRoutes } from './health-routes';
import { licenceRoutes } from './licences-routes';

/** What the API needs from the process that hosts it. */
export interface ApiDependencies {
  prisma: PrismaClient;
  temporal: Client;
  taskQueue: string;
  logger: Logger;
}

/**
 * Builds the HTTP API. Every route is declared once with zod schemas that validate it and
 * describe it in the OpenAPI 3.1 document at `/openapi.json`.
 */
export function createApp(deps: ApiDependencies): Express {
  const registry = new OpenAPIRegistry();
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '1mb' }));
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

  app.use(healthRoutes(registry, { prisma: deps.prisma, temporal: deps.temporal }));
  app.use(licenceRoutes(registry, deps));

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

  app.use((req) => {
    throw new ApiError(404, 'not_found', `No route ${req.method} ${req.path}; see /openapi.json`);
  });
  app.use(errorHandler(deps.logger));
  return app;
}
