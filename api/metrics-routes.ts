import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import type { Registry } from 'prom-client';
import type { Logger } from '../runtime/logger';
import { ApiError } from './errors';
import { bearerMatches, isLoopbackCaller } from './caller-origin';

export interface MetricsRouteDependencies {
  metrics: Registry;
  /** Where this process's Temporal worker serves its own Prometheus metrics, if it does. */
  workerMetricsUrl?: string;
  logger: Logger;
  /** The bearer token asked of scrapers; unset: callers on this machine only. */
  authToken?: string;
}


/** `GET /metrics`: the engine's figures and, when the worker runs here, Temporal's worker metrics. */
export function metricsRoutes(registry: OpenAPIRegistry, deps: MetricsRouteDependencies): Router {
  registry.registerPath({
    method: 'get',
    path: '/metrics',
    operationId: 'getMetrics',
    security: [],
    summary: 'Prometheus metrics: registrations, reminders by channel and outcome, task backlog, regulator pushes, the Temporal worker',
    tags: ['operations'],
    description: 'Scrapers send Authorization: Bearer <METRICS_TOKEN>; without that setting, only callers on this machine are answered.',
    responses: {
      200: { description: 'Prometheus text format', content: { 'text/plain': { schema: { type: 'string' } } } },
      401: { description: 'No or wrong bearer token, or a caller from elsewhere while METRICS_TOKEN is unset' },
    },
  });
  const router = Router();
  router.get('/metrics', async (req, res) => {
    // The figures name departments and backlogs: not for the open internet.
    const allowed = deps.authToken ? bearerMatches(req, deps.authToken) : isLoopbackCaller(req);
    if (!allowed) {
      throw new ApiError(401, 'unauthorised', deps.authToken ? 'Send Authorization: Bearer <METRICS_TOKEN>.' : 'Without METRICS_TOKEN the metrics answer this machine only; set the token to scrape from elsewhere.', [
        { path: 'authorization', message: 'missing or wrong' },
      ]);
    }
    const own = await deps.metrics.metrics();
    let worker = '';
    if (deps.workerMetricsUrl) {
      try {
        const answer = await fetch(deps.workerMetricsUrl, { signal: AbortSignal.timeout(2_000) });
        if (answer.ok) worker = await answer.text();
      } catch (error) {
        // A scrape still returns the engine's own figures; the gap shows in the worker's series.
        deps.logger.warn({ err: error, url: deps.workerMetricsUrl }, 'worker metrics unreachable');
      }
    }
    res.type(deps.metrics.contentType).send(worker ? `${own}\n${worker}` : own);
  });
  return router;
}
