import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { Client } from '@temporalio/client';
import { Router } from 'express';
import { z } from 'zod';
import type { PrismaClient } from '../generated/prisma/client';
import { localDateOf, type LicenceStage } from '../domain';
import { calendarDateOf, registerLicence, type CatalogueEntryCache } from '../services/licence-registration';
import type { LicenceStatus } from '../workflows/licence-definitions';
import { LICENCE_SORTS, searchLicences } from '../services/licence-search';
import { askLicenceStatus, StatusUnanswered } from '../services/licence-status';
import { contactFor, personalTextFor } from '../services/access/masking';
import { inBureau } from '../services/access/principal';
import { assertBureau } from './access';
import { ApiError } from './errors';
import { json } from './openapi-helpers';
import { defineRoute, operationIdOf } from './routing';
import { CalendarDateSchema, ErrorBody, LicenceIdParams, LicenceLiveStatus, LicenceView, RegisterLicenceBody, RegistrationResult, StageSchema, text } from './schemas';

const LicenceSearchQuery = z
  .strictObject({
    bureau: text(64).optional(),
    holder: text(100).optional().openapi({ description: "part of the holder's name" }),
    number: text(64).optional().openapi({ description: 'the start of the licence number', example: '鲁威药经2023' }),
    type: text(32).optional().openapi({ description: "the licence type's catalogue code", example: 'WH01' }),
    department: text(100).optional(),
    stage: StageSchema.optional(),
    expiresFrom: CalendarDateSchema.optional(),
    expiresTo: CalendarDateSchema.optional(),
    sort: z.enum(LICENCE_SORTS).default('expiresOn'),
    order: z.enum(['asc', 'desc']).default('asc'),
    page: z.coerce.number().int().min(1).max(100_000).default(1),
    pageSize: z.coerce.number().int().min(1).max(200).default(50),
  })
  .superRefine((query, context) => {
    if (query.expiresFrom && query.expiresTo && query.expiresFrom > query.expiresTo) {
      context.addIssue({ code: 'custom', path: ['expiresTo'], message: `must not be before expiresFrom (${query.expiresFrom})` });
    }
  });

const LicenceSummary = z
  .object({
    id: z.string(),
    licenceNumber: z.string(),
    licenceType: z.object({ code: z.string(), name: z.string(), department: z.string() }),
    holderName: z.string(),
    contact: z.object({ name: z.string(), phone: z.string() }),
    expiresOn: z.string(),
    reminderWindowOpensOn: z.string(),
    stage: z.string(),
    term: z.number().int(),
  })
  .openapi('LicenceSummary');

export interface LicenceRoutesDependencies {
  prisma: PrismaClient;
  temporal: Client;
  taskQueue: string;
  /** Where registrations find the catalogue entry they name. */
  catalogueEntries: CatalogueEntryCache;
}

// What a client can do next with a registered licence: the id of the answer is each operation's {id}.
const LICENCE_LINKS = Object.fromEntries(
  (
    [
      ['get', '/api/v1/licences/{id}'],
      ['patch', '/api/v1/licences/{id}'],
      ['get', '/api/v1/licences/{id}/status'],
      ['get', '/api/v1/licences/{id}/history'],
      ['post', '/api/v1/licences/{id}/renewal-application'],
      ['post', '/api/v1/licences/{id}/renewal-decision'],
      ['post', '/api/v1/licences/{id}/revocation'],
      ['post', '/api/v1/licences/{id}/assistance-requests'],
    ] as const
  ).map(([method, path]) => {
    const operationId = operationIdOf(method, path);
    return [operationId, { operationId, parameters: { id: '$response.body#/id' } }];
  }),
);

/** `POST /api/v1/licences`, the search `GET /api/v1/licences`, `GET /api/v1/licences/{id}` and `GET /api/v1/licences/{id}/status`. */
export function licenceRoutes(registry: OpenAPIRegistry, deps: LicenceRoutesDependencies): Router {
  const router = Router();

  defineRoute(
    router,
    registry,
    {
      method: 'post',
      path: '/api/v1/licences',
      summary: 'Register an issued licence and start its reminders',
      description:
        'Idempotent on (bureau, licenceNumber): the same licence again answers 200 with the same body and starts nothing.',
      tags: ['licences'],
      access: ['system', 'admin'],
      body: RegisterLicenceBody,
      responses: {
        201: { ...json(RegistrationResult, 'Registered; its workflow is running'), links: LICENCE_LINKS },
        200: { ...json(RegistrationResult, 'Already registered with the same details'), links: LICENCE_LINKS },
        400: json(ErrorBody, 'Invalid input; every bad field is named'),
        409: json(ErrorBody, 'Already registered with other details'),
        415: json(ErrorBody, 'The body is not JSON'),
        422: json(ErrorBody, 'The licence type has no expiry'),
      },
    },
    async ({ body, principal }) => {
      // An unknown bureau is a bad field (400, from registration); a known one of another bureau is refused.
      if (!inBureau(principal, body.bureau) && (await deps.prisma.bureau.findUnique({ where: { code: body.bureau } }))) assertBureau(principal, body.bureau);
      const outcome = await registerLicence(deps, body, deps.catalogueEntries.resolve);
      return { status: outcome.created ? 201 : 200, body: outcome.result };
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'get',
      path: '/api/v1/licences',
      summary: 'Find licences by holder, number, type, department, stage and expiry, paged and sorted',
      description: "A bureau's staff and systems search their own bureau; an administrator names one. Contacts are masked as in GET /api/v1/licences/{id}.",
      tags: ['licences'],
      access: ['system', 'specialist', 'supervisor', 'admin'],
      query: LicenceSearchQuery,
      responses: {
        200: json(z.object({ licences: z.array(LicenceSummary), page: z.number().int(), pageSize: z.number().int(), total: z.number().int() }), 'One page of the licences that match'),
        400: json(ErrorBody, 'A bad filter'),
      },
    },
    async ({ query, principal }) => {
      const bureau = query.bureau ?? principal.bureauCode;
      if (!bureau) throw ApiError.invalid([{ path: 'query.bureau', message: 'must name the bureau to search, e.g. weihai' }]);
      assertBureau(principal, bureau);
      const { sort, order, page, pageSize } = query;
      const filter = { bureau, holder: query.holder, numberPrefix: query.number, type: query.type, department: query.department, stage: query.stage, expiresFrom: query.expiresFrom, expiresTo: query.expiresTo };
      const found = await searchLicences(deps.prisma, filter, { sort, order, page, pageSize });
      return {
        status: 200,
        body: {
          licences: found.licences.map((row) => ({
            id: row.id,
            licenceNumber: row.licenceNumber,
            licenceType: { code: row.catalogueEntry.code, name: row.catalogueEntry.licenceName, department: row.catalogueEntry.department.name },
            holderName: row.holderName,
            contact: contactFor(principal, { bureauCode: row.bureauCode, departmentId: row.catalogueEntry.departmentId }, { name: row.contactName, phone: row.contactPhone }),
            expiresOn: calendarDateOf(row.expiresOn),
            reminderWindowOpensOn: localDateOf(row.reminderWindowOpensAt, row.bureau.timeZone),
            stage: row.stage as LicenceStage,
            term: row.term,
          })),
          page,
          pageSize,
          total: found.total,
        },
      };
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'get',
      path: '/api/v1/licences/{id}',
      summary: 'A licence as the read model holds it',
      description:
        'Answered from the database alone, so that approval systems can poll it at any rate; the workflow itself is asked by GET /api/v1/licences/{id}/status.',
      tags: ['licences'],
      access: ['system', 'specialist', 'supervisor', 'admin'],
      params: LicenceIdParams,
      responses: {
        200: json(LicenceView, 'The licence'),
        400: json(ErrorBody, 'The id is not a licence id'),
        404: json(ErrorBody, 'No such licence'),
      },
    },
    async ({ params, principal }) => {
      const row = await deps.prisma.licence.findUnique({
        where: { id: params.id },
        include: {
          bureau: true,
          catalogueEntry: { include: { department: true } },
          deliveries: { include: { regulator: true }, orderBy: { createdAt: 'asc' } },
          terms: { orderBy: { term: 'asc' } },
        },
      });
      if (!row) throw ApiError.notFound(`Licence ${params.id}`, 'params.id');
      assertBureau(principal, row.bureauCode);
      const view: LicenceView = {
        id: row.id,
        workflowId: row.workflowId,
        bureau: row.bureauCode,
        licenceNumber: row.licenceNumber,
        licenceType: {
          code: row.catalogueEntry.code,
          name: row.catalogueEntry.licenceName,
          department: row.catalogueEntry.department.name,
        },
        holder: { name: row.holderName, idNumber: personalTextFor(principal, { bureauCode: row.bureauCode, departmentId: row.catalogueEntry.departmentId }, row.holderIdNumber) },
        contact: contactFor(principal, { bureauCode: row.bureauCode, departmentId: row.catalogueEntry.departmentId }, {
          name: row.contactName,
          phone: row.contactPhone,
          address: row.contactAddress,
        }),
        issuedOn: calendarDateOf(row.issuedOn),
        expiresOn: calendarDateOf(row.expiresOn),
        reminderWindowOpensOn: localDateOf(row.reminderWindowOpensAt, row.bureau.timeZone),
        stage: row.stage as LicenceStage,
        closedReason: row.closedReason,
        term: row.term,
        terms: row.terms.map((term) => ({
          term: term.term,
          issuedOn: calendarDateOf(term.issuedOn),
          expiresOn: calendarDateOf(term.expiresOn),
          applicationNumber: term.applicationNumber,
        })),
        regulatorDeliveries: row.deliveries.map((delivery) => ({
          regulator: delivery.regulator.name,
          delivered: delivery.deliveredAt !== null,
          attempts: delivery.attempts,
          deliveredAt: delivery.deliveredAt?.toISOString() ?? null,
          receipt: delivery.receipt,
          lastError: delivery.lastError,
        })),
      };
      return { status: 200, body: view };
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'get',
      path: '/api/v1/licences/{id}/status',
      summary: "The licence's live state, asked of its workflow: stage, next action and steps",
      description:
        'A Temporal query: a workflow that is not in the worker\'s cache replays its history to answer, so this costs far more than GET /api/v1/licences/{id}.',
      tags: ['licences'],
      access: ['system', 'specialist', 'supervisor', 'admin'],
      params: LicenceIdParams,
      responses: {
        200: json(LicenceLiveStatus, "The workflow's answer"),
        400: json(ErrorBody, 'The id is not a licence id'),
        404: json(ErrorBody, 'No such licence'),
        503: json(ErrorBody, 'The workflow did not answer in time; ask again'),
      },
    },
    async ({ params, principal }) => {
      const row = await deps.prisma.licence.findUnique({ where: { id: params.id }, include: { bureau: true } });
      if (!row) throw ApiError.notFound(`Licence ${params.id}`, 'params.id');
      assertBureau(principal, row.bureauCode);
      let status: LicenceStatus;
      try {
        status = await askLicenceStatus(deps.temporal, row.workflowId);
      } catch (error) {
        if (error instanceof StatusUnanswered) throw new ApiError(503, 'workflow_unavailable', `The licence's workflow did not answer: ${error.message}. Ask again shortly; GET /api/v1/licences/{id} answers from the read model meanwhile.`);
        throw error;
      }
      const body: LicenceLiveStatus = {
        id: row.id,
        workflowId: row.workflowId,
        stage: status.stage,
        reminderWindowOpensOn: localDateOf(status.reminderWindowOpensAt, row.bureau.timeZone),
        nextAction: status.nextAction,
        steps: status.steps,
      };
      return { status: 200, body };
    },
  );

  return router;
}
