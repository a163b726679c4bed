import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { Client } from '@temporalio/client';
import { Router } from 'express';
import { localDateOf, reminderWindowOpensAt } from '../domain';
import type { PrismaClient } from '../generated/prisma/client';
import { licenceHistory } from '../services/licence-history';
import { calendarDateOf, dateColumn } from '../services/licence-registration';
import { correctContact, updateLicenceWorkflow } from '../services/licence-updates';
import {
  correctExpiryUpdate,
  renewalApplicationUpdate,
  renewalDecisionUpdate,
  revocationUpdate,
} from '../workflows/licence-definitions';
import type { Principal } from '../services/access/principal';
import { assertBureau } from './access';
import { ApiError } from './errors';
import { json } from './openapi-helpers';
import { defineRoute } from './routing';
import {
  ErrorBody,
  HistoryBody,
  LicenceCorrectionBody,
  LicenceIdParams,
  RenewalApplicationBody,
  RenewalDecisionBody,
  RevocationBody,
  StageAnswer,
} from './schemas';

export interface LifecycleRoutesDependencies {
  prisma: PrismaClient;
  temporal: Client;
}

const conflictResponses = {
  400: json(ErrorBody, 'Invalid input; every bad field is named'),
  404: json(ErrorBody, 'No such licence'),
  409: json(ErrorBody, "Not possible in the licence's current stage"),
};

/** Renewal, revocation, corrections and history of a registered licence. */
export function lifecycleRoutes(registry: OpenAPIRegistry, deps: LifecycleRoutesDependencies): Router {
  const router = Router();
  const licenceOf = async (id: string, principal: Principal) => {
    const licence = await deps.prisma.licence.findUnique({ where: { id }, include: { bureau: true, catalogueEntry: true } });
    if (!licence) throw ApiError.notFound(`Licence ${id}`, 'params.id');
    assertBureau(principal, licence.bureauCode);
    return licence;
  };

  defineRoute(
    router,
    registry,
    {
      method: 'post',
      path: '/api/v1/licences/{id}/renewal-application',
      summary: 'A renewal application (换证 / 延续) was received: reminders pause',
      tags: ['lifecycle'],
      access: ['system', 'admin'],
      params: LicenceIdParams,
      body: RenewalApplicationBody,
      responses: { 200: json(StageAnswer, 'The application is pending'), ...conflictResponses },
    },
    async ({ params, body, principal }) => {
      const licence = await licenceOf(params.id, principal);
      const answer = await updateLicenceWorkflow(deps.temporal, licence.workflowId, (handle) =>
        handle.executeUpdate(renewalApplicationUpdate, { args: [body] }),
      );
      return { status: 200, body: answer };
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'post',
      path: '/api/v1/licences/{id}/renewal-decision',
      summary: 'The decision on the pending application',
      description:
        'approved (with the new licence) pushes the decision to every regulator, starts the new licence and closes this one; rejected or withdrawn resumes the reminders.',
      tags: ['lifecycle'],
      access: ['system', 'admin'],
      params: LicenceIdParams,
      body: RenewalDecisionBody,
      responses: { 200: json(StageAnswer, 'The decision was taken'), ...conflictResponses },
    },
    async ({ params, body, principal }) => {
      const licence = await licenceOf(params.id, principal);
      const answer = await updateLicenceWorkflow(deps.temporal, licence.workflowId, (handle) =>
        handle.executeUpdate(renewalDecisionUpdate, { args: [body] }),
      );
      return { status: 200, body: answer };
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'post',
      path: '/api/v1/licences/{id}/revocation',
      summary: 'The licence was cancelled or revoked (注销、吊销): reminders end',
      tags: ['lifecycle'],
      access: ['system', 'admin'],
      params: LicenceIdParams,
      body: RevocationBody,
      responses: { 200: json(StageAnswer, 'Revoked'), ...conflictResponses },
    },
    async ({ params, body, principal }) => {
      const licence = await licenceOf(params.id, principal);
      const answer = await updateLicenceWorkflow(deps.temporal, licence.workflowId, (handle) =>
        handle.executeUpdate(revocationUpdate, { args: [body] }),
      );
      return { status: 200, body: answer };
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'patch',
      path: '/api/v1/licences/{id}',
      summary: 'Correct the expiry date or the contact',
      description: 'A corrected expiry moves every timer of the licence; a new contact is used by every later reminder.',
      tags: ['lifecycle'],
      access: ['system', 'admin'],
      params: LicenceIdParams,
      body: LicenceCorrectionBody,
      responses: {
        200: json(StageAnswer.extend({ reminderWindowOpensOn: RenewalApplicationBody.shape.appliedOn }), 'Corrected'),
        ...conflictResponses,
      },
    },
    async ({ params, body, principal }) => {
      const licence = await licenceOf(params.id, principal);
      if (body.expiresOn !== undefined && body.expiresOn <= calendarDateOf(licence.issuedOn)) {
        throw ApiError.invalid([{ path: 'expiresOn', message: `must be after the licence's issue date (${calendarDateOf(licence.issuedOn)})` }]);
      }
      let reminderWindowOpensOn = localDateOf(licence.reminderWindowOpensAt, licence.bureau.timeZone);
      if (body.expiresOn !== undefined) {
        const expiresOn = body.expiresOn;
        ({ reminderWindowOpensOn } = await updateLicenceWorkflow(deps.temporal, licence.workflowId, (handle) =>
          handle.executeUpdate(correctExpiryUpdate, { args: [{ expiresOn }] }),
        ));
        await deps.prisma.licence.update({
          where: { id: licence.id },
          data: {
            expiresOn: dateColumn(expiresOn),
            reminderWindowOpensAt: reminderWindowOpensAt(expiresOn, licence.catalogueEntry.reminderLeadMonths, licence.bureau.timeZone).toJSDate(),
          },
        });
      }
      if (body.contact) await correctContact(deps, licence, body.contact);
      const updated = await deps.prisma.licence.findUniqueOrThrow({ where: { id: licence.id } });
      return { status: 200, body: { stage: updated.stage, reminderWindowOpensOn } };
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'get',
      path: '/api/v1/licences/{id}/history',
      summary: "The licence's steps, read from its workflow history, in domain words",
      tags: ['lifecycle'],
      access: ['system', 'specialist', 'supervisor', 'admin'],
      params: LicenceIdParams,
      responses: { 200: json(HistoryBody, 'The history'), 404: json(ErrorBody, 'No such licence') },
    },
    async ({ params, principal }) => {
      const licence = await licenceOf(params.id, principal);
      return { status: 200, body: { workflowId: licence.workflowId, events: await licenceHistory(deps.temporal, licence.workflowId) } };
    },
  );

  return router;
}
