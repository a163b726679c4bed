import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { Client } from '@temporalio/client';
import { Router } from 'express';
import type { PrismaClient } from '../generated/prisma/client';
import { defineRoute } from './routing';
import { HealthBody } from './schemas';

export interface HealthDependencies {
  prisma: PrismaClient;
  temporal: Client;
}

const CHECK_TIMEOUT_MS = 2_000;

/** `GET /healthz`: 200 when the API, the database and Temporal all answer, else 503. */
export function healthRoutes(registry: OpenAPIRegistry, deps: HealthDependencies): Router {
  const router = Router();
  defineRoute(
    router,
    registry,
    {
      method: 'get',
      path: '/healthz',
      summary: 'Whether the API, the database and Temporal are reachable',
      tags: ['operations'],
      access: 'public',
      responses: {
        200: { description: 'All reachable', content: { 'application/json': { schema: HealthBody } } },
        503: { description: 'Something is unreachable', content: { 'application/json': { schema: HealthBody } } },
      },
    },
    async () => {
      const [database, temporal] = await Promise.all([
        check(() => deps.prisma.$queryRaw`SELECT 1`),
        check(() => deps.temporal.workflowService.getSystemInfo({})),
      ]);
      const healthy = database === 'ok' && temporal === 'ok';
      return { status: healthy ? 200 : 503, body: { status: healthy ? 'ok' : 'degraded', checks: { database, temporal } } };
    },
  );
  return router;
}

async function check(probe: () => Promise<unknown>): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
      }),
    ]);
    return 'ok';
  } catch (error) {
    return `unreachable: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    clearTimeout(timer);
  }
}
