import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { Client } from '@temporalio/client';
import { Router } from 'express';
import type { PrismaClient } from '../generated/prisma/client';
import type { Clock } from '../services/clock';
import { uncoveredYearsAhead } from '../services/working-calendar';
import { defineRoute } from './routing';
import { HealthBody } from './schemas';

export interface HealthDependencies {
  prisma: PrismaClient;
  temporal: Client;
  /** What "the next twelve months" are counted from. */
  clock: Clock;
}

const CHECK_TIMEOUT_MS = 2_000;

/**
 * `GET /healthz`: 200 when the API, the database and Temporal all answer, else 503. A year of the
 * next twelve months without its national holidays makes it `degraded` with 200: the engine works,
 * but counts weekends only there, and a load balancer must not take it out of service for that.
 */
export function healthRoutes(registry: OpenAPIRegistry, deps: HealthDependencies): Router {
  const router = Router();
  defineRoute(
    router,
    registry,
    {
      method: 'get',
      path: '/healthz',
      summary: 'Whether the API, the database and Temporal are reachable, and the next twelve months have their holidays',
      tags: ['operations'],
      access: 'public',
      responses: {
        200: { description: 'All reachable (degraded: a year ahead has no national holidays loaded)', content: { 'application/json': { schema: HealthBody } } },
        503: { description: 'Something is unreachable', content: { 'application/json': { schema: HealthBody } } },
      },
    },
    async () => {
      const [database, temporal] = await Promise.all([
        check(() => deps.prisma.$queryRaw`SELECT 1`),
        check(() => deps.temporal.workflowService.getSystemInfo({})),
      ]);
      const reachable = database === 'ok' && temporal === 'ok';
      const uncovered = database === 'ok' ? await uncoveredYearsAhead(deps.prisma, await deps.clock()) : [];
      const calendar = uncovered.length === 0 ? 'ok' : `no national holidays loaded for ${uncovered.join(', ')}: PUT /api/v1/national-schedule/${uncovered[0]}`;
      const status = reachable && calendar === 'ok' ? 'ok' : 'degraded';
      return { status: reachable ? 200 : 503, body: { status, checks: { database, temporal, calendar } } };
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
