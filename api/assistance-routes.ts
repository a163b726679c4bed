import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import type { PrismaClient } from '../generated/prisma/client';
import { ASSISTANCE_DUE_WORKING_DAYS, ASSISTANCE_KINDS, openAssistanceTask } from '../services/assistance';
import type { Clock } from '../services/clock';
import { assertBureau } from './access';
import { ApiError } from './errors';
import { json } from './openapi-helpers';
import { defineRoute } from './routing';
import { ErrorBody, LicenceIdParams, text } from './schemas';

export interface AssistanceRoutesDependencies {
  prisma: PrismaClient;
  /** Where a request's due time is counted from. */
  clock: Clock;
}

const AssistanceRequestBody = z
  .strictObject({
    kind: z.enum(ASSISTANCE_KINDS).openapi({ description: 'assisted_handling: 帮办代办; appointment: 预约办理' }),
    requestId: z.string().trim().min(1).max(100).openapi({ description: "The portal's own id for the request; the same id again opens no second task", example: 'WX-20270302-0017' }),
    preferredTime: text(100).optional().openapi({ example: '3月5日上午' }),
    note: text(1000).optional(),
  })
  .openapi('AssistanceRequest');

const AssistanceTask = z.object({ taskId: z.string(), dueAt: z.iso.datetime() }).openapi('AssistanceTask');

/** Holders' requests for assisted handling (帮办代办) or an appointment, relayed by the service portal, become tasks. */
export function assistanceRoutes(registry: OpenAPIRegistry, deps: AssistanceRoutesDependencies): Router {
  const router = Router();

  defineRoute(
    router,
    registry,
    {
      method: 'post',
      path: '/api/v1/licences/{id}/assistance-requests',
      summary: "A holder asks for assisted handling or an appointment: a task in the licence department's queue",
      description: `Due in ${ASSISTANCE_DUE_WORKING_DAYS} working days on the bureau's calendar. Idempotent on requestId.`,
      tags: ['tasks'],
      access: ['system', 'admin'],
      params: LicenceIdParams,
      body: AssistanceRequestBody,
      responses: {
        201: json(AssistanceTask, 'The task was opened'),
        200: json(AssistanceTask, 'The request was already received'),
        404: json(ErrorBody, 'No such licence'),
      },
    },
    async ({ params, body, principal }) => {
      const licence = await deps.prisma.licence.findUnique({ where: { id: params.id } });
      if (!licence) throw ApiError.notFound(`Licence ${params.id}`, 'params.id');
      assertBureau(principal, licence.bureauCode);
      const { id, created } = await openAssistanceTask(deps.prisma, licence.id, body, await deps.clock());
      const task = await deps.prisma.humanTask.findUniqueOrThrow({ where: { id } });
      return { status: created ? 201 : 200, body: { taskId: id, dueAt: task.dueAt.toISOString() } };
    },
  );

  return router;
}
