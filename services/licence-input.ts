import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { isCalendarDate, LICENCE_STAGES } from '../domain';

// The API's schemas carry OpenAPI metadata; these are shared with the import, so they extend zod here too.
extendZodWithOpenApi(z);

/**
 * A licence's registration as an approval system or an import file gives it, and the fields its
 * parts are made of: parsed the same way whichever door it comes through.
 */

// Control characters have no place in names, numbers or addresses, and would garble the
// ledger exports and SMS templates; markup and template syntax have no place in a licence record.
// Text-direction overrides and isolates (U+202E shows "exe.txt" as "txt.exe") are refused with them.
const CONTROL_CHARACTERS = /[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;
const MARKUP_CHARACTERS = /[<>{}`\\]/;
// Names of holders, people and departments also never hold statement syntax (; = ").
const STATEMENT_CHARACTERS = /[;="]/;
// 证照编号, 申请编号 and codes: letters and digits of any script, and the separators numbers use.
const IDENTIFIER = /^[\p{L}\p{N}][\p{L}\p{N} \-_./:#()（）〔〕【】]*$/u;

// The same rules as JSON Schema patterns, for the document (clients and fuzzers generate from them):
// no surrounding space, no markup, no ASCII control characters. The refinements above stay the truth.
const patternWithout = (refused: string) => `^[^\\s${refused}](?:[^${refused}]*[^\\s${refused}])?$`;
const FREE_TEXT_PATTERN = patternWithout('<>{}`\\\\\\x00-\\x1f\\x7f');
const NAME_PATTERN = patternWithout('<>{}`\\\\\\x00-\\x1f\\x7f;="');
// Identifiers as the documents show them: Latin letters, digits and Han characters (the check accepts any script).
const IDENTIFIER_PATTERN = '^[A-Za-z0-9\\u4e00-\\u9fff][A-Za-z0-9\\u4e00-\\u9fff \\-_./:#()（）〔〕【】]*$';

/** Free text (an address, a note, a reason): trimmed, non-empty, at most `max` characters. */
export const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine((value) => !CONTROL_CHARACTERS.test(value), 'must not contain control or text-direction characters')
    .refine((value) => !MARKUP_CHARACTERS.test(value), 'must not contain < > { } ` or \\ (markup or template syntax)')
    .openapi({ pattern: FREE_TEXT_PATTERN });

/** A name (a holder, a person, a department, a licence type): free text without ; = or ". */
export const nameText = (max: number) =>
  text(max)
    .refine((value) => !STATEMENT_CHARACTERS.test(value), 'must not contain ; = or " (a name never does)')
    .openapi({ pattern: NAME_PATTERN });

/**
 * A number or code (证照编号, 申请编号, a bureau code): letters, digits, spaces and - _ . / : # ( ) （ ） 〔 〕 【 】.
 * Normalised (NFKC) first, so that full-width ＲＥＶ-１２３ is the same number as REV-123.
 */
export const identifier = (max: number) =>
  z
    .string()
    .normalize('NFKC')
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine((value) => !CONTROL_CHARACTERS.test(value), 'must not contain control or text-direction characters')
    .refine((value) => !MARKUP_CHARACTERS.test(value), 'must not contain < > { } ` or \\ (markup or template syntax)')
    .refine((value) => value === '' || IDENTIFIER.test(value), 'must be letters and digits, with only - _ . / : # ( ) （ ） 〔 〕 【 】 or spaces between them')
    .openapi({ pattern: IDENTIFIER_PATTERN });

/** A web address a holder may open: http or https only (never javascript:, data: or file:). */
export const WebUrlSchema = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL, e.g. https://zwfw.example.gov.cn/book' });

/** The dates a licence, a reminder or a decision can have; outside them a date is a typing mistake (year 0000). */
export const EARLIEST_DATE = '1900-01-01';
export const LATEST_DATE = '2199-12-31';

export const CalendarDateSchema = z
  .string()
  .refine(isCalendarDate, { message: 'must be a real date written YYYY-MM-DD, e.g. 2027-05-31', abort: true })
  .refine((date) => date >= EARLIEST_DATE && date <= LATEST_DATE, `must be between ${EARLIEST_DATE} and ${LATEST_DATE}`)
  .openapi({ format: 'date', pattern: '^(19\\d\\d|2[01]\\d\\d)-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])$', example: '2027-05-31' });

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
