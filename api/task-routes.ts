import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { Client } from '@temporalio/client';
import { Router } from 'express';
import { z } from 'zod';
import { CALL_OUTCOMES, GUIDANCE_OUTCOMES, LETTER_OUTCOMES, missingGuidance } from '../domain';
import type { Prisma, PrismaClient } from '../generated/prisma/client';
import { calendarDateOf } from '../services/licence-registration';
import { updateLicenceWorkflow } from '../services/licence-updates';
import { taskCompletedSignal } from '../workflows/licence-definitions';
import { ApiError } from './errors';
import { letterPdfPath } from './letter-routes';
import { json } from './openapi-helpers';
import { defineRoute } from './routing';
import { ClaimBody, CompleteBody, ErrorBody, TaskIdParams, TaskQuery, TaskView } from './schemas';

export interface TaskRoutesDependencies {
  prisma: PrismaClient;
  temporal: Client;
}

const taskInclude = { licence: { include: { catalogueEntry: true } }, department: true } as const;
type TaskRow = Prisma.HumanTaskGetPayload<{ include: typeof taskInclude }>;

const OUTCOMES_BY_KIND: Record<string, readonly string[]> = { phone_call: CALL_OUTCOMES, send_letter: LETTER_OUTCOMES, complete_guidance: GUIDANCE_OUTCOMES };

/** The reminder specialists' queue: list, claim and complete human tasks. */
export function taskRoutes(registry: OpenAPIRegistry, deps: TaskRoutesDependencies): Router {
  const router = Router();

  const view = async (task: TaskRow): Promise<z.infer<typeof TaskView>> => {
    const letter = task.letterId ? await deps.prisma.letter.findUnique({ where: { id: task.letterId } }) : null;
    return {
      id: task.id,
      kind: task.kind as 'phone_call' | 'send_letter' | 'complete_guidance',
      status: task.status as z.infer<typeof TaskView>['status'],
      attempt: task.attempt,
      dueAt: task.dueAt.toISOString(),
      licence: {
        id: task.licence.id,
        licenceNumber: task.licence.licenceNumber,
        licenceName: task.licence.catalogueEntry.licenceName,
        holderName: task.licence.holderName,
        expiresOn: calendarDateOf(task.licence.expiresOn),
      },
      department: task.department.name,
      contact: { name: task.licence.contactName, phone: task.licence.contactPhone },
      claimedBy: task.claimedBy,
      outcome: task.outcome,
      letter: letter?.body ?? null,
      letterPdf: letter?.pdf ? letterPdfPath(letter.id) : null,
    };
  };

  const taskOf = async (id: string) => {
    const task = await deps.prisma.humanTask.findUnique({ where: { id }, include: taskInclude });
    if (!task) throw ApiError.notFound(`Task ${id}`);
    return task;
  };

  defineRoute(
    router,
    registry,
    {
      method: 'get',
      path: '/api/v1/tasks',
      summary: "A department's human tasks (calls, letters), oldest due first",
      tags: ['tasks'],
      query: TaskQuery,
      responses: { 200: json(z.object({ tasks: z.array(TaskView) }), 'The tasks'), 400: json(ErrorBody, 'Bad filter') },
    },
    async ({ query }) => {
      const tasks = await deps.prisma.humanTask.findMany({
        where: {
          ...(query.status ? { status: query.status } : {}),
          department: {
            ...(query.bureau ? { bureauCode: query.bureau } : {}),
            ...(query.department ? { name: query.department } : {}),
          },
        },
        include: taskInclude,
        orderBy: { dueAt: 'asc' },
        take: 500,
      });
      return { status: 200, body: { tasks: await Promise.all(tasks.map(view)) } };
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'post',
      path: '/api/v1/tasks/{id}/claim',
      summary: 'A specialist takes a task',
      tags: ['tasks'],
      params: TaskIdParams,
      body: ClaimBody,
      responses: {
        200: json(TaskView, 'Claimed'),
        404: json(ErrorBody, 'No such task'),
        409: json(ErrorBody, 'Already claimed by someone else, completed or cancelled'),
      },
    },
    async ({ params, body }) => {
      const claimed = await deps.prisma.humanTask.updateMany({
        where: { id: params.id, OR: [{ status: 'open' }, { status: 'claimed', claimedBy: body.specialist }] },
        data: { status: 'claimed', claimedBy: body.specialist, claimedAt: new Date() },
      });
      const task = await taskOf(params.id);
      if (claimed.count === 0) {
        throw new ApiError(409, 'task_not_claimable', `The task is ${task.status}${task.claimedBy ? ` by ${task.claimedBy}` : ''}.`);
      }
      return { status: 200, body: await view(task) };
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'post',
      path: '/api/v1/tasks/{id}/complete',
      summary: "Record a task's outcome; the licence's workflow moves on at once",
      tags: ['tasks'],
      params: TaskIdParams,
      body: CompleteBody,
      responses: {
        200: json(TaskView, 'Completed'),
        400: json(ErrorBody, 'An outcome that does not fit the task'),
        404: json(ErrorBody, 'No such task'),
        409: json(ErrorBody, 'Completed or cancelled already, or claimed by someone else'),
      },
    },
    async ({ params, body }) => {
      const task = await taskOf(params.id);
      if (task.status === 'completed' || task.status === 'cancelled') {
        throw new ApiError(409, 'task_closed', `The task is already ${task.status}.`);
      }
      if (task.status === 'claimed' && body.specialist && body.specialist !== task.claimedBy) {
        throw new ApiError(409, 'task_claimed_by_other', `The task is claimed by ${task.claimedBy}.`);
      }
      const allowed = OUTCOMES_BY_KIND[task.kind] ?? [];
      if (!allowed.includes(body.outcome)) {
        throw ApiError.invalid([{ path: 'outcome', message: `a ${task.kind} task ends with one of: ${allowed.join(', ')}` }]);
      }
      if (task.kind === 'complete_guidance') {
        const missing = missingGuidance(task.licence.catalogueEntry);
        if (missing.length > 0) {
          throw new ApiError(
            409,
            'guidance_incomplete',
            `Catalogue entry ${task.licence.catalogueEntry.id} still lacks ${missing.join(', ')}: set them with PATCH /api/v1/catalogue/${task.licence.catalogueEntry.id} first.`,
          );
        }
      }
      const completedBy = body.specialist ?? task.claimedBy ?? 'specialist';
      // The workflow is told first: if Temporal is unreachable nothing changes here either.
      await updateLicenceWorkflow(deps.temporal, task.workflowId, (handle) =>
        handle.signal(taskCompletedSignal, { taskId: task.id, outcome: body.outcome, note: body.note, completedBy }),
      );
      await deps.prisma.humanTask.updateMany({
        where: { id: task.id, status: { in: ['open', 'claimed'] } },
        data: { status: 'completed', outcome: body.outcome, note: body.note ?? null, completedBy, completedAt: new Date() },
      });
      return { status: 200, body: await view(await taskOf(task.id)) };
    },
  );

  return router;
}
