import { afterCall, type CallOutcome, type LadderStep } from '../../../domain';
import type { LicenceLife } from '../state';
import { awaitTask, openTaskDue, openTaskInSendWindow, withdrawInterrupted } from '../tasks';
import { waitEnds } from '../timing';
import { REPORTED_RENEWAL_PATCH } from '../versions';

type PhoneCallStep = Extract<LadderStep, { channel: 'phone_call' }>;

/** 电话提醒: a specialist's call task; its outcome decides whether to call again, go on, or stop. */
export async function runPhoneCall(life: LicenceLife, step: PhoneCallStep, index: number, due: number): Promise<void> {
  const { cycle } = life.ladder;
  const attempt = life.ladder.callAttempt + 1;
  const opened = await openTaskInSendWindow(life, due, step.dueWorkingDays, { idempotencyKey: life.keys.callTask(cycle, index, attempt), kind: 'phone_call', attempt });
  if ('sendAt' in opened) return life.postponeStep(Date.parse(opened.sendAt));
  const { taskId, dueAt: callDue } = opened;
  life.note('call_task_created', `attempt ${attempt}`);
  const completion = await awaitTask(life, taskId, callDue);
  if (!completion) return withdrawInterrupted(life);
  const outcome = completion.outcome as CallOutcome;
  await life.engine.recordTaskOutcome({
    licenceId: life.licenceId,
    taskId,
    idempotencyKey: life.keys.callOutcome(cycle, index, attempt),
    channel: 'phone_call',
    outcome,
    completedBy: completion.completedBy,
    note: completion.note,
  });
  life.note('call_completed', outcome);
  if (outcome === 'already_renewed' && life.patched(REPORTED_RENEWAL_PATCH)) return confirmReportedRenewal(life, step, index, attempt);
  const verdict = afterCall(outcome, attempt, step);
  if (verdict === 'ladder_done') life.ladder.done = true;
  else if (verdict === 'call_again') {
    life.ladder.callAttempt = attempt;
    life.ladder.notBefore = await waitEnds(life, Date.now(), step.retryAfterDays, step.countIn);
  } else life.advanceLadder(Date.now());
}

/**
 * The holder says it renewed, yet no application reached the engine: a specialist looks it up in
 * the approval system. Found, the ladder stops and the term closes as renewed at its expiry (no
 * expiry alert, no lapse); not found, the ladder goes on with its next step.
 */
async function confirmReportedRenewal(life: LicenceLife, step: PhoneCallStep, index: number, attempt: number): Promise<void> {
  const { taskId, dueAt: checkDue } = await openTaskDue(life, Date.now(), step.dueWorkingDays, { idempotencyKey: life.keys.confirmRenewal(life.ladder.cycle, index, attempt), kind: 'confirm_renewal', attempt: 1 });
  const checked = await awaitTask(life, taskId, checkDue);
  if (!checked) return withdrawInterrupted(life);
  life.note('renewal_checked', checked.outcome);
  if (checked.outcome === 'renewal_found') {
    life.renewalConfirmed = true;
    life.ladder.done = true;
  } else life.advanceLadder(Date.now());
}
