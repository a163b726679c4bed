import type { Prisma, PrismaClient } from '../generated/prisma/client';
import { dateColumn, registerLicence } from '../services/licence-registration';
import type { NewLicenceDetails, RenewalApplicationInput, RenewalDecisionInput } from '../workflows/licence-definitions';
import { HttpStatusError, postSigned, type ActivityDependencies } from './dependencies';
import { activityNow } from './clock';

/** Mirrors an application and, when given, its decision. Idempotent on (licence, application number). */
export async function recordRenewal(
  prisma: PrismaClient,
  input: { licenceId: string; application: RenewalApplicationInput; decision?: RenewalDecisionInput },
): Promise<void> {
  const decided = input.decision
    ? {
        decision: input.decision.decision,
        decidedOn: dateColumn(input.decision.decidedOn),
        newLicenceNumber: input.decision.decision === 'approved' ? input.decision.newLicence.licenceNumber : null,
      }
    : {};
  await prisma.renewalApplication.upsert({
    where: { licenceId_applicationNumber: { licenceId: input.licenceId, applicationNumber: input.application.applicationNumber } },
    create: {
      licenceId: input.licenceId,
      applicationNumber: input.application.applicationNumber,
      appliedOn: dateColumn(input.application.appliedOn),
      ...decided,
    },
    update: decided,
  });
}

export interface PushDecisionInput {
  licenceId: string;
  regulatorId: string;
  idempotencyKey: string;
  applicationNumber: string;
  decision: RenewalDecisionInput;
}

/**
 * 审管协同: delivers a renewal decision to one regulator. Every attempt is logged; a failure throws
 * so that Temporal retries it with backoff; once delivered, retries return the stored receipt.
 */
export async function pushDecisionToRegulator(deps: ActivityDependencies, input: PushDecisionInput): Promise<string> {
  const { prisma, endpoints } = deps;
  const licence = await prisma.licence.findUniqueOrThrow({ where: { id: input.licenceId }, include: { catalogueEntry: true } });
  const regulator = await prisma.regulator.findUniqueOrThrow({ where: { id: input.regulatorId } });
  const payload = {
    bureau: licence.bureauCode,
    licenceNumber: licence.licenceNumber,
    licenceName: licence.catalogueEntry.licenceName,
    holderName: licence.holderName,
    applicationNumber: input.applicationNumber,
    decision: input.decision,
  };
  const delivery = await prisma.regulatorDelivery.upsert({
    where: { idempotencyKey: input.idempotencyKey },
    create: { idempotencyKey: input.idempotencyKey, licenceId: licence.id, regulatorId: regulator.id, payload: payload as unknown as Prisma.InputJsonObject },
    update: {},
  });
  if (delivery.deliveredAt && delivery.receipt) return delivery.receipt;

  const { attempts } = await prisma.regulatorDelivery.update({ where: { id: delivery.id }, data: { attempts: { increment: 1 } } });
  const body = JSON.stringify(delivery.payload);
  const timestamp = new Date().toISOString();
  const url = regulator.webhookUrl ?? `${endpoints.regulatorWebhookBaseUrl}/${regulator.id}/decisions`;
  try {
    const { status, json } = await postSigned(url, body, { secret: regulator.secret ?? endpoints.regulatorSigningSecret, idempotencyKey: input.idempotencyKey, timestamp });
    const receipt = (json as { receiptId?: string } | undefined)?.receiptId ?? `http-${status}`;
    await prisma.$transaction([
      prisma.regulatorDeliveryAttempt.create({ data: { deliveryId: delivery.id, attempt: attempts, at: activityNow(), httpStatus: status } }),
      prisma.regulatorDelivery.update({ where: { id: delivery.id }, data: { deliveredAt: activityNow(), receipt, lastError: null } }),
    ]);
    return receipt;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await prisma.$transaction([
      prisma.regulatorDeliveryAttempt.create({
        data: {
          deliveryId: delivery.id,
          attempt: attempts,
          at: activityNow(),
          httpStatus: error instanceof HttpStatusError ? error.status : null,
          error: message.slice(0, 500),
        },
      }),
      prisma.regulatorDelivery.update({ where: { id: delivery.id }, data: { lastError: message.slice(0, 500) } }),
    ]);
    throw error;
  }
}

/**
 * Registers the licence issued by an approved renewal through the same idempotent path as any
 * registration, so that it gets its own workflow.
 */
export async function registerRenewedLicence(
  deps: ActivityDependencies,
  input: { licenceId: string; newLicence: NewLicenceDetails },
): Promise<string> {
  const old = await deps.prisma.licence.findUniqueOrThrow({ where: { id: input.licenceId }, include: { catalogueEntry: true } });
  const outcome = await registerLicence(
    { prisma: deps.prisma, temporal: deps.temporal, taskQueue: deps.taskQueue },
    {
      bureau: old.bureauCode,
      licenceNumber: input.newLicence.licenceNumber,
      licenceType: old.catalogueEntry.code,
      holder: { name: old.holderName, ...(old.holderIdNumber ? { idNumber: old.holderIdNumber } : {}) },
      contact: { name: old.contactName, phone: old.contactPhone, ...(old.contactAddress ? { address: old.contactAddress } : {}) },
      issuedOn: input.newLicence.issuedOn,
      expiresOn: input.newLicence.expiresOn,
    },
  );
  return outcome.result.workflowId;
}
