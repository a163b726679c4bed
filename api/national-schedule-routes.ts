import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import type { PrismaClient } from '../generated/prisma/client';
import type { Clock } from '../services/clock';
import { loadNationalSchedule, NationalScheduleBody, SCHEDULE_DAY_KINDS, yearsAhead } from '../services/national-schedule';
import { packageDays, STATUTORY_YEARS } from '../services/working-calendar';
import { json } from './openapi-helpers';
import { defineRoute } from './routing';

export interface NationalScheduleRoutesDependencies {
  prisma: PrismaClient;
  clock: Clock;
}

const YearParams = z.object({ year: z.coerce.number().int().min(2000).max(2100).openapi({ example: 2027 }) });

const ScheduleYearView = z
  .object({
    year: z.number().int(),
    source: z.string().describe("data-package (chinese-days) or the notice the administrator's schedule was typed from"),
    loadedAt: z.iso.datetime().nullable(),
    loadedBy: z.string().nullable(),
    days: z.array(z.object({ date: z.string(), kind: z.enum(SCHEDULE_DAY_KINDS), name: z.string() })),
  })
  .openapi('NationalScheduleYear');

const CoverageView = z
  .object({
    packageYears: z.array(z.number().int()).describe('years the data package covers'),
    loadedYears: z.array(z.object({ year: z.number().int(), source: z.string(), loadedAt: z.iso.datetime(), loadedBy: z.string() })),
    uncoveredAhead: z.array(z.number().int()).describe('years of the next twelve months with no holidays known: reminders there count weekends only'),
  })
  .openapi('NationalScheduleCoverage');

/** The national holiday schedule, loaded once a year for every bureau (see services/national-schedule.ts). */
export function nationalScheduleRoutes(registry: OpenAPIRegistry, deps: NationalScheduleRoutesDependencies): Router {
  const router = Router();

  defineRoute(
    router,
    registry,
    {
      method: 'get',
      path: '/api/v1/national-schedule',
      summary: 'Which years have their national holidays known, and which of the next twelve months do not',
      tags: ['calendar'],
      access: ['system', 'specialist', 'supervisor', 'admin'],
      responses: { 200: json(CoverageView, 'The coverage') },
    },
    async () => {
      const loaded = await deps.prisma.nationalScheduleYear.findMany({ orderBy: { year: 'asc' } });
      const known = new Set([...STATUTORY_YEARS, ...loaded.map((row) => row.year)]);
      return {
        status: 200,
        body: {
          packageYears: [...STATUTORY_YEARS].sort((a, b) => a - b),
          loadedYears: loaded.map((row) => ({ year: row.year, source: row.source, loadedAt: row.loadedAt.toISOString(), loadedBy: row.loadedBy })),
          uncoveredAhead: yearsAhead(await deps.clock()).filter((year) => !known.has(year)),
        },
      };
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'get',
      path: '/api/v1/national-schedule/{year}',
      summary: "A year's national days off and make-up working days, loaded or from the data package",
      tags: ['calendar'],
      access: ['system', 'specialist', 'supervisor', 'admin'],
      params: YearParams,
      responses: { 200: json(ScheduleYearView, 'The year (no days: nobody loaded it and the package ends before it)') },
    },
    async ({ params }) => {
      const loaded = await deps.prisma.nationalScheduleYear.findUnique({ where: { year: params.year }, include: { days: { orderBy: { date: 'asc' } } } });
      if (loaded) {
        return {
          status: 200,
          body: {
            year: loaded.year,
            source: loaded.source,
            loadedAt: loaded.loadedAt.toISOString(),
            loadedBy: loaded.loadedBy,
            days: loaded.days.map((day) => ({ date: day.date, kind: day.kind as (typeof SCHEDULE_DAY_KINDS)[number], name: day.name })),
          },
        };
      }
      return { status: 200, body: { year: params.year, source: 'data-package', loadedAt: null, loadedBy: null, days: packageDays(params.year) } };
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'put',
      path: '/api/v1/national-schedule/{year}',
      summary: "Load a year's national schedule for every bureau, typed from the State Council's notice (JSON days, or CSV date,kind,name)",
      description:
        "Replaces the year's schedule, and the data package for that year. Each bureau's own overrides still apply on top. Waits already planned keep their instants; the next step of every licence is planned on the new calendar.",
      tags: ['calendar'],
      access: ['admin'],
      params: YearParams,
      body: NationalScheduleBody,
      responses: { 200: json(z.object({ year: z.number().int(), days: z.number().int() }), 'Loaded') },
    },
    async ({ params, body, principal }) => ({ status: 200, body: await loadNationalSchedule(deps.prisma, params.year, body, principal.name) }),
  );

  return router;
}
