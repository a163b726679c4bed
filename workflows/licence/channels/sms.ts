import { condition, patched } from '@temporalio/workflow';
import { DateTime } from 'luxon';
import type { LadderStep } from '../../../domain';
import { activities, smsSending } from '../activity-proxies';
import { nextReachingStepDue } from '../ladder';
import type { LicenceLife } from '../state';
import { waitEnds } from '../timing';
import { EARLIER_TEXTS_IN_WINDOW_PATCH, SMS_DEFERRAL_PATCH, SMS_RECEIPTS_PATCH, SMS_TASK_QUEUE_PATCH, SMS_WAIT_INTERRUPTIBLE_PATCH, WORKING_CALENDAR_PATCH } from '../versions';
import { somethingHappened } from '../waits';

type SmsStep = Extract<LadderStep, { channel: 'sms' }>;

/**
 * 短信提醒: sends the text, then lets its delivery receipt decide: delivered waits the step's days,
 * undeliverable (or a number no text reaches) goes straight on to the call.
 */
export async function runSms(life: LicenceLife, step: SmsStep, index: number, due: number): Promise<void> {
  const outId = life.keys.sms(life.ladder.cycle, index);
  // Added after the lean runs, so asked of Temporal in every lean run (versions.ts); compact runs came after it.
  const sender = life.compact || patched(SMS_TASK_QUEUE_PATCH) ? smsSending() : activities;
  await life.flushEngineWrites();
  // A quiet run's text also asks when the next step may reach people, should this one reach the holder.
  const nextDue = life.quietWaits ? nextReachingStepDue(life, step, index, due) : undefined;
  // The window holds when the text goes: a backlog on the SMS queue can outlast it. An earlier run
  // that keeps a send window asks its activity to hold it too, from the first text it reaches now.
  const inSendWindowOnly = life.folded || (life.patched(WORKING_CALENDAR_PATCH) && patched(EARLIER_TEXTS_IN_WINDOW_PATCH));
  const sent = await sender.sendReminderSms({
    licenceId: life.licenceId,
    idempotencyKey: outId,
    ...(inSendWindowOnly ? { inSendWindowOnly: true } : {}),
    ...(nextDue !== undefined ? { nextStepFrom: new Date(nextDue).toISOString() } : {}),
  });
  // The holder was reached, or may have been: the ladder waits the step's days from its due instant.
  const waitTheStepsDays = async () => {
    if (nextDue === undefined || !sent.nextStepSendAt) return life.advanceLadder(await waitEnds(life, due, step.waitDays, step.countIn));
    life.advanceLadder(nextDue);
    life.sendInstantFound(Date.parse(sent.nextStepSendAt));
  };
  if (sent.outcome === 'outside_send_window' && sent.sendAt) return life.postponeStep(Date.parse(sent.sendAt));
  if (sent.outcome === 'deferred' && life.patched(SMS_DEFERRAL_PATCH)) {
    // The provider refused the number more texts today: the same step goes again from tomorrow,
    // at the first send window, which the ladder's turn finds from there.
    life.note('sms_deferred');
    life.ladder.notBefore = DateTime.fromMillis(Date.now(), { zone: life.input.timeZone }).plus({ days: 1 }).startOf('day').toMillis();
    return;
  }
  life.note('sms_sent', sent.outcome);
  if (life.patched(SMS_RECEIPTS_PATCH)) {
    let delivery: 'delivered' | 'undeliverable' | 'unknown' | undefined;
    if (sent.messageId) {
      // Matched by the provider's message id, which the history holds, not by the step key.
      const messageId = sent.messageId;
      const seen = life.news;
      const interruptible = life.patched(SMS_WAIT_INTERRUPTIBLE_PATCH);
      // Only news that stops the ladder ends the wait: after a re-plan the receipt still decides.
      const stopped = () => interruptible && somethingHappened(life, seen) && life.interruptsLadder();
      await condition(() => life.smsReceipts.has(messageId) || stopped(), sent.receiptTimeoutMs);
      const receipt = life.smsReceipts.get(messageId);
      if (!receipt && stopped()) {
        // The text went out; its receipt, if it comes, is stored by the API. The news decides what follows.
        life.note('sms_receipt', 'not awaited: news arrived first');
        return waitTheStepsDays();
      }
      delivery = receipt?.status ?? 'unknown';
      // The API wrote a delivered receipt as it came, and delivered asks nothing more of the engine.
      if (!(life.quietWaits && delivery === 'delivered')) await life.engine.recordSmsDelivery({ licenceId: life.licenceId, outId, status: delivery });
      life.note('sms_receipt', receipt ? `${receipt.status} (${receipt.reportCode})` : 'unknown: no receipt in time');
    }
    if (delivery === 'undeliverable' || sent.outcome === 'invalid_number') {
      // The holder was not reached by text: a specialist calls without waiting.
      life.advanceLadder(Date.now());
      return;
    }
  }
  return waitTheStepsDays();
}
