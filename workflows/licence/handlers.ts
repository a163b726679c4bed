import { ApplicationFailure, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import { isCalendarDate, LADDER_REPLY_INTENTS, localDateOf, type LicenceStage } from '../../domain';
import {
  contactChangedSignal,
  correctExpiryUpdate,
  holderReplySignal,
  licenceStatusQuery,
  renewalApplicationUpdate,
  renewalDecisionUpdate,
  replanSignal,
  revocationUpdate,
  smsReceiptSignal,
  taskCompletedSignal,
  type HolderReply,
  type RenewalApplicationInput,
  type RenewalDecisionInput,
  type ReplanInput,
  type RevocationInput,
  type SmsReceipt,
  type TaskCompletion,
} from '../licence-definitions';
import { LICENCE_EXPIRES_ON } from '../search-attributes';
import type { LicenceLife } from './state';

const refuse = (message: string): never => {
  throw ApplicationFailure.nonRetryable(message);
};

/**
 * Once an approval is accepted the licence's next term or successor is decided: news for this term
 * would be lost when the run ends, so it is refused until the push is done.
 */
function refuseWhilePushing(life: LicenceLife): void {
  if (life.decision?.decision === 'approved' && !life.isFinal()) {
    refuse(`the approved renewal (${life.decision.newLicence.licenceNumber}) is being pushed to the regulators; send this again once it is recorded`);
  }
}

function takeApplication(life: LicenceLife, applied: RenewalApplicationInput) {
  life.application = applied;
  life.applicationRecorded = false;
  life.heard();
  return { stage: 'renewal_pending' as LicenceStage };
}

function checkApplication(life: LicenceLife, applied: RenewalApplicationInput): void {
  if (life.isFinal()) refuse(`the licence is ${life.stage}; no application can be taken`);
  if (life.application) refuse(`application ${life.application.applicationNumber} is already pending`);
  if (!isCalendarDate(applied.appliedOn)) refuse('appliedOn must be YYYY-MM-DD');
}

function takeDecision(life: LicenceLife, decided: RenewalDecisionInput) {
  life.decision = decided;
  life.heard();
  return { stage: decided.decision === 'approved' ? ('renewal_approved' as LicenceStage) : life.stage };
}

function checkDecision(life: LicenceLife, decided: RenewalDecisionInput): void {
  if (!life.application || life.decision) refuse('no renewal application is pending');
  if (decided.decision === 'approved' && !decided.newLicence) refuse('an approved decision needs newLicence');
}

function takeRevocation(life: LicenceLife, revoked: RevocationInput) {
  life.revocation = revoked;
  life.heard();
  return { stage: 'revoked' as LicenceStage };
}

function checkRevocation(life: LicenceLife): void {
  if (life.isFinal()) refuse(`the licence is already ${life.stage}`);
  refuseWhilePushing(life);
}

function correctExpiry(life: LicenceLife, corrected: string) {
  life.expiresOn = corrected;
  if (life.windowRecorded && Date.now() < life.windowOpensAt()) life.windowMovedOut = true;
  life.note('expiry_corrected', corrected);
  upsertSearchAttributes([{ key: LICENCE_EXPIRES_ON, value: new Date(`${corrected}T00:00:00Z`) }]);
  life.heard();
  return { reminderWindowOpensOn: localDateOf(new Date(life.windowOpensAt()).toISOString(), life.input.timeZone) };
}

function checkExpiryCorrection(life: LicenceLife, corrected: string): void {
  if (!isCalendarDate(corrected)) refuse('expiresOn must be a real date written YYYY-MM-DD');
  if (life.isFinal()) refuse(`the licence is ${life.stage}; its expiry can no longer change`);
  refuseWhilePushing(life);
}

function replan(life: LicenceLife, replanned: ReplanInput): void {
  if (replanned.reminderLeadMonths !== life.reminderLeadMonths) {
    life.reminderLeadMonths = replanned.reminderLeadMonths;
    life.note('replanned', `catalogue v${replanned.catalogueVersion}: ${replanned.reminderLeadMonths} months`);
  }
  // The ladder and grace period are read again at the next step.
  life.plan = undefined;
  life.heard();
}

function takeReceipt(life: LicenceLife, receipt: SmsReceipt): void {
  // Only the first receipt of a message counts; the API does not pass on later ones either.
  if (!life.smsReceipts.has(receipt.messageId)) life.smsReceipts.set(receipt.messageId, receipt);
}

function takeReply(life: LicenceLife, reply: HolderReply): void {
  if (life.heardReplies.has(reply.replyKey)) return;
  life.heardReplies.add(reply.replyKey);
  life.note('holder_replied', `${reply.intent}: ${reply.text}`, Date.parse(reply.sentAt));
  if (!LADDER_REPLY_INTENTS.includes(reply.intent)) return;
  life.unansweredReplies.push(reply);
  life.heard();
}

function takeCompletion(life: LicenceLife, completion: TaskCompletion): void {
  life.completions.set(completion.taskId, completion);
  life.heard();
}

/** What the outside world can ask and tell a licence workflow; each handler delegates in one line. */
export function registerHandlers(life: LicenceLife): void {
  setHandler(licenceStatusQuery, () => life.status());
  setHandler(renewalApplicationUpdate, (applied) => takeApplication(life, applied), { validator: (applied) => checkApplication(life, applied) });
  setHandler(renewalDecisionUpdate, (decided) => takeDecision(life, decided), { validator: (decided) => checkDecision(life, decided) });
  setHandler(revocationUpdate, (revoked) => takeRevocation(life, revoked), { validator: (_revoked) => checkRevocation(life) });
  setHandler(correctExpiryUpdate, ({ expiresOn }) => correctExpiry(life, expiresOn), { validator: ({ expiresOn }) => checkExpiryCorrection(life, expiresOn) });
  setHandler(contactChangedSignal, () => life.note('contact_changed'));
  setHandler(replanSignal, (replanned) => replan(life, replanned));
  setHandler(smsReceiptSignal, (receipt) => takeReceipt(life, receipt));
  setHandler(taskCompletedSignal, (completion) => takeCompletion(life, completion));
  setHandler(holderReplySignal, (reply) => takeReply(life, reply));
}
