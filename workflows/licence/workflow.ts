import { patched, sleep, workflowInfo } from '@temporalio/workflow';
import { localDateOf, type LadderStep, type LicenceStage } from '../../domain';
import type { LicenceStatus, LicenceWorkflowInput } from '../licence-definitions';
import { registerHandlers } from './handlers';
import { answerReply } from './replies';
import { reachesPeople, runLadderStep } from './ladder';
import { continueIntoNextTerm, pushApproval } from './renewal';
import { tellRegulators } from './regulators';
import { LicenceLife } from './state';
import { continueIfLong } from './continuation';
import { callOutward } from './outward-calls';
import { closeTasks } from './tasks';
import { days } from './timing';
import { COMPACT_STEPS_PATCH, DEPENDANT_LICENCES_PATCH, FOLDED_STEPS_PATCH, HISTORY_CONTINUE_PATCH, LEAN_HISTORY_PATCH, LOCAL_CALLS_PATCH, QUIET_WAITS_PATCH, READ_MODEL_STAGE_PATCH, REGULATORS_TOLD_OF_CLOSURES_PATCH, REMINDER_LADDER_PATCH, WINDOW_REOPENED_WHILE_PAUSED_PATCH, WORKING_CALENDAR_PATCH } from './versions';
import { waitForNews, waitUntil } from './waits';

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The life of one issued licence, id `licence/<bureau>/<number>`: sleep until the reminder window
 * opens, climb the department's escalation ladder, and end when a renewal decision has reached
 * every regulator, when the licence lapses after its grace period, or when it is revoked. A
 * renewal under the same number continues as new into the licence's next term.
 */
export async function licenceWorkflow(input: LicenceWorkflowInput): Promise<LicenceStatus> {
  const life = new LicenceLife(input);
  const status = await live(life);
  await life.flushEngineWrites();
  return status;
}

/** In a folded run the text's activity and the call task's opening check the send window themselves; a WeChat message does not. */
function checksItsOwnSendWindow(life: LicenceLife, step: LadderStep): boolean {
  return life.folded && (step.channel === 'sms' || step.channel === 'phone_call');
}

async function live(life: LicenceLife): Promise<LicenceStatus> {
  const { input } = life;
  // Evaluated once, at the start: a run never mixes the ways of running the engine's steps, and
  // executions started before the continue patch never continue mid-term.
  life.quietWaits = patched(QUIET_WAITS_PATCH);
  life.folded = life.quietWaits || patched(FOLDED_STEPS_PATCH);
  life.localCalls = life.folded || patched(LOCAL_CALLS_PATCH);
  life.compact = life.localCalls || patched(COMPACT_STEPS_PATCH);
  life.lean = life.compact || patched(LEAN_HISTORY_PATCH);
  life.continuesWhenLong = life.patched(HISTORY_CONTINUE_PATCH);
  registerHandlers(life);
  const { ladder, keys } = life;

  const reminderPlan = async () => {
    life.plan ??= await life.engine.loadReminderPlan({ licenceId: life.licenceId });
    return life.plan;
  };

  // The lifecycle: each turn looks at the state and does the one thing due, or waits for it.
  for (;;) {
    // News that arrives while this turn runs activities cuts its wait short.
    const turn = life.news;
    if (!life.revocation && !life.decision) await continueIfLong(life);
    if (life.revocation) {
      const revocation = life.revocation;
      life.nextAction = null;
      await closeTasks(life, 'revoked');
      await life.engine.recordClosure({ licenceId: life.licenceId, reason: revocation.reason });
      if (life.patched(DEPENDANT_LICENCES_PATCH)) {
        // A folded run's call carries the writes waiting.
        if (!life.folded) await life.flushEngineWrites();
        await callOutward(life, 'endDependants', { licenceId: life.licenceId, reason: revocation.reason, revokedOn: revocation.revokedOn });
      }
      if (life.patched(REGULATORS_TOLD_OF_CLOSURES_PATCH)) {
        const notice = { decision: 'revoked' as const, revokedOn: revocation.revokedOn, reason: revocation.reason };
        await tellRegulators(life, notice, '', (regulatorId) => keys.notice('revoked', regulatorId));
      }
      await life.enter('revoked', 'revoked', Date.now());
      return life.status();
    }

    if (life.decision && life.application) {
      const { decision, application } = life;
      await life.engine.recordRenewal({ licenceId: life.licenceId, application, decision });
      if (decision.decision === 'approved') {
        life.note('renewal_approved', decision.newLicence.licenceNumber);
        const keepsNumber = await pushApproval(life, decision);
        life.nextAction = null;
        if (keepsNumber) return continueIntoNextTerm(life, decision, application);
        return life.status();
      }
      const decided = decision.decision === 'rejected' ? 'renewal_rejected' : 'renewal_withdrawn';
      life.note(decided);
      if (life.patched(REGULATORS_TOLD_OF_CLOSURES_PATCH)) {
        const what = `${decision.decision}-${application.applicationNumber}`;
        await tellRegulators(life, decision, application.applicationNumber, (regulatorId) => keys.notice(what, regulatorId));
      }
      life.application = undefined;
      life.decision = undefined;
      // The ladder resumes where it stood, with fresh tasks.
      ladder.cycle += 1;
      const resumed: LicenceStage = Date.now() >= life.lapsesAt() ? 'expired' : Date.now() >= life.windowOpensAt() ? 'window_open' : 'awaiting_window';
      if (life.patched(READ_MODEL_STAGE_PATCH)) await life.mirror(resumed, decided, Date.now(), keys.renewalDecided(application.applicationNumber, decision.decision));
      else await life.changeStage(resumed, { searchable: true });
      continue;
    }

    if (life.application) {
      if (!life.applicationRecorded) {
        life.applicationRecorded = true;
        const application = life.application;
        // What the holder said before applying is answered by the application itself.
        life.unansweredReplies.length = 0;
        await closeTasks(life, 'renewal applied');
        await life.engine.recordRenewal({ licenceId: life.licenceId, application });
        await life.enter('renewal_pending', 'renewal_applied', Date.now(), keys.renewalApplied(application.applicationNumber));
      }
      life.nextAction = { kind: 'await_decision', dueAt: null };
      await waitForNews(life, turn);
      continue;
    }

    const now = Date.now();
    if (now >= life.lapsesAt() && life.renewalConfirmed) {
      // Renewed as a specialist found in the approval system: the term ends renewed, not expired.
      life.nextAction = null;
      await closeTasks(life, 'renewed');
      await life.enter('renewed', 'renewed', life.lapsesAt());
      return life.status();
    }
    if (now >= life.lapsesAt()) {
      const { graceDays } = await reminderPlan();
      const graceEndsAt = life.lapsesAt() + days(graceDays);
      if (now >= graceEndsAt) {
        life.nextAction = null;
        await closeTasks(life, 'lapsed');
        if (life.patched(REGULATORS_TOLD_OF_CLOSURES_PATCH)) {
          const notice = { decision: 'lapsed' as const, lapsedOn: localDateOf(iso(graceEndsAt), input.timeZone) };
          await tellRegulators(life, notice, '', (regulatorId) => keys.notice('lapsed', regulatorId));
        }
        await life.enter('lapsed', 'lapsed', graceEndsAt);
        return life.status();
      }
      if (!life.expiryRecorded) {
        life.expiryRecorded = true;
        await closeTasks(life, 'expired');
        life.expiries += 1;
        // A second expiry in the term needs a key of its own, or the read model keeps the stage it had.
        const stageKey = life.expiries === 1 ? keys.stage('expired') : keys.expiredAgain(life.expiries);
        await life.enter('expired', 'expired', Math.max(life.lapsesAt(), workflowInfo().startTime.getTime()), stageKey);
        await life.engine.recordExpiry({
          licenceId: life.licenceId,
          idempotencyKey: keys.expiryAlert(ladder.cycle),
          message: `Licence ${input.licenceNumber} expired on ${life.expiresOn} without a renewal application`,
        });
      }
      life.nextAction = { kind: 'close_as_lapsed', dueAt: iso(graceEndsAt) };
      await waitUntil(life, graceEndsAt, turn);
      continue;
    }
    if (life.expiryRecorded) {
      // The expiry was corrected to a later date: the licence is current again.
      life.expiryRecorded = false;
      // Inside a window already opened no later branch records a stage, nor before a window never opened.
      const insideWindow = now >= life.windowOpensAt();
      if (life.windowRecorded === insideWindow && life.patched(READ_MODEL_STAGE_PATCH)) {
        await life.mirror(insideWindow ? 'window_open' : 'awaiting_window', 'expiry_corrected', now, keys.currentAgain(ladder.cycle, life.steps.length));
      }
    }

    if (life.windowMovedOut && life.windowRecorded && now >= life.windowOpensAt() && life.patched(WINDOW_REOPENED_WHILE_PAUSED_PATCH)) {
      // The window moved out and reopened while an application paused the ladder: start afresh now.
      life.restartLadder();
      await closeTasks(life, 'expiry corrected');
    }

    let windowOpenedAt = now;
    if (now < life.windowOpensAt()) {
      if (life.windowRecorded) {
        // A corrected expiry moved the window out again: start the ladder afresh when it reopens.
        life.restartLadder();
        await closeTasks(life, 'expiry corrected');
        if (life.patched(READ_MODEL_STAGE_PATCH)) await life.mirror('awaiting_window', 'expiry_corrected', Date.now(), keys.windowMovedOut(ladder.cycle));
        else await life.changeStage('awaiting_window', { searchable: true });
      }
      life.nextAction = { kind: 'open_reminder_window', dueAt: iso(life.windowOpensAt()) };
      windowOpenedAt = await waitUntil(life, life.windowOpensAt(), turn);
      if (windowOpenedAt < life.windowOpensAt()) continue;
    }

    if (!life.windowRecorded) {
      life.windowRecorded = true;
      await life.enter('window_open', 'reminder_window_opened', windowOpenedAt, keys.windowOpened(ladder.cycle));
      ladder.notBefore = windowOpenedAt;
      if (!life.patched(REMINDER_LADDER_PATCH)) {
        // Recorded before the ladder existed: wait for expiry and record it, as then.
        life.nextAction = { kind: 'record_expiry', dueAt: iso(life.lapsesAt()) };
        const remaining = life.lapsesAt() - Date.now();
        if (remaining > 0) await sleep(remaining);
        life.nextAction = null;
        await life.enter('expired', 'expired', life.lapsesAt());
        return life.status();
      }
    }

    // A holder's reply, heard while the ladder waited: answered before the next step.
    if (await answerReply(life)) continue;

    const step = (await reminderPlan()).ladder[ladder.index];
    if (!ladder.done && step) {
      if (Date.now() < ladder.notBefore) {
        if (life.compact && reachesPeople(step) && life.sendInstantFoundFor !== ladder.notBefore) {
          // Sleep straight to the instant it can go, not to its due time and then again from there;
          // the check below asks once more on waking, for a calendar changed meanwhile.
          const sendAt = Date.parse(await life.engine.nextSendInstant({ licenceId: life.licenceId, from: iso(ladder.notBefore) }));
          life.sendInstantFound(sendAt);
        }
        life.nextAction = { kind: step.channel, dueAt: iso(ladder.notBefore) };
        await waitUntil(life, Math.min(ladder.notBefore, life.lapsesAt()), turn);
        continue;
      }
      if (reachesPeople(step) && !checksItsOwnSendWindow(life, step) && life.patched(WORKING_CALENDAR_PATCH)) {
        // Texts, WeChat messages and calls reach people only in the bureau's hours on a working day: something due
        // at night or on a holiday moves to the next opening, and the waits after it count from there.
        const sendAt = Date.parse(await life.engine.nextSendInstant({ licenceId: life.licenceId, from: iso(Date.now()) }));
        if (sendAt > Date.now()) {
          ladder.notBefore = sendAt;
          continue;
        }
      }
      life.nextAction = { kind: step.channel, dueAt: iso(ladder.notBefore) };
      await runLadderStep(life, step, ladder.index, ladder.notBefore);
      continue;
    }

    life.nextAction = { kind: 'record_expiry', dueAt: iso(life.lapsesAt()) };
    await waitUntil(life, life.lapsesAt(), turn);
  }
}
