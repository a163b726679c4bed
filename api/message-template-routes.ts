import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import { DEFAULT_TEMPLATES, MESSAGE_CHANNELS, MESSAGE_VALUES, REQUIRED_VALUES, smsWordingProblems, templateProblems, type MessageChannel } from '../domain';
import type { PrismaClient } from '../generated/prisma/client';
import { BUREAU_WIDE, effectiveTemplate, templatesOf } from '../services/message-templates';
import { smsBillingOf, wordingSamples } from '../services/sms-wording';
import { assertBureau } from './access';
import { bureauOr404 } from './bureaus';
import { ApiError } from './errors';
import { json } from './openapi-helpers';
import { defineRoute } from './routing';
import { ErrorBody, identifier, PhoneSchema, text, WebUrlSchema } from './schemas';

export interface MessageTemplateRoutesDependencies {
  prisma: PrismaClient;
  /** The account's signature (签名), for bureaus without their own: texts are billed with it. */
  smsSignName?: string;
  /** The longest value the provider takes in a template variable. */
  smsMaxParamLength?: number;
}

const BureauParams = z.object({ bureau: z.string().min(1).openapi({ example: 'weihai' }) });
const ChannelParams = BureauParams.extend({ channel: z.enum(MESSAGE_CHANNELS) });
const LicenceTypeQuery = z.strictObject({
  licenceType: identifier(40).optional().describe("a catalogue code; omitted: the bureau's wording for every licence type").openapi({ example: 'WH13' }),
});

// Letters break lines; nothing else below a space belongs in a message.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL_CHARACTERS_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f]/;

const valueList = Object.entries(MESSAGE_VALUES)
  .map(([name, meaning]) => `\${${name}} ${meaning}`)
  .join('; ');

const TemplateBody = z
  .strictObject({
    licenceType: identifier(40).optional().describe("a catalogue code; omitted: the bureau's wording for every licence type"),
    text: z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .max(1000, 'must be at most 1000 characters')
      .refine((value) => !CONTROL_CHARACTERS_BUT_NEWLINE.test(value), 'must not contain control characters other than line breaks')
      .describe(`the wording, with values written \${name}: ${valueList}`)
      .openapi({ example: DEFAULT_TEMPLATES.sms }),
    providerTemplateId: z
      .string()
      .trim()
      .min(1)
      .max(40)
      .optional()
      .describe("SMS only, required there: the id the SMS provider approved this wording under (Aliyun TemplateCode, Tencent TemplateId)"),
  })
  .openapi('MessageTemplateChange');

const TemplateView = z
  .object({
    channel: z.enum(MESSAGE_CHANNELS),
    text: z.string(),
    providerTemplateId: z.string().nullable(),
    source: z.enum(['licence_type', 'bureau', 'default']).describe('whose wording it is: the licence type\'s, the bureau\'s, or the engine\'s default'),
    requiredValues: z.array(z.string()).describe('the values this channel must state'),
    billing: z
      .object({
        characters: z.number().int(),
        parts: z.number().int().describe('messages the longest text is billed as: one up to 70 characters, else parts of 67'),
        longestText: z.string(),
      })
      .nullable()
      .optional()
      .describe("SMS only: the longest text this wording makes for the bureau's current licences it covers (a made-up one when there are none), signature included"),
  })
  .openapi('MessageTemplate');
const TemplateList = z.object({ bureau: z.string(), licenceType: z.string().nullable(), templates: z.array(TemplateView) }).openapi('MessageTemplates');

// Aliyun and Tencent both approve signatures of 2 to 12 characters: Han characters, letters and digits.
const SmsSignNameBody = z
  .strictObject({
    signName: z
      .string()
      .trim()
      .regex(/^[\u4e00-\u9fffA-Za-z0-9]{2,12}$/, 'must be 2 to 12 Han characters, letters or digits, as approved at the provider (e.g. 威海审批)')
      .nullable(),
  })
  .openapi('SmsSignName');
const GuidanceBody = z
  .strictObject({
    officeAddress: text(200).nullable().describe('办理地点 for licence types that name none'),
    servicePhone: PhoneSchema.nullable().describe('服务电话 for licence types that name none; unset, reminders give the 12345 hotline'),
    portalUrl: WebUrlSchema.nullable().describe('the booking page for licence types without one'),
  })
  .openapi('BureauGuidance');

const view = (template: Awaited<ReturnType<typeof effectiveTemplate>>): z.infer<typeof TemplateView> => ({
  ...template,
  requiredValues: [...REQUIRED_VALUES[template.channel]],
});

/**
 * Reminder wording (提醒内容): each bureau's templates per channel, for all its licence types or for
 * one, and the bureau-wide guidance that fills what a licence type leaves unset.
 */
export function messageTemplateRoutes(registry: OpenAPIRegistry, deps: MessageTemplateRoutesDependencies): Router {
  const router = Router();

  const catalogueCodeOf = async (bureau: string, licenceType: string | undefined, licenceTypeField = 'query.licenceType'): Promise<string> => {
    await bureauOr404(deps.prisma, bureau, 'params.bureau');
    if (licenceType === undefined) return BUREAU_WIDE;
    const entry = await deps.prisma.catalogueEntry.findUnique({ where: { bureauCode_code: { bureauCode: bureau, code: licenceType } } });
    if (!entry) throw ApiError.notFound(`Licence type ${licenceType} of bureau ${bureau}`, licenceTypeField);
    return entry.code;
  };

  const signNameOf = async (bureau: string) => (await deps.prisma.bureau.findUnique({ where: { code: bureau } }))?.smsSignName ?? deps.smsSignName ?? '';

  const list = async (bureau: string, catalogueCode: string): Promise<z.infer<typeof TemplateList>> => {
    const samples = await wordingSamples(deps.prisma, bureau, catalogueCode);
    const signName = await signNameOf(bureau);
    return {
      bureau,
      licenceType: catalogueCode === BUREAU_WIDE ? null : catalogueCode,
      templates: (await templatesOf(deps.prisma, bureau, catalogueCode)).map((template) => ({
        ...view(template),
        ...(template.channel === 'sms' ? { billing: smsBillingOf(template.text, samples, signName) } : {}),
      })),
    };
  };

  defineRoute(
    router,
    registry,
    {
      method: 'get',
      path: '/api/v1/bureaus/{bureau}/message-templates',
      access: ['system', 'specialist', 'supervisor', 'admin'],
      summary: "The wording of each reminder channel for a licence type, or the bureau's own",
      tags: ['message templates'],
      params: BureauParams,
      query: LicenceTypeQuery,
      responses: { 200: json(TemplateList, 'One template per channel, with whose it is'), 404: json(ErrorBody, 'No such bureau or licence type') },
    },
    async ({ params, query, principal }) => {
      assertBureau(principal, params.bureau);
      return { status: 200, body: await list(params.bureau, await catalogueCodeOf(params.bureau, query.licenceType)) };
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'put',
      path: '/api/v1/bureaus/{bureau}/message-templates/{channel}',
      access: ['supervisor', 'admin'],
      summary: "Sets a channel's wording for the bureau or for one licence type",
      description:
        'The wording must state what the channel requires (see requiredValues) and use only the values the engine fills. ' +
        'An SMS wording must first be approved at the provider, and carries the id it was approved under. Reminders not yet sent use the new wording.',
      tags: ['message templates'],
      params: ChannelParams,
      body: TemplateBody,
      responses: { 200: json(TemplateList, 'The wording now in force'), 400: json(ErrorBody, 'A wording that would leave out or garble content'), 404: json(ErrorBody, 'No such bureau or licence type') },
    },
    async ({ params, body, principal }) => {
      assertBureau(principal, params.bureau);
      const channel: MessageChannel = params.channel;
      const problems = templateProblems(channel, body.text).map((message) => ({ path: 'text', message }));
      if (channel === 'sms' && !body.providerTemplateId) {
        problems.push({ path: 'providerTemplateId', message: 'is required for SMS: give the id the provider approved this wording under' });
      }
      if (channel !== 'sms' && body.providerTemplateId) {
        problems.push({ path: 'providerTemplateId', message: 'applies to SMS only: leave it out' });
      }
      if (problems.length > 0) throw ApiError.invalid(problems);
      const catalogueCode = await catalogueCodeOf(params.bureau, body.licenceType, 'licenceType');
      if (channel === 'sms') {
        const samples = await wordingSamples(deps.prisma, params.bureau, catalogueCode);
        const refused = smsWordingProblems(body.text, samples, deps.smsMaxParamLength).map((message) => ({ path: 'text', message }));
        if (refused.length > 0) throw ApiError.invalid(refused);
      }
      const fields = { text: body.text, providerTemplateId: body.providerTemplateId ?? null, updatedBy: principal.name };
      await deps.prisma.messageTemplate.upsert({
        where: { bureauCode_channel_catalogueCode: { bureauCode: params.bureau, channel, catalogueCode } },
        create: { bureauCode: params.bureau, channel, catalogueCode, ...fields },
        update: fields,
      });
      return { status: 200, body: await list(params.bureau, catalogueCode) };
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'delete',
      path: '/api/v1/bureaus/{bureau}/message-templates/{channel}',
      access: ['supervisor', 'admin'],
      summary: "Removes a channel's wording of the bureau or of one licence type; the next one up applies again",
      tags: ['message templates'],
      params: ChannelParams,
      query: LicenceTypeQuery,
      responses: { 200: json(TemplateList, 'The wording now in force'), 404: json(ErrorBody, 'No such bureau, licence type or wording') },
    },
    async ({ params, query, principal }) => {
      assertBureau(principal, params.bureau);
      const catalogueCode = await catalogueCodeOf(params.bureau, query.licenceType);
      const removed = await deps.prisma.messageTemplate.deleteMany({ where: { bureauCode: params.bureau, channel: params.channel, catalogueCode } });
      if (removed.count === 0) throw ApiError.notFound(`The ${params.channel} wording of ${catalogueCode === BUREAU_WIDE ? `bureau ${params.bureau}` : `licence type ${catalogueCode}`}`, 'params.channel');
      return { status: 200, body: await list(params.bureau, catalogueCode) };
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'put',
      path: '/api/v1/bureaus/{bureau}/guidance',
      access: ['supervisor', 'admin'],
      summary: "Sets the bureau's office address, service phone and booking page, used where a licence type names none",
      tags: ['message templates'],
      params: BureauParams,
      body: GuidanceBody,
      responses: { 200: json(GuidanceBody, 'The guidance now in force'), 400: json(ErrorBody, 'A bad phone or URL'), 404: json(ErrorBody, 'No such bureau') },
    },
    async ({ params, body, principal }) => {
      assertBureau(principal, params.bureau);
      await bureauOr404(deps.prisma, params.bureau, 'params.bureau');
      const bureau = await deps.prisma.bureau.update({ where: { code: params.bureau }, data: body });
      return { status: 200, body: { officeAddress: bureau.officeAddress, servicePhone: bureau.servicePhone, portalUrl: bureau.portalUrl } };
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'put',
      path: '/api/v1/bureaus/{bureau}/sms-sign-name',
      access: ['admin'],
      summary: "Sets the SMS signature (签名) the bureau's texts go under; it must be the one approved for it at the provider",
      description: 'null gives the bureau back the account-wide SMS_SIGN_NAME. Each bureau then texts under its own name: holders of Weihai see 【威海…】, of Lüliang 【吕梁…】.',
      tags: ['message templates'],
      params: BureauParams,
      body: SmsSignNameBody,
      responses: { 200: json(SmsSignNameBody, 'The signature now in force'), 400: json(ErrorBody, 'Not a signature the providers accept'), 404: json(ErrorBody, 'No such bureau') },
    },
    async ({ params, body }) => {
      await bureauOr404(deps.prisma, params.bureau, 'params.bureau');
      const bureau = await deps.prisma.bureau.update({ where: { code: params.bureau }, data: { smsSignName: body.signName } });
      return { status: 200, body: { signName: bureau.smsSignName } };
    },
  );

  return router;
}
