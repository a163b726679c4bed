import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import { REMINDER_CHANNELS, type LicenceStage } from '../domain';
import type { PrismaClient } from '../generated/prisma/client';
import { aliyunBatchSms, ledgerCsv, ledgerWorkbook, tencentBatchSms } from '../services/ledger-export';
import { ledgerPage, ledgerRows } from '../services/ledger-query';
import { calendarDateOf } from '../services/licence-registration';
import { assertBureau } from './access';
import { ApiError } from './errors';
import { json } from './openapi-helpers';
import { defineRoute } from './routing';
import { CalendarDateSchema, ErrorBody, text } from './schemas';

export interface LedgerRoutesDependencies {
  prisma: PrismaClient;
}

const WINDOW_OPEN_STAGES: readonly LicenceStage[] = ['window_open', 'renewal_pending', 'expired'];

const LEDGER_FORMATS = ['json', 'xlsx', 'csv', 'sms-aliyun', 'sms-tencent'] as const;

const LedgerQuery = z
  .strictObject({
    bureau: text(64).optional(),
    department: text(100).optional(),
    from: CalendarDateSchema.optional().openapi({ description: 'First reminder day (提醒日期), inclusive' }),
    to: CalendarDateSchema.optional().openapi({ description: 'Last reminder day, inclusive' }),
    channel: z.enum([...REMINDER_CHANNELS, 'expiry']).optional(),
    outcome: text(64).optional(),
    licenceId: z.uuid().optional(),
    page: z.coerce.number().int().min(1).default(1),
    pageSize: z.coerce.number().int().min(1).max(500).default(50),
    format: z.enum(LEDGER_FORMATS).default('json'),
    signName: text(64).optional().openapi({ description: 'SMS sign name (签名), for the sms-* formats' }),
    templateCode: text(64).optional().openapi({ description: 'Aliyun template code, for sms-aliyun' }),
    templateId: text(64).optional().openapi({ description: 'Tencent Cloud template id, for sms-tencent' }),
    smsSdkAppId: text(64).optional().openapi({ description: 'Tencent Cloud SmsSdkAppId, for sms-tencent' }),
  })
  .superRefine((query, context) => {
    if (query.from && query.to && query.from > query.to) context.addIssue({ code: 'custom', path: ['to'], message: `must not be before from (${query.from})` });
    const needs = (format: string, fields: Array<'signName' | 'templateCode' | 'templateId' | 'smsSdkAppId'>) => {
      if (query.format !== format) return;
      for (const field of fields) {
        if (!query[field]) context.addIssue({ code: 'custom', path: [field], message: `is required for format=${format}` });
      }
    };
    needs('sms-aliyun', ['signName', 'templateCode']);
    needs('sms-tencent', ['signName', 'templateId', 'smsSdkAppId']);
  });

const LedgerRow = z
  .object({
    id: z.string(),
    licenceId: z.string(),
    departmentName: z.string().openapi({ description: '科室' }),
    holderName: z.string().openapi({ description: '证照持有单位（个人）' }),
    licenceName: z.string().openapi({ description: '证照名称' }),
    licenceNumber: z.string(),
    expiresOn: CalendarDateSchema.openapi({ description: '期满日期' }),
    contactName: z.string().openapi({ description: '联系人' }),
    contactPhone: z.string().openapi({ description: '联系方式' }),
    remindedOn: CalendarDateSchema.openapi({ description: '提醒日期' }),
    remindedAt: z.iso.datetime(),
    remindedBy: z.string().openapi({ description: "提醒人: a specialist, or 'system'" }),
    channel: z.string(),
    outcome: z.string(),
  })
  .openapi('LedgerRow');

const WindowOpenQuery = z.strictObject({ bureau: text(64), department: text(100).optional() });

const WindowOpenLicence = z
  .object({
    licenceId: z.string(),
    departmentName: z.string(),
    licenceNumber: z.string(),
    licenceName: z.string(),
    holderName: z.string(),
    expiresOn: CalendarDateSchema,
    contact: z.object({ name: z.string(), phone: z.string(), flagged: z.boolean() }),
    stage: z.string(),
    remindersMade: z.number().int(),
    lastReminder: z.object({ remindedOn: CalendarDateSchema, channel: z.string(), outcome: z.string(), remindedBy: z.string() }).nullable(),
    openTask: z.object({ id: z.string(), kind: z.string(), dueAt: z.iso.datetime(), claimedBy: z.string().nullable() }).nullable(),
  })
  .openapi('WindowOpenLicence');

const FILE = (contentType: string, description: string) => ({ description, content: { [contentType]: { schema: { type: 'string', format: 'binary' } as never } } });

/** The ledgers (台账): reminder rows with filters and exports, and the open-window view per department. */
export function ledgerRoutes(registry: OpenAPIRegistry, deps: LedgerRoutesDependencies): Router {
  const router = Router();

  defineRoute(
    router,
    registry,
    {
      method: 'get',
      path: '/api/v1/ledger',
      summary: 'The reminder ledger (台账): one row per reminder made',
      description:
        'format=json pages the rows; xlsx is the published template (title, 科室 line, header, 序号), one sheet per department; csv is UTF-8 with a BOM; sms-aliyun and sms-tencent are request bodies for the providers\u2019 batch sending.',
      tags: ['ledger'],
      access: ['system', 'supervisor'],
      query: LedgerQuery,
      responses: {
        200: {
          description: 'The rows, or the export',
          content: {
            'application/json': { schema: z.object({ rows: z.array(LedgerRow), page: z.number(), pageSize: z.number(), total: z.number() }) as never },
            ...FILE('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'xlsx').content,
            ...FILE('text/csv', 'csv').content,
          },
        },
        400: json(ErrorBody, 'A bad filter, or an SMS format without its provider settings'),
        404: json(ErrorBody, 'No such bureau'),
      },
    },
    async ({ query, principal }) => {
      if (query.bureau) assertBureau(principal, query.bureau);
      // A bureau's staff and systems see their own bureau's ledger.
      query.bureau ??= principal.bureauCode ?? undefined;
      const filter = {
        bureau: query.bureau,
        department: query.department,
        from: query.from,
        to: query.to,
        channel: query.channel,
        outcome: query.outcome,
        licenceId: query.licenceId,
      };
      if (query.format === 'json') {
        const { rows, total } = await ledgerPage(deps.prisma, filter, query.page, query.pageSize);
        return { status: 200, body: { rows, page: query.page, pageSize: query.pageSize, total } };
      }
      let rows;
      try {
        rows = await ledgerRows(deps.prisma, filter);
      } catch (error) {
        throw new ApiError(400, 'export_too_large', error instanceof Error ? error.message : String(error));
      }
      const bureau = query.bureau ? await deps.prisma.bureau.findUnique({ where: { code: query.bureau } }) : null;
      if (query.bureau && !bureau) throw ApiError.notFound(`Bureau ${query.bureau}`, 'query.bureau');
      const stem = `${bureau?.name ?? '行政审批服务局'}证照到期提醒台账${query.department ? `-${query.department}` : ''}`;
      switch (query.format) {
        case 'xlsx':
          return {
            status: 200,
            file: await ledgerWorkbook(rows, { bureauName: bureau?.name ?? '', departmentName: query.department }),
            contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
            fileName: `${stem}.xlsx`,
          };
        case 'csv':
          return { status: 200, file: ledgerCsv(rows), contentType: 'text/csv; charset=utf-8', fileName: `${stem}.csv` };
        case 'sms-aliyun':
          return { status: 200, body: aliyunBatchSms(rows, { signName: query.signName!, templateCode: query.templateCode! }) };
        case 'sms-tencent':
          return {
            status: 200,
            body: tencentBatchSms(rows, { signName: query.signName!, templateId: query.templateId!, smsSdkAppId: query.smsSdkAppId! }),
          };
      }
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'get',
      path: '/api/v1/ledger/window-open',
      summary: "Licences whose reminder window is open, per department, with contact and reminder status (the notice's step 三(二))",
      tags: ['ledger'],
      access: ['system', 'supervisor'],
      query: WindowOpenQuery,
      responses: { 200: json(z.object({ licences: z.array(WindowOpenLicence) }), 'The licences'), 400: json(ErrorBody, 'Bad filter') },
    },
    async ({ query, principal }) => {
      assertBureau(principal, query.bureau);
      const licences = await deps.prisma.licence.findMany({
        where: {
          bureauCode: query.bureau,
          // The workflow decides when a window opened; its stage is the read model's word for it.
          stage: { in: [...WINDOW_OPEN_STAGES] },
          ...(query.department ? { catalogueEntry: { department: { name: query.department } } } : {}),
        },
        include: {
          catalogueEntry: { include: { department: true } },
          ledger: { orderBy: { remindedAt: 'desc' } },
          tasks: { where: { status: { in: ['open', 'claimed'] } }, orderBy: { dueAt: 'asc' }, take: 1 },
        },
        orderBy: [{ expiresOn: 'asc' }, { licenceNumber: 'asc' }],
        take: 2_000,
      });
      return {
        status: 200,
        body: {
          licences: licences.map((licence) => {
            const last = licence.ledger[0];
            const task = licence.tasks[0];
            return {
              licenceId: licence.id,
              departmentName: licence.catalogueEntry.department.name,
              licenceNumber: licence.licenceNumber,
              licenceName: licence.catalogueEntry.licenceName,
              holderName: licence.holderName,
              expiresOn: calendarDateOf(licence.expiresOn),
              contact: { name: licence.contactName, phone: licence.contactPhone, flagged: licence.contactFlaggedAt !== null },
              stage: licence.stage,
              remindersMade: licence.ledger.length,
              lastReminder: last
                ? { remindedOn: calendarDateOf(last.remindedOn), channel: last.channel, outcome: last.outcome, remindedBy: last.remindedBy }
                : null,
              openTask: task ? { id: task.id, kind: task.kind, dueAt: task.dueAt.toISOString(), claimedBy: task.claimedBy } : null,
            };
          }),
        },
      };
    },
  );

  return router;
}
