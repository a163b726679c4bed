import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import type { PrismaClient } from '../generated/prisma/client';
import { bureauDashboard, inspectionReport, inspectionWorkbook } from '../services/dashboard';
import type { Clock } from '../services/clock';
import { askedPeriod, MONTH_PATTERN, outcomeFigures, outcomeWorkbook } from '../services/outcome-figures';
import { askedBureau } from './bureaus';
import { json } from './openapi-helpers';
import { defineRoute } from './routing';
import { ErrorBody } from './schemas';

export interface DashboardRoutesDependencies {
  prisma: PrismaClient;
  /** What "overdue" is judged against. */
  clock: Clock;
}

const BureauQuery = z.strictObject({ bureau: z.string().trim().min(1).max(64).optional().openapi({ description: "Default: the caller's bureau" }) });

const Month = z.string().regex(MONTH_PATTERN, 'a month as YYYY-MM between 1900-01 and 2999-12, for example 2027-01');

const OutcomeQuery = BureauQuery.extend({
  from: Month.optional().openapi({ description: 'First month of the period; default: 11 months before `to`' }),
  to: Month.optional().openapi({ description: "Last month of the period; default: this month in the bureau's zone" }),
  format: z.enum(['json', 'xlsx']).default('json'),
}).refine((query) => !query.from || !query.to || query.from <= query.to, { path: ['from'], message: 'from must not be after to: swap the two months' });

/** The supervisors' dashboard, inspection report (督促检查) and outcome figures. */
export function dashboardRoutes(registry: OpenAPIRegistry, deps: DashboardRoutesDependencies): Router {
  const router = Router();

  defineRoute(
    router,
    registry,
    {
      method: 'get',
      path: '/api/v1/dashboard',
      summary: 'Licences by stage and department, licences expiring in 30/60/90 days, overdue tasks',
      tags: ['supervision'],
      access: ['supervisor', 'admin'],
      query: BureauQuery,
      responses: { 200: json(z.object({ bureau: z.string() }).passthrough(), 'The dashboard'), 404: json(ErrorBody, 'No such bureau') },
    },
    async ({ query, principal }) => {
      const bureau = await askedBureau(deps.prisma, principal, query.bureau);
      return { status: 200, body: await bureauDashboard(deps.prisma, bureau.code, await deps.clock()) };
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'get',
      path: '/api/v1/inspection-report',
      summary: 'The inspection report (督促检查) per department: unreminded licences in their window, overdue tasks, incomplete ledger rows',
      tags: ['supervision'],
      access: ['supervisor', 'admin'],
      query: BureauQuery.extend({ format: z.enum(['json', 'xlsx']).default('json') }),
      responses: {
        200: {
          description: 'The report, as JSON or as an Excel workbook',
          content: {
            'application/json': { schema: z.object({ bureau: z.string(), departments: z.array(z.unknown()) }) as never },
            'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: { type: 'string', format: 'binary' } },
          },
        },
        404: json(ErrorBody, 'No such bureau'),
      },
    },
    async ({ query, principal }) => {
      const bureau = await askedBureau(deps.prisma, principal, query.bureau);
      const report = await inspectionReport(deps.prisma, bureau.code, await deps.clock());
      if (query.format === 'xlsx') {
        return {
          status: 200,
          file: await inspectionWorkbook(report, bureau.name),
          contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
          fileName: `${bureau.name}督促检查.xlsx`,
        };
      }
      return { status: 200, body: { bureau: bureau.code, departments: report } };
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'get',
      path: '/api/v1/outcome-figures',
      summary: 'Outcome figures per department over whole months: coverage, renewal before expiry, lapses, reminders by channel and outcome, overdue tasks',
      tags: ['supervision'],
      access: ['supervisor', 'admin'],
      query: OutcomeQuery,
      responses: {
        200: {
          description: 'The figures, as JSON or as an Excel workbook',
          content: {
            'application/json': { schema: z.object({ bureau: z.string(), period: z.object({ from: z.string(), to: z.string() }), departments: z.array(z.unknown()) }) as never },
            'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: { type: 'string', format: 'binary' } },
          },
        },
        404: json(ErrorBody, 'No such bureau'),
      },
    },
    async ({ query, principal }) => {
      const bureau = await askedBureau(deps.prisma, principal, query.bureau);
      const now = await deps.clock();
      const figures = await outcomeFigures(deps.prisma, bureau.code, askedPeriod(query, now, bureau.timeZone), now);
      if (query.format === 'xlsx') {
        return {
          status: 200,
          file: await outcomeWorkbook(figures, bureau.name),
          contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
          fileName: `${bureau.name}提醒成效${figures.period.from}至${figures.period.to}.xlsx`,
        };
      }
      return { status: 200, body: figures };
    },
  );

  return router;
}
