import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import type { PrismaClient, Regulator } from '../generated/prisma/client';
import { createRegulator, SECRET_REF_PATTERN, updateRegulator } from '../services/regulators';
import { assertBureau } from './access';
import { actorOf } from '../services/access/principal';
import { ApiError } from './errors';
import { json } from './openapi-helpers';
import { defineRoute } from './routing';
import { AuditTrail, auditTrailOf, ErrorBody, identifier, nameText, text } from './schemas';

const Endpoint = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL, e.g. https://scjg.example.gov.cn/approvals/decisions' })
  .max(500)
  .nullable()
  .optional()
  .openapi({ description: "Where decisions are POSTed; unset uses REGULATOR_WEBHOOK_BASE_URL/<id>/decisions" });
const SecretRef = text(300)
  .regex(SECRET_REF_PATTERN, 'must say where the worker finds the key, not the key: env:NAME (capitals, digits, _) or file:/absolute/path')
  .nullable()
  .optional()
  .openapi({ description: 'Where the worker reads the HMAC-SHA256 key of the deliveries: `env:NAME` or `file:/path`; unset uses REGULATOR_SIGNING_SECRET', example: 'env:REGULATOR_KEY_MARKET' });

/** What a regulator (监管部门) is and how it is reached. */
export const RegulatorFields = { name: nameText(100), webhookUrl: Endpoint, secretRef: SecretRef };

const NewRegulatorBody = z
  .strictObject({
    bureau: identifier(64),
    code: text(60).regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and - only, e.g. market-supervision'),
    ...RegulatorFields,
  })
  .openapi('NewRegulator');
const RegulatorChangeBody = z
  .strictObject({ ...RegulatorFields, name: RegulatorFields.name.optional() })
  .refine((body) => Object.keys(body).length > 0, 'name at least one of name, webhookUrl, secretRef')
  .openapi('RegulatorChange');

const RegulatorView = z
  .object({
    id: z.string(),
    bureau: z.string(),
    name: z.string(),
    webhookUrl: z.string().nullable(),
    secretRef: z.string().nullable(),
    version: z.number().int(),
    entries: z.array(z.object({ id: z.string(), licenceName: z.string(), role: z.string() })).openapi({ description: 'The catalogue entries whose decisions it hears of' }),
  })
  .openapi('Regulator');

const IdParams = z.object({ id: text(120).openapi({ example: 'weihai:market-supervision' }) });

type RegulatorRow = Regulator & { catalogue: Array<{ role: string; catalogueEntry: { id: string; licenceName: string; retiredAt: Date | null } }> };
const regulatorInclude = { catalogue: { include: { catalogueEntry: true }, orderBy: { catalogueEntryId: 'asc' } } } as const;

function viewOf(regulator: RegulatorRow): z.infer<typeof RegulatorView> {
  return {
    id: regulator.id,
    bureau: regulator.bureauCode,
    name: regulator.name,
    webhookUrl: regulator.webhookUrl,
    secretRef: regulator.secretRef,
    version: regulator.version,
    entries: regulator.catalogue
      .filter((link) => link.catalogueEntry.retiredAt === null)
      .map((link) => ({ id: link.catalogueEntry.id, licenceName: link.catalogueEntry.licenceName, role: link.role })),
  };
}

/** The regulators (审管协同) each bureau's decisions go to: list, read with the audit trail, add, change. */
export function regulatorRoutes(registry: OpenAPIRegistry, deps: { prisma: PrismaClient }): Router {
  const router = Router();
  const regulatorOf = async (id: string) => {
    const regulator = await deps.prisma.regulator.findUnique({ where: { id }, include: regulatorInclude });
    if (!regulator) throw ApiError.notFound(`Regulator ${id}`, 'params.id');
    return regulator;
  };

  defineRoute(
    router,
    registry,
    {
      method: 'get',
      path: '/api/v1/regulators',
      summary: "A bureau's regulators (competent and supervising departments) and the entries each hears of",
      tags: ['catalogue'],
      access: ['system', 'supervisor', 'admin'],
      query: z.strictObject({ bureau: text(64) }),
      responses: { 200: json(z.object({ regulators: z.array(RegulatorView) }), 'The regulators'), 400: json(ErrorBody, 'Bad query') },
    },
    async ({ query, principal }) => {
      assertBureau(principal, query.bureau);
      const regulators = await deps.prisma.regulator.findMany({ where: { bureauCode: query.bureau }, include: regulatorInclude, orderBy: { id: 'asc' } });
      return { status: 200, body: { regulators: regulators.map(viewOf) } };
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'get',
      path: '/api/v1/regulators/{id}',
      summary: 'One regulator with its audit trail',
      tags: ['catalogue'],
      access: ['system', 'supervisor', 'admin'],
      params: IdParams,
      responses: {
        200: json(
          RegulatorView.extend({
            changes: AuditTrail,
          }),
          'The regulator',
        ),
        404: json(ErrorBody, 'No such regulator'),
      },
    },
    async ({ params, principal }) => {
      const regulator = await regulatorOf(params.id);
      assertBureau(principal, regulator.bureauCode);
      const changes = await deps.prisma.regulatorChange.findMany({ where: { regulatorId: regulator.id }, orderBy: { version: 'asc' } });
      return {
        status: 200,
        body: {
          ...viewOf(regulator),
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
      path: '/api/v1/regulators',
      summary: 'Add a regulator to a bureau; name it on catalogue entries with PATCH /api/v1/catalogue/{id} `{ regulators }`',
      tags: ['catalogue'],
      access: ['admin'],
      body: NewRegulatorBody,
      responses: { 201: json(RegulatorView, 'Created'), 400: json(ErrorBody, 'Invalid regulator'), 404: json(ErrorBody, 'No such bureau'), 409: json(ErrorBody, 'The id exists') },
    },
    async ({ body, principal }) => {
      const created = await createRegulator(deps.prisma, body, actorOf(principal));
      return { status: 201, body: viewOf(await regulatorOf(created.id)) };
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'patch',
      path: '/api/v1/regulators/{id}',
      summary: "Change a regulator's name, endpoint or key reference; the next delivery uses them",
      tags: ['catalogue'],
      access: ['admin'],
      params: IdParams,
      body: RegulatorChangeBody,
      responses: { 200: json(RegulatorView, 'The new version'), 400: json(ErrorBody, 'Invalid change'), 404: json(ErrorBody, 'No such regulator'), 409: json(ErrorBody, 'Changed by someone else meanwhile') },
    },
    async ({ params, body, principal }) => {
      await updateRegulator(deps.prisma, params.id, body, actorOf(principal));
      return { status: 200, body: viewOf(await regulatorOf(params.id)) };
    },
  );

  return router;
}
