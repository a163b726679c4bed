import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import type { PrismaClient } from '../generated/prisma/client';
import { ALERT_FILTERS, acknowledgeAlert, bureauAlerts, findAlert, type AlertRow } from '../services/alerts';
import type { Clock } from '../services/clock';
import { assertBureau } from './access';
import { askedBureau } from './bureaus';
import { ApiError } from './errors';
import { json } from './openapi-helpers';
import { defineRoute } from './routing';
import { ErrorBody } from './schemas';

export interface AlertRoutesDependencies {
  prisma: PrismaClient;
  /** When an acknowledgement is recorded. */
  clock: Clock;
}

const AlertView = z
  .object({
    id: z.string(),
    kind: z.string().openapi({ description: 'licence_expired: expired without a renewal application; task_overdue: a task past its due time' }),
    message: z.string(),
    createdAt: z.iso.datetime(),
    licence: z.object({ id: z.string(), licenceNumber: z.string(), licenceName: z.string(), holderName: z.string(), department: z.string() }),
    acknowledgedAt: z.iso.datetime().nullable(),
    acknowledgedBy: z.string().nullable(),
  })
  .openapi('Alert');

const AlertQuery = z.strictObject({
  bureau: z.string().trim().min(1).max(64).optional().openapi({ description: "Default: the caller's bureau" }),
  status: z.enum(ALERT_FILTERS).default('open').openapi({ description: 'open (not yet acknowledged, the default), acknowledged, or all' }),
  limit: z.coerce.number().int().min(1).max(500).default(100).openapi({ description: 'How many, newest first' }),
});
const AlertParams = z.object({ id: z.uuid('must be an alert id (a UUID)') });

function alertView(alert: AlertRow): z.infer<typeof AlertView> {
  return {
    id: alert.id,
    kind: alert.kind,
    message: alert.message,
    createdAt: alert.createdAt.toISOString(),
    licence: {
      id: alert.licence.id,
      licenceNumber: alert.licence.licenceNumber,
      licenceName: alert.licence.catalogueEntry.licenceName,
      holderName: alert.licence.holderName,
      department: alert.licence.catalogueEntry.department.name,
    },
    acknowledgedAt: alert.acknowledgedAt?.toISOString() ?? null,
    acknowledgedBy: alert.acknowledgedBy,
  };
}

/** The supervisors' alerts: listed per bureau, acknowledged one by one. */
export function alertRoutes(registry: OpenAPIRegistry, deps: AlertRoutesDependencies): Router {
  const router = Router();

  defineRoute(
    router,
    registry,
    {
      method: 'get',
      path: '/api/v1/alerts',
      summary: "A bureau's alerts for its supervisors, newest first: expired licences, overdue tasks",
      tags: ['supervision'],
      access: ['supervisor', 'admin'],
      query: AlertQuery,
      responses: { 200: json(z.object({ bureau: z.string(), alerts: z.array(AlertView) }), 'The alerts'), 400: json(ErrorBody, 'Bad filter'), 404: json(ErrorBody, 'No such bureau') },
    },
    async ({ query, principal }) => {
      const bureau = await askedBureau(deps.prisma, principal, query.bureau);
      const alerts = await bureauAlerts(deps.prisma, bureau.code, query.status, query.limit);
      return { status: 200, body: { bureau: bureau.code, alerts: alerts.map(alertView) } };
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'post',
      path: '/api/v1/alerts/{id}/acknowledgement',
      summary: 'A supervisor has seen an alert; acknowledging it again keeps the first acknowledgement',
      tags: ['supervision'],
      access: ['supervisor', 'admin'],
      params: AlertParams,
      responses: { 200: json(AlertView, 'Acknowledged'), 400: json(ErrorBody, 'The id is not an alert id'), 404: json(ErrorBody, 'No such alert') },
    },
    async ({ params, principal }) => {
      const alert = await findAlert(deps.prisma, params.id);
      if (!alert) throw ApiError.notFound(`Alert ${params.id}`, 'params.id');
      assertBureau(principal, alert.licence.bureauCode);
      return { status: 200, body: alertView(await acknowledgeAlert(deps.prisma, alert.id, principal.name, await deps.clock())) };
    },
  );

  return router;
}
