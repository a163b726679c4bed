import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { Client } from '@temporalio/client';
import { Router } from 'express';
import { z } from 'zod';
import type { PrismaClient } from '../generated/prisma/client';
import type { Clock } from '../services/clock';
import { addFollowUp, FOLLOW_UP_STATUSES, inspectionRun, inspectionRuns, inspectionRunWorkbook, runInspectionNow } from '../services/inspection-runs';
import { ensureInspectionSchedules } from '../services/inspection-schedules';
import { assertBureau } from './access';
import { askedBureau, bureauOr404 } from './bureaus';
import { actorOf } from '../services/access/principal';
import { CronSchema, setBureauCron } from './cron';
import { json } from './openapi-helpers';
import { defineRoute } from './routing';
import { ErrorBody, nameText, text } from './schemas';

export interface InspectionRoutesDependencies {
  prisma: PrismaClient;
  temporal: Client;
  taskQueue: string;
  clock: Clock;
}

const RunSummary = z
  .object({
    id: z.uuid(),
    bureau: z.string(),
    ranAt: z.iso.datetime(),
    trigger: z.enum(['schedule', 'manual']),
    requestedBy: z.string().nullable(),
    totals: z.object({ unremindedLicences: z.number().int(), overdueTasks: z.number().int(), incompleteLedgerRows: z.number().int() }),
    departmentsToFollowUp: z.number().int().openapi({ description: 'Departments with findings whose newest follow-up is still open' }),
  })
  .openapi('InspectionRunSummary');
const FollowUpStatus = z.enum(FOLLOW_UP_STATUSES).openapi({ description: 'open (整改中), resolved (已整改), no_action (无需整改)' });
const RunView = RunSummary.extend({
  departments: z.array(
    z.object({
      department: z.string(),
      unremindedLicences: z.array(z.object({ id: z.string(), licenceNumber: z.string(), holderName: z.string(), expiresOn: z.string() })),
      overdueTasks: z.number().int(),
      incompleteLedgerRows: z.array(z.object({ id: z.string(), licenceNumber: z.string(), remindedOn: z.string(), missing: z.array(z.string()) })),
      followUp: FollowUpStatus.nullable().openapi({ description: 'The newest follow-up; open while nobody marked one on findings; null without findings' }),
      followUps: z.array(z.object({ status: FollowUpStatus, note: z.string(), markedBy: z.string(), markedAt: z.iso.datetime() })),
    }),
  ),
}).openapi('InspectionRun');
const RunParams = z.object({ id: z.uuid() });
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** 定期督促检查: inspection runs kept per department, their follow-ups and exports, and the schedule that runs them. */
export function inspectionRoutes(registry: OpenAPIRegistry, deps: InspectionRoutesDependencies): Router {
  const router = Router();
  const runOf = async (id: string, principal: Parameters<typeof assertBureau>[0]) => {
    const run = await inspectionRun(deps.prisma, id);
    assertBureau(principal, run.bureau);
    return run;
  };

  defineRoute(
    router,
    registry,
    {
      method: 'get',
      path: '/api/v1/inspection-runs',
      summary: "A bureau's inspection runs (定期督促检查), newest first, with their totals",
      tags: ['supervision'],
      access: ['supervisor', 'admin'],
      query: z.strictObject({ bureau: text(64).optional(), limit: z.coerce.number().int().min(1).max(200).default(24) }),
      responses: { 200: json(z.object({ bureau: z.string(), cron: z.string(), runs: z.array(RunSummary) }), 'The runs'), 404: json(ErrorBody, 'No such bureau') },
    },
    async ({ query, principal }) => {
      const bureau = await askedBureau(deps.prisma, principal, query.bureau);
      return { status: 200, body: { bureau: bureau.code, cron: bureau.inspectionCron, runs: await inspectionRuns(deps.prisma, bureau.code, query.limit) } };
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'post',
      path: '/api/v1/inspection-runs',
      summary: 'Inspects a bureau now and keeps the run, as its schedule does',
      tags: ['supervision'],
      access: ['supervisor', 'admin'],
      body: z.strictObject({ bureau: text(64) }).openapi('InspectionRunRequest'),
      responses: { 201: json(RunView, 'The run'), 404: json(ErrorBody, 'No such bureau') },
    },
    async ({ body, principal }) => {
      assertBureau(principal, body.bureau);
      const bureau = await bureauOr404(deps.prisma, body.bureau, 'bureau');
      return { status: 201, body: await runInspectionNow(deps.prisma, bureau.code, await deps.clock(), actorOf(principal)) };
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'get',
      path: '/api/v1/inspection-runs/{id}',
      summary: 'One inspection run as it was found, with each department’s follow-ups; as JSON or an Excel workbook',
      tags: ['supervision'],
      access: ['supervisor', 'admin'],
      params: RunParams,
      query: z.strictObject({ format: z.enum(['json', 'xlsx']).default('json') }),
      responses: {
        200: {
          description: 'The run',
          content: { 'application/json': { schema: RunView as never }, [XLSX]: { schema: { type: 'string', format: 'binary' } } },
        },
        404: json(ErrorBody, 'No such run'),
      },
    },
    async ({ params, query, principal }) => {
      const run = await runOf(params.id, principal);
      if (query.format === 'json') return { status: 200, body: run };
      const bureau = await deps.prisma.bureau.findUniqueOrThrow({ where: { code: run.bureau } });
      return { status: 200, file: await inspectionRunWorkbook(run, bureau.name, bureau.timeZone), contentType: XLSX, fileName: `${bureau.name}督促检查${run.ranAt.slice(0, 10)}.xlsx` };
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'post',
      path: '/api/v1/inspection-runs/{id}/follow-ups',
      summary: "Marks a follow-up (整改跟进) on a department's findings in a run",
      tags: ['supervision'],
      access: ['supervisor', 'admin'],
      params: RunParams,
      body: z.strictObject({ department: nameText(100), status: FollowUpStatus, note: text(1000) }).openapi('InspectionFollowUp'),
      responses: { 201: json(RunView, 'The run with the follow-up'), 400: json(ErrorBody, 'Invalid follow-up'), 404: json(ErrorBody, 'No such run or department in it') },
    },
    async ({ params, body, principal }) => {
      await runOf(params.id, principal);
      return { status: 201, body: await addFollowUp(deps.prisma, params.id, body, actorOf(principal), await deps.clock()) };
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'put',
      path: '/api/v1/bureaus/{bureau}/inspection-schedule',
      summary: "Sets when the bureau's periodic inspection runs (monthly, the 1st at 09:00, by default)",
      tags: ['supervision'],
      access: ['supervisor', 'admin'],
      params: z.object({ bureau: text(64) }),
      body: z.strictObject({ cron: CronSchema.describe("when the inspection runs, in the bureau's time zone") }).openapi('InspectionSchedule'),
      responses: { 200: json(z.object({ cron: z.string() }), 'The schedule now in force'), 400: json(ErrorBody, 'Not a cron expression'), 404: json(ErrorBody, 'No such bureau') },
    },
    async ({ params, body, principal }) => {
      assertBureau(principal, params.bureau);
      const bureau = await bureauOr404(deps.prisma, params.bureau, 'params.bureau');
      await setBureauCron(deps.prisma, bureau, 'inspectionCron', body.cron, () => ensureInspectionSchedules(deps, [bureau.code]));
      return { status: 200, body: { cron: body.cron } };
    },
  );

  return router;
}
