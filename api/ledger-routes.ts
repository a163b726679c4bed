import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import { REMINDER_CHANNELS } from '../domain';
import type { PrismaClient } from '../generated/prisma/client';
import type { Clock } from '../services/clock';
import type { Principal } from '../services/access/principal';
import { aliyunBatchSms, ledgerCsv, ledgerWorkbook, tencentBatchSms, type LedgerExportRow } from '../services/ledger-export';
import { ledgerPage, ledgerRows } from '../services/ledger-query';
import { remindList, remindListRows } from '../services/remind-list';
import { assertBureau } from './access';
import { ApiError } from './errors';
import { json } from './openapi-helpers';
import { defineRoute } from './routing';
import { CalendarDateSchema, ErrorBody, text } from './schemas';

export interface LedgerRoutesDependencies {
  prisma: PrismaClient;
  clock: Clock;
}

const LEDGER_FORMATS = ['json', 'xlsx', 'csv', 'sms-aliyun', 'sms-tencent'] as const;

// How a ledger is exported, for the reminder ledger and the to-remind list alike.
const ExportFields = {
  format: z.enum(LEDGER_FORMATS).default('json'),
  signName: text(64).optional().openapi({ description: 'SMS sign name (签名), for the sms-* formats' }),
  templateCode: text(64).optional().openapi({ description: 'Aliyun template code, for sms-aliyun' }),
  templateId: text(64).optional().openapi({ description: 'Tencent Cloud template id, for sms-tencent' }),
  smsSdkAppId: text(64).optional().openapi({ description: 'Tencent Cloud SmsSdkAppId, for sms-tencent' }),
};
type ExportQuery = { format: (typeof LEDGER_FORMATS)[number]; signName?: string; templateCode?: string; templateId?: string; smsSdkAppId?: string };

function exportProblems(query: ExportQuery, context: z.RefinementCtx): void {
  const needs = (format: string, fields: Array<'signName' | 'templateCode' | 'templateId' | 'smsSdkAppId'>) => {
    if (query.format !== format) return;
    for (const field of fields) {
      if (!query[field]) context.addIssue({ code: 'custom', path: [field], message: `is required for format=${format}` });
    }
  };
  needs('sms-aliyun', ['signName', 'templateCode']);
  needs('sms-tencent', ['signName', 'templateId', 'smsSdkAppId']);
}

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
    ...ExportFields,
  })
  .superRefine((query, context) => {
    if (query.from && query.to && query.from > query.to) context.addIssue({ code: 'custom', path: ['to'], message: `must not be before from (${query.from})` });
    exportProblems(query, context);
  });

/**
 * The department whose ledger a caller reads: a specialist reads their own department's only (asking
 * for another is refused), everyone else the one asked for, or all.
 */
function departmentFor(principal: Principal, asked: string | undefined): string | undefined {
  if (principal.role !== 'specialist') return asked;
  if (asked !== undefined && asked !== principal.departmentName) {
    throw new ApiError(403, 'forbidden', `A specialist reads the ledger of their own department (${principal.departmentName}), not of ${asked}.`, [
      { path: 'query.department', message: `must be ${principal.departmentName}, or left out` },
    ]);
  }
  return principal.departmentName ?? undefined;
}

/** The rows as the file or SMS request bodies the query asks for. */
async function exportOf(rows: LedgerExportRow[], query: ExportQuery, names: { bureauName: string; department?: string; what: string }) {
  const stem = `${names.bureauName || '行政审批服务局'}${names.what}${names.department ? `-${names.department}` : ''}`;
  switch (query.format) {
    case 'xlsx':
      return {
        status: 200,
        file: await ledgerWorkbook(rows, { bureauName: names.bureauName, departmentName: names.department }),
        contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        fileName: `${stem}.xlsx`,
      };
    case 'csv':
      return { status: 200, file: ledgerCsv(rows), contentType: 'text/csv; charset=utf-8', fileName: `${stem}.csv` };
    case 'sms-aliyun':
      return { status: 200, body: aliyunBatchSms(rows, { signName: query.signName!, templateCode: query.templateCode! }) };
    default:
      return { status: 200, body: tencentBatchSms(rows, { signName: query.signName!, templateId: query.templateId!, smsSdkAppId: query.smsSdkAppId! }) };
  }
}

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

const SkippedSmsRow = z
  .object({
    row: z.object({
      departmentName: z.string(),
      holderName: z.string(),
      licenceName: z.string(),
      licenceNumber: z.string(),
      expiresOn: z.string(),
      contactName: z.string(),
      contactPhone: z.string(),
    }),
    reason: z.enum(['no contact phone', 'not an 11-digit mainland mobile number', 'same number and message as an earlier row']),
  })
  .openapi('SkippedSmsRow', { description: 'A row no SMS request carries, so that someone reaches that holder another way' });

const AliyunSmsBatch = z
  .object({
    requests: z.array(
      z.object({
        PhoneNumberJson: z.string(),
        SignNameJson: z.string(),
        TemplateCode: z.string(),
        TemplateParamJson: z.string(),
      }),
    ),
    skipped: z.array(SkippedSmsRow),
  })
  .openapi('AliyunSmsBatch', { description: 'format=sms-aliyun: SendBatchSms bodies of at most 100 numbers; each *Json field is a JSON-encoded array, one element per number' });

const TencentSmsBatch = z
  .object({
    requests: z.array(
      z.object({
        PhoneNumberSet: z.array(z.string()),
        SmsSdkAppId: z.string(),
        SignName: z.string(),
        TemplateId: z.string(),
        TemplateParamSet: z.array(z.string()),
      }),
    ),
    skipped: z.array(SkippedSmsRow),
  })
  .openapi('TencentSmsBatch', { description: 'format=sms-tencent: SendSms (2021-01-11) bodies of at most 200 numbers sharing one parameter set' });

const WindowOpenQuery = z
  .strictObject({
    bureau: text(64),
    department: text(100).optional(),
    opensWithinDays: z.coerce
      .number()
      .int()
      .min(0)
      .max(92)
      .default(0)
      .openapi({ description: 'Also the licences whose window opens within this many days: the 台账 prepared before reminding' }),
    ...ExportFields,
  })
  .superRefine(exportProblems);

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
      access: ['system', 'specialist', 'supervisor', 'admin'],
      query: LedgerQuery,
      responses: {
        200: {
          description: 'The rows, or the export',
          content: {
            'application/json': { schema: z.union([z.object({ rows: z.array(LedgerRow), page: z.number(), pageSize: z.number(), total: z.number() }), AliyunSmsBatch, TencentSmsBatch]) as never },
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
      const department = departmentFor(principal, query.department);
      const filter = {
        bureau: query.bureau,
        department,
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
      return exportOf(rows, query, { bureauName: bureau?.name ?? '', department, what: '证照到期提醒台账' });
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'get',
      path: '/api/v1/ledger/window-open',
      summary: "The to-remind list: licences whose reminder window is open, per department, with contact and reminder status (the notice's step 三(二))",
      description:
        'A specialist reads their own department’s list. format=xlsx is the 台账 in the layout of 附件2 with every licence of the list, 提醒日期 and 提醒人 empty until it is reminded; sms-aliyun and sms-tencent are batch requests carrying every parameter of the licence’s own SMS template, in its order.',
      tags: ['ledger'],
      access: ['system', 'specialist', 'supervisor', 'admin'],
      query: WindowOpenQuery,
      responses: {
        200: {
          description: 'The licences, or the export',
          content: {
            'application/json': { schema: z.union([z.object({ licences: z.array(WindowOpenLicence) }), AliyunSmsBatch, TencentSmsBatch]) as never },
            ...FILE('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'xlsx').content,
            ...FILE('text/csv', 'csv').content,
          },
        },
        400: json(ErrorBody, 'Bad filter, or an SMS format without its provider settings'),
      },
    },
    async ({ query, principal }) => {
      assertBureau(principal, query.bureau);
      const department = departmentFor(principal, query.department);
      const opensBy = new Date((await deps.clock()).getTime() + query.opensWithinDays * 86_400_000);
      const entries = await remindList(deps.prisma, { bureau: query.bureau, department, opensBy });
      if (query.format === 'json') return { status: 200, body: { licences: entries.map(({ smsParameters: _parameters, ...entry }) => entry) } };
      const bureau = await deps.prisma.bureau.findUnique({ where: { code: query.bureau } });
      if (!bureau) throw ApiError.notFound(`Bureau ${query.bureau}`, 'query.bureau');
      return exportOf(remindListRows(entries), query, { bureauName: bureau.name, department, what: '证照到期提醒台账（待提醒）' });
    },
  );

  return router;
}
