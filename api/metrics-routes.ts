import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import type { Registry } from 'prom-client';
import type { Logger } from '../runtime/logger';

export interface MetricsRouteDependencies {
  metrics: Registry;
  /** Where this process's Temporal worker serves its own Prometheus metrics, if it does. */
  workerMetricsUrl?: string;
  logger: Logger;
}

/** `GET /metrics`: the engine's figures and, when the worker runs here, Temporal's worker metrics. */
export function metricsRoutes(registry: OpenAPIRegistry, deps: MetricsRouteDependencies): Router {
  registry.registerPath({
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics: registrations, reminders by channel and outcome, task backlog, regulator pushes, the Temporal worker',
    tags: ['operations'],
    responses: { 200: { description: 'Prometheus text format', content: { 'text/plain': { schema: { type: 'string' } } } } },
  });
  const router = Router();
  router.get('/metrics', async (_req, res) => {
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
