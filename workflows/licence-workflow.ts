import {
  ApplicationFailure,
  condition,
  patched,
  proxyActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { DateTime } from 'luxon';
import {
  addWorkingDays,
  afterCall,
  isCalendarDate,
  licenceLapsesAt,
  localDateOf,
  reminderWindowOpensAt,
  FINAL_STAGES,
  type CallOutcome,
  type DayCount,
  type LadderStep,
  type LicenceStage,
} from '../domain';
import type { LicenceActivities, ReminderPlan } from '../activities';
import {
  contactChangedSignal,
  correctExpiryUpdate,
  licenceStatusQuery,
  renewalApplicationUpdate,
  renewalDecisionUpdate,
  replanSignal,
  revocationUpdate,
  smsReceiptSignal,
  taskCompletedSignal,
  type LicenceStatus,
  type LicenceStep,
  type LicenceStepKind,
  type LicenceWorkflowInput,
  type RenewalApplicationInput,
  type RenewalDecisionInput,
  type RevocationInput,
  type SmsReceipt,
  type TaskCompletion,
} from './licence-definitions';
import { LICENCE_EXPIRES_ON, LICENCE_STAGE } from './search-attributes';

/** Executions started before the escalation ladder existed only opened the window and waited. */
export const REMINDER_LADDER_PATCH = 'reminder-ladder';

/** Executions that reached the letter step before guidance was checked wrote the letter at once. */
export const LETTER_GUIDANCE_PATCH = 'letter-guidance';

/** Executions that waited on tasks before overdue escalation existed waited without it. */
export const OVERDUE_ESCALATION_PATCH = 'overdue-escalation';

/** Executions that renewed or were revoked before dependent licences existed told no dependants. */
export const DEPENDANT_LICENCES_PATCH = 'dependant-licences';

/**
 * Executions from before the Chinese working-day calendar counted weekends only, sent SMS and
 * opened phone tasks at any hour, and counted every ladder wait in calendar days.
 */
export const WORKING_CALENDAR_PATCH = 'working-calendar';

/**
 * Executions from before delivery receipts went on after an SMS whatever became of it; now the
 * receipt decides: delivered waits as before, undeliverable flags the contact and goes straight on.
 */
export const SMS_RECEIPTS_PATCH = 'sms-receipts';

const DAY = 86_400_000;

const activities = proxyActivities<LicenceActivities>({
  startToCloseTimeout: '30 seconds',
  // The read model or a channel may be down for a while; keep trying rather than lose a step.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

// Regulators may be unreachable for days: retry with backoff up to an hour apart, without end.
const regulatorDelivery = proxyActivities<LicenceActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 minute', backoffCoefficient: 2, maximumInterval: '1 hour' },
});

/**
 * The life of one issued licence, id `licence/<bureau>/<number>`: sleep until the reminder window
 * opens, climb the department's escalation ladder, and end when a renewal decision has reached
 * every regulator, when the licence lapses after its grace period, or when it is revoked.
 */
export async function licenceWorkflow(input: LicenceWorkflowInput): Promise<LicenceStatus> {
  const workflowId = workflowInfo().workflowId;
  let expiresOn = input.expiresOn;
  let stage: LicenceStage = 'awaiting_window';
  let nextAction: LicenceStatus['nextAction'] = null;
  const steps: LicenceStep[] = [{ kind: 'registered', at: new Date(workflowInfo().startTime).toISOString() }];

  let plan: ReminderPlan | undefined;
  let windowRecorded = false;
  let expiryRecorded = false;
  const ladder = { index: 0, notBefore: 0, callAttempt: 0, done: false, cycle: 0 };
  let application: RenewalApplicationInput | undefined;
  let applicationRecorded = false;
  let decision: RenewalDecisionInput | undefined;
  let revocation: RevocationInput | undefined;
  const completions = new Map<string, TaskCompletion>();
  // Bumped by every handler so that any wait can be cut short by news from outside.
  let news = 0;

  let reminderLeadMonths = input.reminderLeadMonths;
  const windowOpensAt = () => reminderWindowOpensAt(expiresOn, reminderLeadMonths, input.timeZone).toMillis();
  const lapsesAt = () => licenceLapsesAt(expiresOn, input.timeZone).toMillis();
  const iso = (ms: number) => new Date(ms).toISOString();
  const isFinal = () => FINAL_STAGES.includes(stage);
  const key = (step: string) => `${workflowId}/${step}`;

  const status = (): LicenceStatus => ({
    stage,
    expiresOn,
    reminderWindowOpensAt: iso(windowOpensAt()),
    nextAction,
    steps: [...steps],
  });

  setHandler(licenceStatusQuery, status);
  setHandler(
    renewalApplicationUpdate,
    (applied) => {
      application = applied;
      applicationRecorded = false;
      news++;
      return { stage: 'renewal_pending' as LicenceStage };
    },
    {
      validator: (applied) => {
        if (isFinal()) throw ApplicationFailure.nonRetryable(`the licence is ${stage}; no application can be taken`);
        if (application) {
          throw ApplicationFailure.nonRetryable(`application ${application.applicationNumber} is already pending`);
        }
        if (!isCalendarDate(applied.appliedOn)) throw ApplicationFailure.nonRetryable('appliedOn must be YYYY-MM-DD');
      },
    },
  );
  setHandler(
    renewalDecisionUpdate,
    (decided) => {
      decision = decided;
      news++;
      return { stage: decided.decision === 'approved' ? ('renewal_approved' as LicenceStage) : stage };
    },
    {
      validator: (decided) => {
        if (!application || decision) throw ApplicationFailure.nonRetryable('no renewal application is pending');
        if (decided.decision === 'approved' && !decided.newLicence) {
          throw ApplicationFailure.nonRetryable('an approved decision needs newLicence');
        }
      },
    },
  );
  setHandler(
    revocationUpdate,
    (revoked) => {
      revocation = revoked;
      news++;
      return { stage: 'revoked' as LicenceStage };
    },
    {
      validator: (_revoked) => {
        if (isFinal()) throw ApplicationFailure.nonRetryable(`the licence is already ${stage}`);
      },
    },
  );
  setHandler(
    correctExpiryUpdate,
    ({ expiresOn: corrected }) => {
      expiresOn = corrected;
      steps.push({ kind: 'expiry_corrected', at: iso(Date.now()), detail: corrected });
      upsertSearchAttributes([{ key: LICENCE_EXPIRES_ON, value: new Date(`${corrected}T00:00:00Z`) }]);
      news++;
      return { reminderWindowOpensOn: localDateOf(iso(windowOpensAt()), input.timeZone) };
    },
    {
      validator: ({ expiresOn: corrected }) => {
        if (!isCalendarDate(corrected)) throw ApplicationFailure.nonRetryable('expiresOn must be a real date written YYYY-MM-DD');
        if (isFinal()) throw ApplicationFailure.nonRetryable(`the licence is ${stage}; its expiry can no longer change`);
      },
    },
  );
  setHandler(contactChangedSignal, () => {
    steps.push({ kind: 'contact_changed', at: iso(Date.now()) });
  });
  setHandler(replanSignal, (replan) => {
    if (replan.reminderLeadMonths !== reminderLeadMonths) {
      reminderLeadMonths = replan.reminderLeadMonths;
      steps.push({ kind: 'replanned', at: iso(Date.now()), detail: `catalogue v${replan.catalogueVersion}: ${replan.reminderLeadMonths} months` });
    }
    // The ladder and grace period are read again at the next step.
    plan = undefined;
    news++;
  });
  const smsReceipts = new Map<string, SmsReceipt>();
  setHandler(smsReceiptSignal, (receipt) => {
    // Only the first receipt of a message counts; the API does not pass on later ones either.
    if (!smsReceipts.has(receipt.messageId)) smsReceipts.set(receipt.messageId, receipt);
  });
  setHandler(taskCompletedSignal, (completion) => {
    completions.set(completion.taskId, completion);
    news++;
  });

  /** Moves to a stage and mirrors it into the read model, once per idempotency key. */
  const enter = async (next: LicenceStage, kind: LicenceStepKind, at: number, keySuffix: string = kind) => {
    await activities.recordLicenceStep({
      licenceId: input.licenceId,
      idempotencyKey: key(keySuffix),
      kind,
      stage: next,
      occurredAt: iso(at),
    });
    stage = next;
    steps.push({ kind, at: iso(at) });
    upsertSearchAttributes([{ key: LICENCE_STAGE, value: stage }]);
  };

  /** Records a step that does not change the stage. */
  const note = (kind: LicenceStepKind, detail?: string) => {
    steps.push({ kind, at: iso(Date.now()), ...(detail ? { detail } : {}) });
  };

  /**
   * Waits until an instant or until news newer than `seen` arrives, whichever is first.
   * @returns the instant slept until when it was reached, else the time of the news.
   */
  const waitUntil = async (epochMs: number, seen: number): Promise<number> => {
    const now = Date.now();
    if (epochMs <= now || news !== seen) return now;
    const interrupted = await condition(() => news !== seen, epochMs - now);
    return interrupted ? Date.now() : epochMs;
  };

  const reminderPlan = async (): Promise<ReminderPlan> => {
    plan ??= await activities.loadReminderPlan({ licenceId: input.licenceId });
    return plan;
  };

  const closeTasks = async (reason: string) => {
    await activities.cancelOpenTasks({ licenceId: input.licenceId, reason });
  };

  /**
   * Waits for a human task; `undefined` when news interrupted it or the licence lapsed first. A task
   * still open at its due time is escalated to the supervisors, once, and waited for all the same.
   */
  const awaitTask = async (taskId: string, dueAt?: string): Promise<TaskCompletion | undefined> => {
    nextAction = { kind: 'await_task', dueAt: null, taskId };
    const escalates = dueAt !== undefined && patched(OVERDUE_ESCALATION_PATCH);
    const dueMs = dueAt === undefined ? Infinity : Date.parse(dueAt);
    let escalated = false;
    for (;;) {
      const completion = completions.get(taskId);
      if (completion) return completion;
      const remaining = lapsesAt() - Date.now();
      if (remaining <= 0 || interruptsLadder()) return undefined;
      if (escalates && !escalated && Date.now() >= dueMs) {
        escalated = true;
        await activities.escalateOverdueTask({ licenceId: input.licenceId, taskId, idempotencyKey: key(`task/${taskId}/overdue`) });
        note('task_overdue', taskId);
        continue;
      }
      // Any news may move the expiry or interrupt the ladder: look again after each.
      const seen = news;
      const untilDue = escalates && !escalated ? dueMs - Date.now() : Infinity;
      await condition(() => news !== seen, Math.min(remaining, untilDue));
    }
  };

  const interruptsLadder = () =>
    revocation !== undefined ||
    application !== undefined ||
    Date.now() < windowOpensAt() ||
    Date.now() >= lapsesAt();

  /** The end of the `days`-th working day after an instant: a human task's due time. */
  const deadlineAfter = async (from: number, days: number): Promise<string> => {
    if (patched(WORKING_CALENDAR_PATCH)) {
      return activities.workingDaysDeadline({ licenceId: input.licenceId, from: iso(from), days });
    }
    return iso(addWorkingDays(DateTime.fromMillis(from), days, input.timeZone).toMillis());
  };

  /** The instant a ladder wait of `days` from `from` ends, counted as the step says. */
  const waitEnds = async (from: number, days: number, countIn: DayCount | undefined): Promise<number> => {
    if (countIn === 'working_days' && patched(WORKING_CALENDAR_PATCH)) {
      return Date.parse(await activities.workingDaysLater({ licenceId: input.licenceId, from: iso(from), days }));
    }
    return from + days * DAY;
  };

  /** Runs one ladder step that fell due at `due`; waits after it count from that instant. */
  const runStep = async (step: LadderStep, index: number, due: number) => {
    const stepKey = `cycle-${ladder.cycle}/step-${index}`;
    switch (step.channel) {
      case 'auto_prompt': {
        await activities.deliverAutoPrompt({ licenceId: input.licenceId, idempotencyKey: key(`${stepKey}/auto-prompt`) });
        note('auto_prompt_delivered');
        advance(await waitEnds(due, step.waitDays, step.countIn));
        return;
      }
      case 'sms': {
        const outId = key(`${stepKey}/sms`);
        const sent = await activities.sendReminderSms({ licenceId: input.licenceId, idempotencyKey: outId });
        note('sms_sent', sent.outcome);
        if (patched(SMS_RECEIPTS_PATCH)) {
          let delivery: 'delivered' | 'undeliverable' | 'unknown' | undefined;
          if (sent.messageId) {
            // Matched by the provider's message id, which the history holds, not by the step key.
            const messageId = sent.messageId;
            await condition(() => smsReceipts.has(messageId), sent.receiptTimeoutMs);
            const receipt = smsReceipts.get(messageId);
            delivery = receipt?.status ?? 'unknown';
            await activities.recordSmsDelivery({ licenceId: input.licenceId, outId, status: delivery });
            note('sms_receipt', receipt ? `${receipt.status} (${receipt.reportCode})` : 'unknown: no receipt in time');
          }
          if (delivery === 'undeliverable' || sent.outcome === 'invalid_number') {
            // The holder was not reached by text: a specialist calls without waiting.
            advance(Date.now());
            return;
          }
        }
        advance(await waitEnds(due, step.waitDays, step.countIn));
        return;
      }
      case 'phone_call': {
        const attempt = ladder.callAttempt + 1;
        const callDue = await deadlineAfter(due, step.dueWorkingDays);
        const taskId = await activities.openHumanTask({
          licenceId: input.licenceId,
          idempotencyKey: key(`${stepKey}/call-${attempt}`),
          kind: 'phone_call',
          attempt,
          dueAt: callDue,
        });
        note('call_task_created', `attempt ${attempt}`);
        const completion = await awaitTask(taskId, callDue);
        if (!completion) return interrupted();
        const outcome = completion.outcome as CallOutcome;
        await activities.recordTaskOutcome({
          licenceId: input.licenceId,
          taskId,
          idempotencyKey: key(`${stepKey}/call-${attempt}/outcome`),
          channel: 'phone_call',
          outcome,
          completedBy: completion.completedBy,
          note: completion.note,
        });
        note('call_completed', outcome);
        const verdict = afterCall(outcome, attempt, step);
        if (verdict === 'ladder_done') ladder.done = true;
        else if (verdict === 'call_again') {
          ladder.callAttempt = attempt;
          ladder.notBefore = await waitEnds(Date.now(), step.retryAfterDays, step.countIn);
        } else advance(Date.now());
        return;
      }
      case 'letter': {
        if (patched(LETTER_GUIDANCE_PATCH)) {
          // 精准提醒 tells the holder where, when and with what to renew: until the department has
          // said so in the catalogue, a specialist task asks for it instead of a letter with gaps.
          for (let request = 1; ; request++) {
            const missing = await activities.missingLetterGuidance({ licenceId: input.licenceId });
            if (missing.length === 0) break;
            const guidanceDue = await deadlineAfter(Date.now(), step.dueWorkingDays);
            const guidanceTask = await activities.openHumanTask({
              licenceId: input.licenceId,
              idempotencyKey: key(`${stepKey}/guidance-${request}`),
              kind: 'complete_guidance',
              attempt: request,
              dueAt: guidanceDue,
            });
            note('guidance_requested', missing.join(', '));
            if (!(await awaitTask(guidanceTask, guidanceDue))) return interrupted();
          }
        }
        const letterId = await activities.prepareLetter({ licenceId: input.licenceId, idempotencyKey: key(`${stepKey}/letter`) });
        const letterDue = await deadlineAfter(due, step.dueWorkingDays);
        const taskId = await activities.openHumanTask({
          licenceId: input.licenceId,
          idempotencyKey: key(`${stepKey}/letter-task`),
          kind: 'send_letter',
          attempt: 1,
          dueAt: letterDue,
          letterId,
        });
        note('letter_task_created');
        const completion = await awaitTask(taskId, letterDue);
        if (!completion) return interrupted();
        await activities.recordTaskOutcome({
          licenceId: input.licenceId,
          taskId,
          idempotencyKey: key(`${stepKey}/letter/outcome`),
          channel: 'letter',
          outcome: completion.outcome,
          completedBy: completion.completedBy,
          note: completion.note,
        });
        note('letter_sent');
        advance(Date.now());
        return;
      }
    }
  };

  /** A task wait was cut short: its task is withdrawn, and a later turn makes a fresh one. */
  const interrupted = async () => {
    ladder.cycle += 1;
    await closeTasks('interrupted');
  };

  const advance = (notBefore: number) => {
    ladder.index += 1;
    ladder.callAttempt = 0;
    ladder.notBefore = notBefore;
  };

  const pushDecision = async (decided: Extract<RenewalDecisionInput, { decision: 'approved' }>) => {
    stage = 'renewal_approved';
    nextAction = { kind: 'push_decision', dueAt: iso(Date.now()) };
    const regulators = await activities.listRegulators({ licenceId: input.licenceId });
    await Promise.all(
      regulators.map(async (regulator) => {
        await regulatorDelivery.pushDecisionToRegulator({
          licenceId: input.licenceId,
          regulatorId: regulator.id,
          idempotencyKey: key(`decision/${application?.applicationNumber}/${regulator.id}`),
          decision: decided,
          applicationNumber: application?.applicationNumber ?? '',
        });
        note('decision_pushed', regulator.name);
      }),
    );
    await activities.registerRenewedLicence({ licenceId: input.licenceId, newLicence: decided.newLicence });
    if (patched(DEPENDANT_LICENCES_PATCH)) {
      await activities.moveDependants({ licenceId: input.licenceId, newLicence: decided.newLicence });
    }
  };

  // The lifecycle: each turn looks at the state and does the one thing due, or waits for it.
  for (;;) {
    // News that arrives while this turn runs activities cuts its wait short.
    const turn = news;
    if (revocation) {
      nextAction = null;
      await closeTasks('revoked');
      await activities.recordClosure({ licenceId: input.licenceId, reason: revocation.reason });
      if (patched(DEPENDANT_LICENCES_PATCH)) {
        await activities.endDependants({ licenceId: input.licenceId, reason: revocation.reason, revokedOn: revocation.revokedOn });
      }
      await enter('revoked', 'revoked', Date.now());
      return status();
    }

    if (decision && application) {
      await activities.recordRenewal({ licenceId: input.licenceId, application, decision });
      if (decision.decision === 'approved') {
        note('renewal_approved', decision.newLicence.licenceNumber);
        await pushDecision(decision);
        nextAction = null;
        await enter('renewed', 'renewed', Date.now());
        return status();
      }
      note(decision.decision === 'rejected' ? 'renewal_rejected' : 'renewal_withdrawn');
      application = undefined;
      decision = undefined;
      // The ladder resumes where it stood, with fresh tasks.
      ladder.cycle += 1;
      stage = Date.now() >= lapsesAt() ? 'expired' : Date.now() >= windowOpensAt() ? 'window_open' : 'awaiting_window';
      upsertSearchAttributes([{ key: LICENCE_STAGE, value: stage }]);
      continue;
    }

    if (application) {
      if (!applicationRecorded) {
        applicationRecorded = true;
        await closeTasks('renewal applied');
        await activities.recordRenewal({ licenceId: input.licenceId, application });
        await enter('renewal_pending', 'renewal_applied', Date.now(), `renewal/${application.applicationNumber}`);
      }
      nextAction = { kind: 'await_decision', dueAt: null };
      await condition(() => news !== turn);
      continue;
    }

    const now = Date.now();
    if (now >= lapsesAt()) {
      const { graceDays } = await reminderPlan();
      const graceEndsAt = lapsesAt() + graceDays * DAY;
      if (now >= graceEndsAt) {
        nextAction = null;
        await closeTasks('lapsed');
        await enter('lapsed', 'lapsed', graceEndsAt);
        return status();
      }
      if (!expiryRecorded) {
        expiryRecorded = true;
        await closeTasks('expired');
        await enter('expired', 'expired', Math.max(lapsesAt(), workflowInfo().startTime.getTime()));
        await activities.recordExpiry({
          licenceId: input.licenceId,
          idempotencyKey: key(`cycle-${ladder.cycle}/expired`),
          message: `Licence ${input.licenceNumber} expired on ${expiresOn} without a renewal application`,
        });
      }
      nextAction = { kind: 'close_as_lapsed', dueAt: iso(graceEndsAt) };
      await waitUntil(graceEndsAt, turn);
      continue;
    }
    if (expiryRecorded) {
      // The expiry was corrected to a later date: the licence is current again.
      expiryRecorded = false;
    }

    let windowOpenedAt = now;
    if (now < windowOpensAt()) {
      if (windowRecorded) {
        // A corrected expiry moved the window out again: start the ladder afresh when it reopens.
        windowRecorded = false;
        Object.assign(ladder, { index: 0, notBefore: 0, callAttempt: 0, done: false, cycle: ladder.cycle + 1 });
        await closeTasks('expiry corrected');
        stage = 'awaiting_window';
        upsertSearchAttributes([{ key: LICENCE_STAGE, value: stage }]);
      }
      nextAction = { kind: 'open_reminder_window', dueAt: iso(windowOpensAt()) };
      windowOpenedAt = await waitUntil(windowOpensAt(), turn);
      if (windowOpenedAt < windowOpensAt()) continue;
    }

    if (!windowRecorded) {
      windowRecorded = true;
      const stepKey = ladder.cycle === 0 ? 'reminder_window_opened' : `cycle-${ladder.cycle}/reminder_window_opened`;
      await enter('window_open', 'reminder_window_opened', windowOpenedAt, stepKey);
      ladder.notBefore = windowOpenedAt;
      if (!patched(REMINDER_LADDER_PATCH)) {
        // Recorded before the ladder existed: wait for expiry and record it, as then.
        nextAction = { kind: 'record_expiry', dueAt: iso(lapsesAt()) };
        const remaining = lapsesAt() - Date.now();
        if (remaining > 0) await sleep(remaining);
        nextAction = null;
        await enter('expired', 'expired', lapsesAt());
        return status();
      }
    }

    const step = (await reminderPlan()).ladder[ladder.index];
    if (!ladder.done && step) {
      if (Date.now() < ladder.notBefore) {
        nextAction = { kind: step.channel, dueAt: iso(ladder.notBefore) };
        await waitUntil(Math.min(ladder.notBefore, lapsesAt()), turn);
        continue;
      }
      if ((step.channel === 'sms' || step.channel === 'phone_call') && patched(WORKING_CALENDAR_PATCH)) {
        // Texts and calls reach people only in the bureau's hours on a working day: something due
        // at night or on a holiday moves to the next opening, and the waits after it count from there.
        const sendAt = Date.parse(await activities.nextSendInstant({ licenceId: input.licenceId, from: iso(Date.now()) }));
        if (sendAt > Date.now()) {
          ladder.notBefore = sendAt;
          continue;
        }
      }
      nextAction = { kind: step.channel, dueAt: iso(ladder.notBefore) };
      await runStep(step, ladder.index, ladder.notBefore);
      continue;
    }

    nextAction = { kind: 'record_expiry', dueAt: iso(lapsesAt()) };
    await waitUntil(lapsesAt(), turn);
  }
}
