import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { isCalendarDate } from '../domain';

extendZodWithOpenApi(z);

export {
  text,
  nameText,
  identifier,
  WebUrlSchema,
  CalendarDateSchema,
  PhoneSchema,
  HolderIdSchema,
  StageSchema,
  RegisterLicenceBody,
  RegistrationResult,
} from '../services/licence-input';
import {
  text,
  nameText,
  identifier,
  CalendarDateSchema,
  PhoneSchema,
  StageSchema,
} from '../services/licence-input';


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
    term: z.number().int().openapi({ description: 'The current term: 1 from registration, one more for each renewal that kept the number (延续)' }),
    terms: z
      .array(
        z.object({
          term: z.number().int(),
          issuedOn: CalendarDateSchema,
          expiresOn: CalendarDateSchema,
          applicationNumber: z.string().nullable().openapi({ description: 'The renewal application whose approval began the term; null for the first' }),
        }),
      )
      .openapi({ description: 'Every validity period of the licence, oldest first; the last is the current one, whose dates issuedOn and expiresOn repeat' }),
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
    checks: z.object({
      database: z.string(),
      temporal: z.string(),
      calendar: z.string().describe("ok, or the years of the next twelve months whose national holidays nobody has loaded").optional(),
    }),
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

/** A holder's contact as corrected by an approval system or by staff on the licence page. */
export const ContactCorrection = z.strictObject({
  name: nameText(100),
  phone: PhoneSchema,
  address: text(500).optional(),
});

export const LicenceCorrectionBody = z
  .strictObject({
    expiresOn: CalendarDateSchema.optional(),
    contact: ContactCorrection.optional(),
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
    kind: z.enum(['phone_call', 'send_letter', 'complete_guidance', 'resolve_refusal', 'confirm_renewal', 'assisted_handling', 'appointment', 'sms_reply']).openapi({
      description:
        'complete_guidance: fill in the catalogue entry\'s renewal guidance (PATCH /api/v1/catalogue/{id}) so that the letter can be written; confirm_renewal: the holder said it already renewed, look it up in the approval system (renewal_found or not_renewed); resolve_refusal: a step of the licence workflow was refused, its note says what to fix, complete it with `fixed` to try the step again; assisted_handling (帮办代办) and appointment: requests from the holder; sms_reply: the holder answered a text asking for a call (请回电) or in words the engine did not read, the note has the reply (called_back, unreachable or no_action_needed)',
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
    bundle: z
      .array(z.object({ id: z.string(), licenceNumber: z.string(), licenceName: z.string(), status: z.enum(TASK_STATUSES) }))
      .openapi({
        description:
          "The holder's other calls or letters of the same day in this department: one call or one envelope serves them all; claiming, releasing, assigning or completing this task does the same to those still open",
      }),
    bundleLetterPdf: z
      .string()
      .nullable()
      .openapi({ description: "For a send_letter task with a bundle: one letter listing the holder's licences, to send instead of each licence's own" }),
  })
  .openapi('Task');

export const AssignBody = z.strictObject({ username: identifier(100).openapi({ example: 'wangfang' }) }).openapi('TaskAssignment');

export const CompleteBody = z
  .strictObject({
    outcome: z.enum(['reached', 'refused', 'no_answer', 'wrong_number', 'already_renewed', 'sent', 'completed', 'fixed', 'renewal_found', 'not_renewed', 'handled', 'booked', 'declined', 'unreachable']),
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

/** One version in an audit trail (a catalogue entry's, a regulator's): who changed what, when. */
export const AuditTrail = z.array(
  z.object({ version: z.number(), changedBy: z.string(), changedAt: z.iso.datetime(), action: z.string(), before: z.unknown(), after: z.unknown() }),
);

/** The audit trail's rows as the API shows them. */
export function auditTrailOf(changes: Array<{ version: number; changedBy: string; changedAt: Date; action: string; before: unknown; after: unknown }>): z.infer<typeof AuditTrail> {
  return changes.map(({ version, changedBy, changedAt, action, before, after }) => ({ version, changedBy, changedAt: changedAt.toISOString(), action, before, after }));
}
