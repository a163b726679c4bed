import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { Client } from '@temporalio/client';
import { Router } from 'express';
import { z } from 'zod';
import type { Prisma, PrismaClient } from '../generated/prisma/client';
import { calendarDateOf } from '../services/licence-registration';
import type { Clock } from '../services/clock';
import { contactFor, personalTextFor } from '../services/access/masking';
import type { Principal } from '../services/access/principal';
import { bundleLetterPdf } from '../services/letter-bundles';
import { assignTask, bundlesOf, claimTask, completeTask, releaseTask, taskFor, type BundledTask } from '../services/task-work';
import { assertBureau } from './access';
import { ApiError } from './errors';
import { letterPdfPath } from './letter-routes';
import { json } from './openapi-helpers';
import { defineRoute } from './routing';
import { AssignBody, CompleteBody, ErrorBody, TaskIdParams, TaskQuery, TaskView } from './schemas';

export interface TaskRoutesDependencies {
  prisma: PrismaClient;
  temporal: Client;
  /** What "overdue" is judged against. */
  clock: Clock;
}

const taskInclude = { licence: { include: { catalogueEntry: true } }, department: true } as const;
type TaskRow = Prisma.HumanTaskGetPayload<{ include: typeof taskInclude }>;

/**
 * The reminder specialists' queue: list, claim, release and complete human tasks; supervisors
 * assign them. A specialist works only the tasks of their own department.
 */
export function taskRoutes(registry: OpenAPIRegistry, deps: TaskRoutesDependencies): Router {
  const router = Router();

  /** The letters of these tasks, in two queries whatever their number, without loading the PDFs' bytes. */
  const lettersOf = async (tasks: TaskRow[]): Promise<Map<string, { body: string; hasPdf: boolean }>> => {
    const ids = tasks.flatMap((task) => (task.letterId ? [task.letterId] : []));
    if (ids.length === 0) return new Map();
    const [letters, withPdf] = await Promise.all([
      deps.prisma.letter.findMany({ where: { id: { in: ids } }, select: { id: true, body: true } }),
      deps.prisma.letter.findMany({ where: { id: { in: ids }, pdf: { not: null } }, select: { id: true } }),
    ]);
    const printable = new Set(withPdf.map((letter) => letter.id));
    return new Map(letters.map((letter) => [letter.id, { body: letter.body, hasPdf: printable.has(letter.id) }]));
  };

  const view = (task: TaskRow, principal: Principal, letters: Map<string, { body: string; hasPdf: boolean }>, now: Date, bundles: Map<string, BundledTask[]>): z.infer<typeof TaskView> => {
    const letter = task.letterId ? letters.get(task.letterId) : undefined;
    return {
      id: task.id,
      kind: task.kind as z.infer<typeof TaskView>['kind'],
      note: personalTextFor(principal, { bureauCode: task.department.bureauCode, departmentId: task.departmentId }, task.note),
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
      contact: contactFor(principal, { bureauCode: task.department.bureauCode, departmentId: task.departmentId }, { name: task.licence.contactName, phone: task.licence.contactPhone }),
      claimedBy: task.claimedBy,
      overdue: (task.status === 'open' || task.status === 'claimed') && task.dueAt < now,
      outcome: task.outcome,
      letter: letter?.body ?? null,
      letterPdf: letter?.hasPdf && task.letterId ? letterPdfPath(task.letterId) : null,
      bundle: (bundles.get(task.id) ?? []).map((mate) => ({ ...mate, status: mate.status as z.infer<typeof TaskView>['status'] })),
      bundleLetterPdf: task.kind === 'send_letter' && bundles.has(task.id) ? `/api/v1/tasks/${task.id}/bundle-letter` : null,
    };
  };

  const answer = async (principal: Principal, id: string) => {
    const task = await taskFor(deps.prisma, principal, id);
    return { status: 200, body: view(task, principal, await lettersOf([task]), await deps.clock(), await bundlesOf(deps.prisma, [task])) };
  };

  defineRoute(
    router,
    registry,
    {
      method: 'get',
      path: '/api/v1/tasks',
      summary: "A department's human tasks (calls, letters), oldest due first",
      description: "A specialist sees their own department's tasks; a supervisor the whole bureau's.",
      tags: ['tasks'],
      access: ['specialist', 'supervisor', 'admin'],
      query: TaskQuery,
      responses: { 200: json(z.object({ tasks: z.array(TaskView) }), 'The tasks'), 400: json(ErrorBody, 'Bad filter') },
    },
    async ({ query, principal }) => {
      if (query.bureau) assertBureau(principal, query.bureau);
      if (principal.role === 'specialist' && query.department && query.department !== principal.departmentName) {
        throw new ApiError(403, 'forbidden', `A specialist sees only the tasks of ${principal.departmentName}.`);
      }
      const open = ['open', 'claimed'];
      const now = await deps.clock();
      const tasks = await deps.prisma.humanTask.findMany({
        where: {
          ...(query.status ? { status: query.status } : {}),
          ...(query.claimedBy === 'me' ? { claimedBy: principal.name } : {}),
          ...(query.overdue === 'true' ? { status: query.status && open.includes(query.status) ? query.status : { in: open }, dueAt: { lt: now } } : {}),
          ...(principal.role === 'specialist' ? { departmentId: principal.departmentId! } : {}),
          department: {
            ...(query.bureau ? { bureauCode: query.bureau } : principal.bureauCode ? { bureauCode: principal.bureauCode } : {}),
            ...(query.department ? { name: query.department } : {}),
          },
        },
        include: taskInclude,
        orderBy: { dueAt: 'asc' },
        take: 500,
      });
      const [letters, bundles] = await Promise.all([lettersOf(tasks), bundlesOf(deps.prisma, tasks)]);
      return { status: 200, body: { tasks: tasks.map((task) => view(task, principal, letters, now, bundles)) } };
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'get',
      path: '/api/v1/tasks/{id}/bundle-letter',
      summary: "One letter for a holder's letters of a day: the licences listed in one reminder letter (PDF)",
      tags: ['tasks'],
      access: ['specialist', 'supervisor', 'admin'],
      params: TaskIdParams,
      responses: {
        200: { description: 'The PDF', content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } } },
        404: json(ErrorBody, 'No such task'),
        409: json(ErrorBody, "Not one of a holder's several letters, or their letters say different things about renewing (send each)"),
      },
    },
    async ({ params, principal }) => {
      const task = await taskFor(deps.prisma, principal, params.id);
      const letter = await bundleLetterPdf(deps.prisma, task, await deps.clock());
      return { status: 200, file: letter.pdf, contentType: 'application/pdf', fileName: `证照到期提醒函-${letter.licenceNumbers.join('、')}.pdf` };
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'post',
      path: '/api/v1/tasks/{id}/claim',
      summary: 'A specialist takes a task of their department',
      tags: ['tasks'],
      access: ['specialist'],
      params: TaskIdParams,
      responses: {
        200: json(TaskView, 'Claimed'),
        404: json(ErrorBody, 'No such task'),
        409: json(ErrorBody, 'Already claimed by someone else, completed or cancelled'),
      },
    },
    async ({ params, principal }) => {
      await claimTask(deps.prisma, principal, params.id);
      return answer(principal, params.id);
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'post',
      path: '/api/v1/tasks/{id}/release',
      summary: 'The specialist holding a task gives it back to the queue',
      tags: ['tasks'],
      access: ['specialist'],
      params: TaskIdParams,
      responses: { 200: json(TaskView, 'Released'), 404: json(ErrorBody, 'No such task'), 409: json(ErrorBody, 'Not held by the caller') },
    },
    async ({ params, principal }) => {
      await releaseTask(deps.prisma, principal, params.id);
      return answer(principal, params.id);
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'post',
      path: '/api/v1/tasks/{id}/assign',
      summary: 'A supervisor gives a task to a specialist of its department',
      tags: ['tasks'],
      access: ['supervisor'],
      params: TaskIdParams,
      body: AssignBody,
      responses: {
        200: json(TaskView, 'Assigned'),
        400: json(ErrorBody, 'Not a specialist of the task’s department'),
        404: json(ErrorBody, 'No such task'),
        409: json(ErrorBody, 'Completed or cancelled'),
      },
    },
    async ({ params, body, principal }) => {
      await assignTask(deps.prisma, principal, params.id, body.username);
      return answer(principal, params.id);
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
      access: ['specialist'],
      params: TaskIdParams,
      body: CompleteBody,
      responses: {
        200: json(TaskView, 'Completed'),
        400: json(ErrorBody, 'An outcome that does not fit the task'),
        404: json(ErrorBody, 'No such task'),
        409: json(ErrorBody, 'Completed or cancelled already, or claimed by someone else'),
      },
    },
    async ({ params, body, principal }) => {
      await completeTask(deps, principal, params.id, body);
      return answer(principal, params.id);
    },
  );

  return router;
}
