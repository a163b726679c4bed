import { upsertSearchAttributes } from '@temporalio/workflow';
import type { RenewalApplicationInput, RenewalDecisionInput } from '../licence-definitions';
import { LICENCE_EXPIRES_ON, LICENCE_STAGE } from '../search-attributes';
import { continueWith } from './continuation';
import { callOutward } from './outward-calls';
import { untilAccepted } from './refusals';
import { tellRegulators } from './regulators';
import type { LicenceLife } from './state';
import { DEPENDANT_LICENCES_PATCH, RENEWAL_APPROVED_STAGE_PATCH, RENEWAL_KEEPS_NUMBER_PATCH } from './versions';

export type Approval = Extract<RenewalDecisionInput, { decision: 'approved' }>;

/** Pushes an approval to every regulator and moves the dependants; true when the renewal kept the licence's number. */
export async function pushApproval(life: LicenceLife, approval: Approval): Promise<boolean> {
  if (life.patched(RENEWAL_APPROVED_STAGE_PATCH)) {
    await life.mirror('renewal_approved', 'renewal_approved', Date.now(), life.keys.renewalDecided(life.application?.applicationNumber ?? '', 'approved'));
  } else await life.changeStage('renewal_approved', { searchable: false });
  life.nextAction = { kind: 'push_decision', dueAt: new Date(Date.now()).toISOString() };
  const applicationNumber = life.application?.applicationNumber;
  await tellRegulators(life, approval, applicationNumber ?? '', (regulatorId) => life.keys.decisionPush(applicationNumber, regulatorId));
  const keepsNumber = approval.newLicence.licenceNumber === life.input.licenceNumber && life.patched(RENEWAL_KEEPS_NUMBER_PATCH);
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
  upsertSearchAttributes([
    { key: LICENCE_STAGE, value: 'awaiting_window' },
    { key: LICENCE_EXPIRES_ON, value: new Date(`${approval.newLicence.expiresOn}T00:00:00Z`) },
  ]);
  return continueWith({ ...life.input, expiresOn: approval.newLicence.expiresOn, reminderLeadMonths: life.reminderLeadMonths, term: next }, life);
}
