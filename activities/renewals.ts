import type { Prisma, PrismaClient } from '../generated/prisma/client';
import { dateColumn, registerLicence } from '../services/licence-registration';
import type { NewLicenceDetails, RegulatorNotice, RenewalApplicationInput, RenewalDecisionInput } from '../workflows/licence-definitions';
import { HttpStatusError, postSigned, type ActivityDependencies } from './dependencies';
import { activityNow } from './clock';
import { signingKeyOf } from './regulator-keys';
import { listRegulators } from './reminder-plan';
import { reminderWindowOpensAt, type LicenceStage } from '../domain';

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
  decision: RegulatorNotice;
}

export interface PushToEveryRegulatorInput extends Omit<PushDecisionInput, 'regulatorId' | 'idempotencyKey'> {
  /** A regulator's push is keyed by this and the regulator's id, as the workflow keys a push of its own. */
  keyPrefix: string;
}

/**
 * 审管协同 to every regulator of the licence's type in one call, each push keyed as if made alone:
 * a renewal's first try inside the workflow task. A type with no regulator is a refusal.
 * @returns the regulators told.
 */
export async function pushDecisionToEveryRegulator(deps: ActivityDependencies, input: PushToEveryRegulatorInput): Promise<Array<{ id: string; name: string }>> {
  const { keyPrefix, ...notice } = input;
  const regulators = await listRegulators(deps.prisma, { licenceId: input.licenceId });
  for (const regulator of regulators) await pushDecisionToRegulator(deps, { ...notice, regulatorId: regulator.id, idempotencyKey: `${keyPrefix}${regulator.id}` });
  return regulators;
}

/**
 * 审管协同: delivers a renewal decision, a revocation or a lapse to one regulator. Every attempt is logged; a failure throws
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
    const secret = await signingKeyOf(regulator.secretRef, endpoints.regulatorSigningSecret);
    const { status, json } = await postSigned(url, body, { secret, idempotencyKey: input.idempotencyKey, timestamp });
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
 * Registers the licence issued by an approved renewal under a new number through the same
 * idempotent path as any registration, so that it gets its own workflow. A successor the approval
 * system registered itself is linked as it stands, whatever details it was registered with: its
 * own registration is the better record of it.
 */
export async function registerRenewedLicence(
  deps: ActivityDependencies,
  input: { licenceId: string; newLicence: NewLicenceDetails },
): Promise<string> {
  const old = await deps.prisma.licence.findUniqueOrThrow({ where: { id: input.licenceId }, include: { catalogueEntry: true } });
  const registered = await deps.prisma.licence.findUnique({
    where: { bureauCode_licenceNumber: { bureauCode: old.bureauCode, licenceNumber: input.newLicence.licenceNumber } },
  });
  if (registered) return registered.workflowId;
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

export interface BeginNextTermInput {
  licenceId: string;
  /** The term that begins: 2 after the first renewal. */
  term: number;
  applicationNumber: string;
  newLicence: NewLicenceDetails;
  /** The workflow's lead time and zone, so that the read model's window is the one its timer waits for. */
  reminderLeadMonths: number;
  timeZone: string;
  idempotencyKey: string;
}

/**
 * A renewal approved under the licence's own number (延续) begins its next term: the term's row, a
 * `renewed` event, and the licence's dates, window and stage for the new term, in one transaction,
 * once per term.
 */
export async function beginNextTerm(prisma: PrismaClient, input: BeginNextTermInput): Promise<void> {
  const issuedOn = dateColumn(input.newLicence.issuedOn);
  const expiresOn = dateColumn(input.newLicence.expiresOn);
  await prisma.$transaction(async (tx) => {
    const written = await tx.licenceTerm.createMany({
      data: [{ licenceId: input.licenceId, term: input.term, issuedOn, expiresOn, applicationNumber: input.applicationNumber }],
      skipDuplicates: true,
    });
    if (written.count === 0) return;
    await tx.licenceEvent.createMany({
      data: [{ licenceId: input.licenceId, idempotencyKey: input.idempotencyKey, kind: 'renewed', occurredAt: activityNow() }],
      skipDuplicates: true,
    });
    await tx.licence.update({
      where: { id: input.licenceId },
      data: {
        term: input.term,
        issuedOn,
        expiresOn,
        reminderWindowOpensAt: reminderWindowOpensAt(input.newLicence.expiresOn, input.reminderLeadMonths, input.timeZone).toJSDate(),
        stage: 'awaiting_window' satisfies LicenceStage,
        validityWarning: null,
      },
    });
  });
}
