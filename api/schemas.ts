import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { isCalendarDate, LICENCE_STAGES } from '../domain';

extendZodWithOpenApi(z);

// Control characters have no place in names, numbers or addresses, and would garble the
// ledger exports and SMS templates; markup and template syntax have no place in a licence record.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;
const MARKUP_CHARACTERS = /[<>{}`\\]/;
// Names of holders, people and departments also never hold statement syntax (; = ").
const STATEMENT_CHARACTERS = /[;="]/;
// 证照编号, 申请编号 and codes: letters and digits of any script, and the separators numbers use.
const IDENTIFIER = /^[\p{L}\p{N}][\p{L}\p{N} \-_./:#()（）〔〕【】]*$/u;

/** Free text (an address, a note, a reason): trimmed, non-empty, at most `max` characters. */
export const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine((value) => !CONTROL_CHARACTERS.test(value), 'must not contain control characters')
    .refine((value) => !MARKUP_CHARACTERS.test(value), 'must not contain < > { } ` or \\ (markup or template syntax)');

/** A name (a holder, a person, a department, a licence type): free text without ; = or ". */
export const nameText = (max: number) => text(max).refine((value) => !STATEMENT_CHARACTERS.test(value), 'must not contain ; = or " (a name never does)');

/** A number or code (证照编号, 申请编号, a bureau code): letters, digits, spaces and - _ . / : # ( ) （ ） 〔 〕 【 】. */
export const identifier = (max: number) =>
  text(max).refine((value) => value === '' || IDENTIFIER.test(value), 'must be letters and digits, with only - _ . / : # ( ) （ ） 〔 〕 【 】 or spaces between them');

/** A web address a holder may open: http or https only (never javascript:, data: or file:). */
export const WebUrlSchema = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL, e.g. https://zwfw.example.gov.cn/book' });

export const CalendarDateSchema = z
  .string()
  .refine(isCalendarDate, 'must be a real date written YYYY-MM-DD, e.g. 2027-05-31')
  .openapi({ format: 'date', example: '2027-05-31' });

export const PhoneSchema = z
  .string()
  .trim()
  .regex(
    /^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/,
    'must be a mainland mobile number (11 digits starting with 1) or a landline with its area code, e.g. 0631-5201234',
  )
  .openapi({ example: '13800138000' });

// A holder is a person (resident ID) or an organisation (unified social credit code, GB 32100,
// whose alphabet leaves out I, O, S, V and Z).
export const HolderIdSchema = z
  .string()
  .trim()
  .regex(
    /^(\d{17}[\dXx]|[0-9A-HJ-NP-RTUWXY]{2}\d{6}[0-9A-HJ-NP-RTUWXY]{10})$/,
    'must be an 18-character resident ID number or unified social credit code (统一社会信用代码)',
  )
  .openapi({ example: '91371000MA3C8N2X4K' });

export const StageSchema = z.enum(LICENCE_STAGES).openapi('LicenceStage');

export const RegisterLicenceBody = z
  .strictObject({
    bureau: identifier(64).openapi({ description: 'Bureau code', example: 'weihai' }),
    licenceNumber: identifier(64).openapi({ description: '证照编号, unique within the bureau', example: '鲁威药经2023001' }),
    licenceType: text(100).openapi({
      description: "The catalogue's licence name (证照名称) or its code",
      example: '药品经营许可证',
    }),
    holder: z.strictObject({
      name: nameText(200).openapi({ description: '证照持有单位（个人）', example: '威海康宁大药房有限公司' }),
      idNumber: HolderIdSchema.optional(),
    }),
    contact: z.strictObject({
      name: nameText(100).openapi({ description: '联系人', example: '张敏' }),
      phone: PhoneSchema,
      address: text(500).optional(),
    }),
    issuedOn: CalendarDateSchema.openapi({ description: 'Issue date on the bureau calendar' }),
    expiresOn: CalendarDateSchema.openapi({ description: '期满日期: the last valid day' }),
    parentLicenceNumber: identifier(64)
      .optional()
      .openapi({
        description:
          "The licence of the same bureau whose term this one follows (a taxi's operating certificate follows its company's permit): its renewal moves this expiry, its revocation ends this licence",
      }),
  })
  .superRefine((body, context) => {
    if (isCalendarDate(body.issuedOn) && isCalendarDate(body.expiresOn) && body.expiresOn <= body.issuedOn) {
      context.addIssue({
        code: 'custom',
        path: ['expiresOn'],
        message: `must be after issuedOn (${body.issuedOn})`,
      });
    }
  })
  .openapi('RegisterLicence');
export type RegisterLicenceBody = z.infer<typeof RegisterLicenceBody>;

export const RegistrationResult = z
  .object({
    id: z.string().openapi({ description: 'Licence id in this engine' }),
    workflowId: z.string().openapi({ example: 'licence/weihai/鲁威药经2023001' }),
    stage: StageSchema,
    reminderWindowOpensOn: CalendarDateSchema,
    warnings: z
      .array(z.string())
      .optional()
      .openapi({ description: "Accepted, but for the department to check: an expiry the catalogue's validity rule cannot produce" }),
  })
  .openapi('RegistrationResult');
export type RegistrationResult = z.infer<typeof RegistrationResult>;

export const LicenceIdParams = z.object({ id: z.uuid('must be a licence id (a UUID)') });

const StepSchema = z.object({ kind: z.string(), at: z.iso.datetime() });

export const LicenceView = z
  .object({
    id: z.string(),
    workflowId: z.string(),
    bureau: z.string(),
    licenceNumber: z.string(),
    licenceType: z.object({ code: z.string(), name: z.string(), department: z.string() }),
    holder: z.object({ name: z.string(), idNumber: z.string().nullable() }),
    contact: z.object({ name: z.string(), phone: z.string(), address: z.string().nullable() }),
    issuedOn: CalendarDateSchema,
    expiresOn: CalendarDateSchema,
    reminderWindowOpensOn: CalendarDateSchema,
    stage: StageSchema.openapi({
      description: 'The stage the workflow last recorded in the read model; GET /api/v1/licences/{id}/status asks the workflow itself',
    }),
    closedReason: z.string().nullable().openapi({ description: 'Why the licence was revoked or cancelled, once it was' }),
    regulatorDeliveries: z
      .array(
        z.object({
          regulator: z.string(),
          delivered: z.boolean(),
          attempts: z.number().int(),
          deliveredAt: z.iso.datetime().nullable(),
          receipt: z.string().nullable(),
          lastError: z.string().nullable(),
        }),
      )
      .openapi({ description: 'The renewal decision on its way to each regulator (审管协同), with the receipt once delivered' }),
  })
  .openapi('Licence');
export type LicenceView = z.infer<typeof LicenceView>;

export const LicenceLiveStatus = z
  .object({
    id: z.string(),
    workflowId: z.string(),
    stage: StageSchema,
    reminderWindowOpensOn: CalendarDateSchema,
    nextAction: z
      .object({ kind: z.string(), dueAt: z.iso.datetime().nullable(), taskId: z.string().optional() })
      .nullable()
      .openapi({ description: 'What the workflow does next and when; null once it has ended' }),
    steps: z.array(StepSchema).openapi({ description: 'Every step so far, oldest first' }),
  })
  .openapi('LicenceLiveStatus');
export type LicenceLiveStatus = z.infer<typeof LicenceLiveStatus>;

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'invalid_request' }),
      message: z.string(),
      fields: z.array(z.object({ path: z.string(), message: z.string() })),
    }),
  })
  .openapi('Error');

export const HealthBody = z
  .object({
    status: z.enum(['ok', 'degraded']),
    checks: z.object({ database: z.string(), temporal: z.string() }),
  })
  .openapi('Health');

export const RenewalApplicationBody = z
  .strictObject({
    applicationNumber: identifier(64).openapi({ example: 'SQ2027-000123' }),
    appliedOn: CalendarDateSchema,
  })
  .openapi('RenewalApplication');

export const NewLicenceSchema = z
  .strictObject({
    licenceNumber: identifier(64),
    issuedOn: CalendarDateSchema,
    expiresOn: CalendarDateSchema,
  })
  .superRefine((licence, context) => {
    if (isCalendarDate(licence.issuedOn) && isCalendarDate(licence.expiresOn) && licence.expiresOn <= licence.issuedOn) {
      context.addIssue({ code: 'custom', path: ['expiresOn'], message: `must be after issuedOn (${licence.issuedOn})` });
    }
  });

export const RenewalDecisionBody = z
  .discriminatedUnion('decision', [
    z.strictObject({ decision: z.literal('approved'), decidedOn: CalendarDateSchema, newLicence: NewLicenceSchema }),
    z.strictObject({ decision: z.enum(['rejected', 'withdrawn']), decidedOn: CalendarDateSchema }),
  ])
  .openapi('RenewalDecision');

export const RevocationBody = z
  .strictObject({
    reason: text(500).openapi({ example: '企业申请注销' }),
    revokedOn: CalendarDateSchema,
  })
  .openapi('Revocation');

export const LicenceCorrectionBody = z
  .strictObject({
    expiresOn: CalendarDateSchema.optional(),
    contact: z
      .strictObject({
        name: nameText(100),
        phone: PhoneSchema,
        address: text(500).optional(),
      })
      .optional(),
  })
  .refine((body) => body.expiresOn !== undefined || body.contact !== undefined, {
    message: 'send expiresOn, contact or both',
  })
  .openapi('LicenceCorrection');

export const StageAnswer = z.object({ stage: StageSchema }).openapi('StageAnswer');

export const HistoryBody = z
  .object({
    workflowId: z.string(),
    events: z.array(z.object({ at: z.iso.datetime(), what: z.string(), detail: z.string().optional() })),
  })
  .openapi('LicenceHistory');

export const TASK_STATUSES = ['open', 'claimed', 'completed', 'cancelled'] as const;

export const TaskQuery = z.strictObject({
  bureau: text(64).optional(),
  department: text(100).optional(),
  status: z.enum(TASK_STATUSES).optional(),
  claimedBy: z.literal('me').optional().openapi({ description: 'Only the tasks the caller has claimed' }),
  overdue: z.enum(['true', 'false']).optional().openapi({ description: 'Only open or claimed tasks past their due time' }),
});

export const TaskIdParams = z.object({ id: z.uuid('must be a task id (a UUID)') });

export const TaskView = z
  .object({
    id: z.string(),
    kind: z.enum(['phone_call', 'send_letter', 'complete_guidance', 'assisted_handling', 'appointment']).openapi({
      description:
        'complete_guidance: fill in the catalogue entry\'s renewal guidance (PATCH /api/v1/catalogue/{id}) so that the letter can be written; assisted_handling (帮办代办) and appointment: requests from the holder',
    }),
    status: z.enum(TASK_STATUSES),
    attempt: z.number().int(),
    dueAt: z.iso.datetime(),
    licence: z.object({ id: z.string(), licenceNumber: z.string(), licenceName: z.string(), holderName: z.string(), expiresOn: CalendarDateSchema }),
    department: z.string(),
    contact: z.object({ name: z.string(), phone: z.string() }),
    note: z.string().nullable().openapi({ description: "The holder's request, or the specialist's note once completed" }),
    claimedBy: z.string().nullable(),
    overdue: z.boolean(),
    outcome: z.string().nullable(),
    letter: z.string().nullable().openapi({ description: 'The letter to send, for a send_letter task' }),
    letterPdf: z.string().nullable().openapi({ description: "Where to download the letter's PDF, for a send_letter task" }),
  })
  .openapi('Task');

export const AssignBody = z.strictObject({ username: identifier(100).openapi({ example: 'wangfang' }) }).openapi('TaskAssignment');

export const CompleteBody = z
  .strictObject({
    outcome: z.enum(['reached', 'refused', 'no_answer', 'wrong_number', 'already_renewed', 'sent', 'completed', 'handled', 'booked', 'declined', 'unreachable']),
    note: text(1000).optional(),
  })
  .openapi('TaskCompletion');

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');

/** Temporal's remote codec protocol: payloads as protobuf JSON, their bytes in base64. */
export const CodecPayloadsBody = z
  .object({
    payloads: z.array(z.object({ metadata: z.record(z.string(), base64).optional(), data: base64.optional() })).max(1000),
  })
  .openapi('CodecPayloads');
