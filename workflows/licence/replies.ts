import type { LicenceLife } from './state';
import { awaitTask, withdrawInterrupted } from './tasks';
import { deadlineAfter } from './timing';
import { HOLDER_REPLIES_PATCH } from './versions';

/** Working days a specialist has to look up a renewal the holder says it made. */
const CONFIRM_WORKING_DAYS = 2;

/**
 * Answers the oldest reply the ladder has not answered, in the window and outside a renewal:
 * - wrong number: the contact is flagged and the next step is due now, so that a specialist
 *   finds the holder another way;
 * - renewed: a specialist looks it up in the approval system; found, the ladder stops and the term
 *   closes as renewed at its expiry; not found, the ladder goes on where it stood.
 * @returns false when there was no reply to answer (or the run predates replies).
 */
export async function answerReply(life: LicenceLife): Promise<boolean> {
  const reply = life.unansweredReplies[0];
  if (!reply || !life.patched(HOLDER_REPLIES_PATCH)) return false;
  life.unansweredReplies.shift();
  if (reply.intent === 'wrong_number') {
    await life.engine.flagContact({ licenceId: life.licenceId });
    if (!life.ladder.done) life.ladder.notBefore = Math.min(life.ladder.notBefore, Date.now());
    return true;
  }
  if (life.renewalConfirmed) return true;
  const checkDue = await deadlineAfter(life, Date.now(), CONFIRM_WORKING_DAYS);
  const taskId = await life.engine.openHumanTask({
    licenceId: life.licenceId,
    idempotencyKey: life.keys.replyConfirmRenewal(reply.replyKey),
    kind: 'confirm_renewal',
    attempt: 1,
    dueAt: checkDue,
    note: `短信回复：${reply.text}`,
  });
  const checked = await awaitTask(life, taskId, checkDue);
  if (!checked) {
    await withdrawInterrupted(life);
    return true;
  }
  life.note('renewal_checked', checked.outcome);
  if (checked.outcome === 'renewal_found') {
    life.renewalConfirmed = true;
    life.ladder.done = true;
  }
  return true;
}
