import { upsertSearchAttributes } from '@temporalio/workflow';
import type { RenewalApplicationInput, RenewalDecisionInput } from '../licence-definitions';
import { LICENCE_EXPIRES_ON, LICENCE_STAGE } from '../search-attributes';
import { continueWith } from './continuation';
import type { OutwardCall } from '../../activities';
import { callAllAtOnce, callOutward } from './outward-calls';
import { untilAccepted } from './refusals';
import { tellRegulators } from './regulators';
import type { LicenceLife } from './state';
import { DEPENDANT_LICENCES_PATCH, RENEWAL_APPROVED_STAGE_PATCH, RENEWAL_KEEPS_NUMBER_PATCH } from './versions';

export type Approval = Extract<RenewalDecisionInput, { decision: 'approved' }>;

/**
 * Pushes an approval to every regulator and moves the dependants; true when the renewal kept the
 * licence's number, else the term has closed as renewed.
 */
export async function pushApproval(life: LicenceLife, approval: Approval): Promise<boolean> {
  if (life.patched(RENEWAL_APPROVED_STAGE_PATCH)) {
    await life.mirror('renewal_approved', 'renewal_approved', Date.now(), life.keys.renewalDecided(life.application?.applicationNumber ?? '', 'approved'));
  } else await life.changeStage('renewal_approved', { searchable: false });
  life.nextAction = { kind: 'push_decision', dueAt: new Date(Date.now()).toISOString() };
  if (life.folded && (await renewalCallsAtOnce(life, approval, keepsNumberOf(life, approval)))) return keepsNumberOf(life, approval);
  const keepsNumber = await pushOneByOne(life, approval);
  if (!keepsNumber) await life.enter('renewed', 'renewed', Date.now());
  return keepsNumber;
}

/**
 * Whether the renewal kept the licence's number. Runs from before ask its patch of Temporal after the
 * regulators were told, and must keep asking there; a folded run takes it without asking, at any point.
 */
function keepsNumberOf(life: LicenceLife, approval: Approval): boolean {
  return approval.newLicence.licenceNumber === life.input.licenceNumber && life.patched(RENEWAL_KEEPS_NUMBER_PATCH);
}

async function pushOneByOne(life: LicenceLife, approval: Approval): Promise<boolean> {
  const applicationNumber = life.application?.applicationNumber;
  await tellRegulators(life, approval, applicationNumber ?? '', (regulatorId) => life.keys.decisionPush(applicationNumber, regulatorId));
  const keepsNumber = keepsNumberOf(life, approval);
  const successor = approval.newLicence.licenceNumber;
  if (!keepsNumber) {
    await untilAccepted(life, `registering the renewed licence ${successor}`, `successor/${successor}`, () =>
      callOutward(life, 'registerRenewedLicence', { licenceId: life.licenceId, newLicence: approval.newLicence }),
    );
  }
  if (life.patched(DEPENDANT_LICENCES_PATCH)) {
    await untilAccepted(life, `moving the dependent licences to ${successor}`, `dependants/${successor}`, () =>
      callOutward(life, 'moveDependants', { licenceId: life.licenceId, newLicence: approval.newLicence }),
    );
  }
  return keepsNumber;
}

/**
 * A folded run's first try of a renewal's calls, every regulator's push, the successor and the
 * dependants, in one local activity that also records the term closed as renewed once they have
 * answered: one marker where each cost one. True when all answered; else {@link pushApproval} makes
 * them one by one as before, each by its key, and closes the term after them.
 */
async function renewalCallsAtOnce(life: LicenceLife, approval: Approval, keepsNumber: boolean): Promise<boolean> {
  const applicationNumber = life.application?.applicationNumber;
  const told = { licenceId: life.licenceId, keyPrefix: life.keys.decisionPushes(applicationNumber), decision: approval, applicationNumber: applicationNumber ?? '' };
  const moved = { licenceId: life.licenceId, newLicence: approval.newLicence };
  const calls: OutwardCall[] = [
    { name: 'pushDecisionToEveryRegulator', input: told },
    ...(keepsNumber ? [] : [{ name: 'registerRenewedLicence' as const, input: moved }]),
    { name: 'moveDependants', input: moved },
  ];
  const closedAt = Date.now();
  const closing = keepsNumber ? [] : [life.stageWrite('renewed', 'renewed', closedAt)];
  const answers = await callAllAtOnce(life, calls, closing);
  if (!answers) return false;
  for (const regulator of answers[0] as Array<{ name: string }>) life.note('decision_pushed', regulator.name);
  if (!keepsNumber) await life.changeStage('renewed', { recorded: { kind: 'renewed', at: closedAt, key: life.keys.stage('renewed'), carried: true }, told: true });
  return true;
}

/** The licence carries on under its number: its next term is a new run of this workflow, history and all left behind. */
export async function continueIntoNextTerm(life: LicenceLife, approval: Approval, applied: RenewalApplicationInput): Promise<never> {
  const next = life.term + 1;
  await life.engine.beginNextTerm({
    licenceId: life.licenceId,
    term: next,
    applicationNumber: applied.applicationNumber,
    newLicence: approval.newLicence,
    reminderLeadMonths: life.reminderLeadMonths,
    timeZone: life.input.timeZone,
    idempotencyKey: life.keys.nextTerm(applied.applicationNumber),
  });
  life.supersedeWaitingStage();
  upsertSearchAttributes([
    { key: LICENCE_STAGE, value: 'awaiting_window' },
    { key: LICENCE_EXPIRES_ON, value: new Date(`${approval.newLicence.expiresOn}T00:00:00Z`) },
  ]);
  return continueWith({ ...life.input, expiresOn: approval.newLicence.expiresOn, reminderLeadMonths: life.reminderLeadMonths, term: next }, life);
}
