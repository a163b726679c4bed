import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import { sendWindowProblems } from '../domain';
import type { PrismaClient } from '../generated/prisma/client';
import { calendarYear, CALENDAR_OVERRIDE_KINDS, setCalendarOverride } from '../services/working-calendar';
import { ApiError } from './errors';
import { json } from './openapi-helpers';
import { assertBureau } from './access';
import { bureauOr404 } from './bureaus';
import { defineRoute } from './routing';
import { CalendarDateSchema, ErrorBody, nameText } from './schemas';

export interface CalendarRoutesDependencies {
  prisma: PrismaClient;
}

const BureauParams = z.object({ bureau: z.string().min(1).openapi({ example: 'weihai' }) });
const YearQuery = z.strictObject({ year: z.coerce.number().int().min(2000).max(2100).openapi({ example: 2027 }) });
const OverrideParams = BureauParams.extend({ date: CalendarDateSchema });
export const OverrideBody = z
  .strictObject({
    kind: z.enum(CALENDAR_OVERRIDE_KINDS).describe('day_off: a holiday, even on a weekday; working_day: a make-up working day (调休), even on a weekend'),
    name: nameText(50).openapi({ example: '国庆节' }),
  })
  .openapi('CalendarOverride');
const SendWindowSchema = z
  .strictObject({
    opens: z.string().openapi({ example: '09:00' }),
    closes: z.string().openapi({ example: '18:00' }),
  })
  .superRefine((window, context) => {
    for (const problem of sendWindowProblems(window)) {
      context.addIssue({ code: 'custom', path: [problem.startsWith('closes') ? 'closes' : 'opens'], message: problem });
    }
  })
  .openapi('SendWindow', { description: 'Local hours (HH:mm) of a working day in which SMS and phone tasks go out' });
const CalendarView = z
  .object({
    bureau: z.string(),
    year: z.number(),
    timeZone: z.string(),
    sendWindow: SendWindowSchema,
    statutory: z.boolean().describe('whether the statutory data package covers the year'),
    covered: z.boolean().describe("whether the year's holidays are known (the package, or a national schedule an administrator loaded); an uncovered year counts weekends only, whatever overrides it has"),
    nationalSchedule: z.object({ source: z.string(), loadedAt: z.iso.datetime() }).nullable().describe('the national schedule loaded for the year, which replaces the package'),
    days: z.array(
      z.object({ date: z.string(), kind: z.enum(CALENDAR_OVERRIDE_KINDS), name: z.string(), source: z.enum(['statutory', 'national', 'bureau']) }),
    ),
  })
  .openapi('WorkingCalendarYear');

/**
 * A bureau's working-day calendar: the statutory holidays and make-up working days (调休), its own
 * overrides for a year the package does not cover yet, and its send window.
 */
export function calendarRoutes(registry: OpenAPIRegistry, deps: CalendarRoutesDependencies): Router {
  const router = Router();

  const bureauOf = (code: string) => bureauOr404(deps.prisma, code, 'params.bureau');

  const yearView = async (code: string, year: number): Promise<z.infer<typeof CalendarView>> => {
    const bureau = await bureauOf(code);
    return {
      bureau: bureau.code,
      year,
      timeZone: bureau.timeZone,
      sendWindow: { opens: bureau.sendWindowOpens, closes: bureau.sendWindowCloses },
      ...(await calendarYear(deps.prisma, bureau.code, year)),
    };
  };

  defineRoute(
    router,
    registry,
    {
      method: 'get',
      path: '/api/v1/bureaus/{bureau}/calendar',
      access: ['system', 'specialist', 'supervisor', 'admin'],
      summary: "A bureau's holidays and make-up working days in one year, and its send window",
      tags: ['calendar'],
      params: BureauParams,
      query: YearQuery,
      responses: { 200: json(CalendarView, 'The year'), 400: json(ErrorBody, 'Bad year'), 404: json(ErrorBody, 'No such bureau') },
    },
    async ({ params, query, principal }) => {
      assertBureau(principal, params.bureau);
      return { status: 200, body: await yearView(params.bureau, query.year) };
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'put',
      path: '/api/v1/bureaus/{bureau}/calendar/overrides/{date}',
      access: ['supervisor', 'admin'],
      summary: 'Sets one day of the bureau calendar (a holiday or a make-up working day); it wins over the statutory package',
      description: 'Reminders waiting for a send window or a deadline pick the change up at their next step.',
      tags: ['calendar'],
      params: OverrideParams,
      body: OverrideBody,
      responses: { 200: json(CalendarView, "The override's year"), 400: json(ErrorBody, 'Bad date or kind'), 404: json(ErrorBody, 'No such bureau') },
    },
    async ({ params, body, principal }) => {
      assertBureau(principal, params.bureau);
      await bureauOf(params.bureau);
      await setCalendarOverride(deps.prisma, params.bureau, params.date, body);
      return { status: 200, body: await yearView(params.bureau, Number(params.date.slice(0, 4))) };
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'delete',
      path: '/api/v1/bureaus/{bureau}/calendar/overrides/{date}',
      access: ['supervisor', 'admin'],
      summary: "Removes the bureau's override of a day; the statutory package decides it again",
      tags: ['calendar'],
      params: OverrideParams,
      responses: { 200: json(CalendarView, "The override's year"), 404: json(ErrorBody, 'No such bureau or override') },
    },
    async ({ params, principal }) => {
      assertBureau(principal, params.bureau);
      await bureauOf(params.bureau);
      const removed = await deps.prisma.calendarOverride.deleteMany({ where: { bureauCode: params.bureau, date: params.date } });
      if (removed.count === 0) throw ApiError.notFound(`Calendar override ${params.date} of bureau ${params.bureau}`, 'params.date');
      return { status: 200, body: await yearView(params.bureau, Number(params.date.slice(0, 4))) };
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'put',
      path: '/api/v1/bureaus/{bureau}/send-window',
      access: ['supervisor', 'admin'],
      summary: 'Sets the local hours in which SMS and phone tasks go out on working days',
      tags: ['calendar'],
      params: BureauParams,
      body: SendWindowSchema,
      responses: { 200: json(SendWindowSchema, 'The send window'), 400: json(ErrorBody, 'Bad hours'), 404: json(ErrorBody, 'No such bureau') },
    },
    async ({ params, body, principal }) => {
      assertBureau(principal, params.bureau);
      await bureauOf(params.bureau);
      const bureau = await deps.prisma.bureau.update({ where: { code: params.bureau }, data: { sendWindowOpens: body.opens, sendWindowCloses: body.closes } });
      return { status: 200, body: { opens: bureau.sendWindowOpens, closes: bureau.sendWindowCloses } };
    },
  );

  return router;
}
