import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { Client } from '@temporalio/client';
import { Router } from 'express';
import { z } from 'zod';
import { DAY_COUNTS, DEFAULT_LADDER, missingGuidance, type LadderStep } from '../domain';
import type { CatalogueEntry, PrismaClient } from '../generated/prisma/client';
import { createCatalogueEntry, retireCatalogueEntry, updateCatalogueEntry, updateDepartmentLadder } from '../services/catalogue';
import type { CatalogueEntryCache } from '../services/licence-registration';
import { actorOf } from '../services/access/principal';
import { REGULATOR_ROLES } from '../services/regulators';
import { assertBureau } from './access';
import { ApiError } from './errors';
import { json } from './openapi-helpers';
import { defineRoute } from './routing';
import { AuditTrail, auditTrailOf, ErrorBody, identifier, nameText, PhoneSchema, text, WebUrlSchema } from './schemas';

export interface CatalogueRoutesDependencies {
  prisma: PrismaClient;
  temporal: Client;
  taskQueue: string;
  /** The entries registrations keep, forgotten on every change. */
  catalogueEntries: CatalogueEntryCache;
}

/** The renewal guidance fields of an entry (精准提醒), also edited on the catalogue page. */
export const Guidance = {
  renewalDeadline: text(100).nullable().optional().openapi({ description: '申请换证时限', example: '届满前30个工作日' }),
  officeAddress: text(200).nullable().optional().openapi({ description: '办理地点' }),
  servicePhone: PhoneSchema.nullable().optional().openapi({ description: '服务电话' }),
  materials: z.array(text(200)).max(50).optional().openapi({ description: '提交材料清单' }),
  bookingUrl: WebUrlSchema.nullable().optional().openapi({ description: '预约链接' }),
};

const Editable = {
  departmentName: nameText(100).optional(),
  approvalItem: nameText(200).optional(),
  licenceName: nameText(200).optional(),
  validityText: text(200).optional().openapi({ description: '有效期 as published: 5年, 3至5年, 2至5年,1年(C类), 无, 随公司许可时间而定 …' }),
  reminderLeadMonths: z.number().int().min(1).max(12).optional().openapi({ description: 'Months before expiry that reminders start; a change re-plans running licences' }),
  graceDays: z.number().int().min(0).max(365).optional(),
  regulators: z
    .array(z.strictObject({ id: identifier(100), role: z.enum(REGULATOR_ROLES) }))
    .max(20)
    .optional()
    .openapi({
      description:
        "The bureau's regulators its decisions, revocations and lapses are pushed to (审管协同): exactly one competent department (主管部门) and any supervising ones (事中事后监管部门). Replaces the entry's list.",
      example: [{ id: 'weihai:market-supervision', role: 'competent' }],
    }),
  regulatorIds: z
    .array(identifier(100))
    .min(1, 'must name at least one regulator')
    .max(20)
    .optional()
    .openapi({ deprecated: true, description: 'The same as `regulators` by id: the first is the competent department, the others supervise', example: ['weihai:market-supervision'] }),
  regulatorsNotWanted: z.boolean().optional().openapi({ description: 'Says explicitly that the decisions of this type go to no regulator; an entry that reminds needs regulators otherwise' }),
  ...Guidance,
};

const CatalogueEntryChange = z
  .strictObject({ ...Editable })
  .refine((entry) => !(entry.regulators && entry.regulatorIds), { path: ['regulatorIds'], message: 'send regulators or regulatorIds, not both' })
  .openapi('CatalogueEntryChange');

// The README grants supervisors the renewal guidance; the rest of an entry is the administrator's.
const SUPERVISOR_EDITABLE = new Set(Object.keys(Guidance));

const NewCatalogueEntry = z
  .strictObject({
    ...Editable,
    bureau: identifier(64),
    code: text(32).regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, - and _ only'),
    departmentName: nameText(100),
    approvalItem: nameText(200),
    licenceName: nameText(200),
    validityText: text(200),
  })
  .refine((entry) => !(entry.regulators && entry.regulatorIds), { path: ['regulatorIds'], message: 'send regulators or regulatorIds, not both' })
  .openapi('NewCatalogueEntry');
const Retirement = z.strictObject({ reason: text(500) }).openapi('CatalogueRetirement');

const CatalogueEntryView = z
  .object({
    id: z.string(),
    bureau: z.string(),
    code: z.string(),
    department: z.string(),
    approvalItem: z.string(),
    licenceName: z.string(),
    validityText: z.string(),
    validityRule: z.unknown().openapi({ description: 'The validity text as a rule: years (min, max, by class), none, or follows_parent' }),
    reminderLeadMonths: z.number().int(),
    graceDays: z.number().int(),
    remindersEnabled: z.boolean(),
    guidance: z.object({
      renewalDeadline: z.string().nullable(),
      officeAddress: z.string().nullable(),
      servicePhone: z.string().nullable(),
      materials: z.array(z.string()),
      bookingUrl: z.string().nullable(),
      complete: z.boolean().openapi({ description: 'Deadline, address, phone and materials are set, so reminder letters can be written' }),
    }),
    regulators: z.array(z.object({ id: z.string(), name: z.string(), role: z.string() })).openapi({ description: 'Who hears of its decisions, revocations and lapses' }),
    regulatorsNotWanted: z.boolean().openapi({ description: 'The entry said that its decisions go to no regulator' }),
    version: z.number().int(),
    retiredAt: z.iso.datetime().nullable(),
  })
  .openapi('CatalogueEntry');

const ReplanJobView = z
  .object({ id: z.string(), catalogueEntryId: z.string(), reason: z.string(), status: z.string(), total: z.number(), done: z.number(), failed: z.number(), lastError: z.string().nullable() })
  .openapi('ReplanJob');

const days = (max: number) => z.number().int().min(0).max(max);
const countIn = z
  .enum(DAY_COUNTS)
  .optional()
  .describe('how waitDays / retryAfterDays are counted: calendar_days (default) or working_days on the bureau calendar');
const LadderSchema = z
  .array(
    z.discriminatedUnion('channel', [
      z.strictObject({ channel: z.literal('auto_prompt'), waitDays: days(90), countIn }),
      z.strictObject({ channel: z.literal('sms'), waitDays: days(90), countIn }),
      z
        .strictObject({ channel: z.literal('wechat'), waitDays: days(90), countIn })
        .describe('a WeChat service-account message to a holder who bound the licence; the others get the SMS instead'),
      z.strictObject({ channel: z.literal('phone_call'), maxAttempts: z.number().int().min(1).max(10), retryAfterDays: days(30), dueWorkingDays: days(30), countIn }),
      z.strictObject({ channel: z.literal('letter'), dueWorkingDays: days(30) }),
    ]),
  )
  .min(1, 'a ladder needs at least one step')
  .max(10)
  .openapi('Ladder', { description: 'The steps in order; waitDays counts from the step to the next one' });

const DepartmentView = z
  .object({ id: z.string(), bureau: z.string(), name: z.string(), ladder: LadderSchema, customLadder: z.boolean() })
  .openapi('Department');

const EntryIdParams = z.object({ id: text(100).openapi({ example: 'weihai:WH01' }) });

type EntryRow = CatalogueEntry & { department: { name: string }; regulators: Array<{ role: string; regulator: { id: string; name: string } }> };

const entryInclude = { department: true, regulators: { include: { regulator: true }, orderBy: [{ role: 'asc' as const }, { regulatorId: 'asc' as const }] } };

function viewOf(entry: EntryRow): z.infer<typeof CatalogueEntryView> {
  return {
    id: entry.id,
    bureau: entry.bureauCode,
    code: entry.code,
    department: entry.department.name,
    approvalItem: entry.approvalItem,
    licenceName: entry.licenceName,
    validityText: entry.validityText,
    validityRule: entry.validityRule,
    reminderLeadMonths: entry.reminderLeadMonths,
    graceDays: entry.graceDays,
    remindersEnabled: entry.remindersEnabled,
    guidance: {
      renewalDeadline: entry.renewalDeadline,
      officeAddress: entry.officeAddress,
      servicePhone: entry.servicePhone,
      materials: entry.materials,
      bookingUrl: entry.bookingUrl,
      complete: missingGuidance(entry).length === 0,
    },
    regulators: entry.regulators.map(({ role, regulator }) => ({ id: regulator.id, name: regulator.name, role })),
    regulatorsNotWanted: entry.regulatorsNotWanted,
    version: entry.version,
    retiredAt: entry.retiredAt?.toISOString() ?? null,
  };
}

/** The reminder catalogue (到期提醒证照目录): list, read, create, change, retire, with an audit trail. */
export function catalogueRoutes(registry: OpenAPIRegistry, deps: CatalogueRoutesDependencies): Router {
  const router = Router();
  const entryOf = async (id: string) => {
    const entry = await deps.prisma.catalogueEntry.findUnique({ where: { id }, include: entryInclude });
    if (!entry) throw ApiError.notFound(`Catalogue entry ${id}`, 'params.id');
    return entry;
  };

  defineRoute(
    router,
    registry,
    {
      method: 'get',
      path: '/api/v1/catalogue',
      summary: "A bureau's catalogue of licences reminded before expiry",
      tags: ['catalogue'],
      access: ['system', 'specialist', 'supervisor', 'admin'],
      query: z.strictObject({ bureau: text(64), includeRetired: z.enum(['true', 'false']).default('false') }),
      responses: { 200: json(z.object({ entries: z.array(CatalogueEntryView) }), 'The entries'), 400: json(ErrorBody, 'Bad query') },
    },
    async ({ query, principal }) => {
      assertBureau(principal, query.bureau);
      const entries = await deps.prisma.catalogueEntry.findMany({
        where: { bureauCode: query.bureau, ...(query.includeRetired === 'true' ? {} : { retiredAt: null }) },
        include: entryInclude,
        orderBy: { code: 'asc' },
      });
      return { status: 200, body: { entries: entries.map(viewOf) } };
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'get',
      path: '/api/v1/catalogue/{id}',
      summary: 'One catalogue entry with its audit trail',
      tags: ['catalogue'],
      access: ['system', 'specialist', 'supervisor', 'admin'],
      params: EntryIdParams,
      responses: {
        200: json(
          CatalogueEntryView.extend({
            changes: AuditTrail,
          }),
          'The entry',
        ),
        404: json(ErrorBody, 'No such entry'),
      },
    },
    async ({ params, principal }) => {
      const entry = await entryOf(params.id);
      assertBureau(principal, entry.bureauCode);
      const changes = await deps.prisma.catalogueChange.findMany({ where: { catalogueEntryId: entry.id }, orderBy: { version: 'asc' } });
      return {
        status: 200,
        body: {
          ...viewOf(entry),
          changes: auditTrailOf(changes),
        },
      };
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'post',
      path: '/api/v1/catalogue',
      summary: 'Add an entry to a bureau catalogue',
      tags: ['catalogue'],
      access: ['admin'],
      body: NewCatalogueEntry,
      responses: { 201: json(CatalogueEntryView, 'Created'), 400: json(ErrorBody, 'Invalid entry'), 404: json(ErrorBody, 'No such bureau'), 409: json(ErrorBody, 'The code exists') },
    },
    async ({ body, principal }) => {
      const created = await createCatalogueEntry(deps.prisma, body, actorOf(principal));
      deps.catalogueEntries.forget();
      return { status: 201, body: viewOf(await entryOf(created.id)) };
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'patch',
      path: '/api/v1/catalogue/{id}',
      summary: 'Change an entry; a new lead time re-plans every running licence of the entry',
      description: 'Supervisors change the renewal guidance (servicePhone, office, materials, bookingUrl …); the other fields are the administrator\'s (403 naming them). The audit trail records the caller.',
      tags: ['catalogue'],
      access: ['supervisor', 'admin'],
      params: EntryIdParams,
      body: CatalogueEntryChange,
      responses: {
        200: json(CatalogueEntryView.extend({ replanJob: ReplanJobView.nullable() }), 'The new version'),
        400: json(ErrorBody, 'Invalid change'),
        404: json(ErrorBody, 'No such entry'),
        409: json(ErrorBody, 'Retired, or changed by someone else meanwhile'),
      },
    },
    async ({ params, body, principal }) => {
      assertBureau(principal, (await entryOf(params.id)).bureauCode);
      if (principal.role === 'supervisor') {
        const notTheirs = Object.keys(body).filter((field) => !SUPERVISOR_EDITABLE.has(field));
        if (notTheirs.length > 0) {
          throw new ApiError(
            403,
            'forbidden',
            'Supervisors edit the renewal guidance; the rest of an entry is changed by an administrator.',
            notTheirs.map((field) => ({ path: field, message: 'only an administrator changes this' })),
          );
        }
      }
      const { replanJobId } = await updateCatalogueEntry(deps, params.id, body, actorOf(principal));
      deps.catalogueEntries.forget();
      const job = replanJobId ? await deps.prisma.replanJob.findUniqueOrThrow({ where: { id: replanJobId } }) : null;
      return { status: 200, body: { ...viewOf(await entryOf(params.id)), replanJob: job } };
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'post',
      path: '/api/v1/catalogue/{id}/retire',
      summary: 'Retire an entry: no new registrations; registered licences live on',
      tags: ['catalogue'],
      access: ['admin'],
      params: EntryIdParams,
      body: Retirement,
      responses: { 200: json(CatalogueEntryView, 'Retired'), 404: json(ErrorBody, 'No such entry'), 409: json(ErrorBody, 'Already retired') },
    },
    async ({ params, body, principal }) => {
      await retireCatalogueEntry(deps.prisma, params.id, actorOf(principal), body.reason);
      deps.catalogueEntries.forget();
      return { status: 200, body: viewOf(await entryOf(params.id)) };
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'get',
      path: '/api/v1/catalogue/replans/{jobId}',
      summary: 'Progress of a re-plan job',
      tags: ['catalogue'],
      access: ['supervisor', 'admin'],
      params: z.object({ jobId: z.uuid() }),
      responses: { 200: json(ReplanJobView, 'The job'), 404: json(ErrorBody, 'No such job') },
    },
    async ({ params, principal }) => {
      const job = await deps.prisma.replanJob.findUnique({ where: { id: params.jobId }, include: { catalogueEntry: true } });
      if (job) assertBureau(principal, job.catalogueEntry.bureauCode);
      if (!job) throw ApiError.notFound(`Re-plan job ${params.jobId}`, 'params.jobId');
      return { status: 200, body: job };
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'get',
      path: '/api/v1/departments',
      summary: "A bureau's departments (审批科室 / 审批组) and the escalation ladder each uses",
      tags: ['catalogue'],
      access: ['system', 'specialist', 'supervisor', 'admin'],
      query: z.strictObject({ bureau: text(64) }),
      responses: { 200: json(z.object({ departments: z.array(DepartmentView) }), 'The departments'), 400: json(ErrorBody, 'Bad query') },
    },
    async ({ query, principal }) => {
      assertBureau(principal, query.bureau);
      const departments = await deps.prisma.department.findMany({ where: { bureauCode: query.bureau }, orderBy: { name: 'asc' } });
      return {
        status: 200,
        body: {
          departments: departments.map((department) => ({
            id: department.id,
            bureau: department.bureauCode,
            name: department.name,
            ladder: (department.ladder as LadderStep[] | null) ?? [...DEFAULT_LADDER],
            customLadder: department.ladder !== null,
          })),
        },
      };
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'patch',
      path: '/api/v1/departments/{id}',
      summary: "Set a department's escalation ladder (the seeds let each department pick its methods); its running licences are re-planned",
      tags: ['catalogue'],
      access: ['admin'],
      params: z.object({ id: text(120).openapi({ example: 'weihai:市场准入二科' }) }),
      body: z.strictObject({ ladder: LadderSchema }).openapi('DepartmentLadderChange'),
      responses: {
        200: json(z.object({ id: z.string(), ladder: LadderSchema, replanJobs: z.record(z.string(), z.string()) }), 'The new ladder and the re-plan job of each entry'),
        400: json(ErrorBody, 'An invalid ladder'),
        404: json(ErrorBody, 'No such department'),
      },
    },
    async ({ params, body, principal }) => {
      const replanJobs = await updateDepartmentLadder(deps, params.id, body.ladder, actorOf(principal));
      deps.catalogueEntries.forget();
      return { status: 200, body: { id: params.id, ladder: body.ladder, replanJobs } };
    },
  );

  return router;
}
