/**
 * Every `patched()` id of the licence workflow: why it exists, where it is evaluated, and which
 * committed histories (test/replay/histories/<folder>/<scenario>) record it. The replay test
 * fails when a patch here has no history that records it, or a history records an unknown one.
 * A patch is never removed while an execution that started before it may still be running.
 */
export interface LicencePatch {
  id: string;
  why: string;
  /** The workflow files that evaluate it. */
  evaluatedIn: readonly string[];
  /** Committed histories that record its marker; the ones before it replay its old branch. */
  coveredBy: readonly string[];
}

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

/**
 * Executions from before licence terms registered a renewal under the licence's own number as a
 * new licence, which its registration refused for ever; now it continues the workflow as new into
 * the licence's next term (延续).
 */
export const RENEWAL_KEEPS_NUMBER_PATCH = 'renewal-keeps-number';

/**
 * Executions from before changed stage in memory alone when a rejected or withdrawn application
 * resumed the ladder, when a corrected expiry moved the window out, and kept `expired` after a
 * correction past the expiry; now each of those is mirrored into the read model.
 */
export const READ_MODEL_STAGE_PATCH = 'read-model-stage';

/**
 * Executions from before waited out an SMS receipt whatever arrived meanwhile (up to
 * SMS_RECEIPT_TIMEOUT_HOURS); now news that stops the ladder (an application, a revocation, an
 * expiry moved out of the window) ends the wait, and the text is left as sent.
 */
export const SMS_WAIT_INTERRUPTIBLE_PATCH = 'sms-wait-interruptible';

/**
 * Executions from before retried a step the application refused (a successor that cannot be
 * registered) for ever; now the refusal is final, and a task for the department says what to fix.
 */
export const REFUSAL_BECOMES_TASK_PATCH = 'refusal-becomes-task';

/** Executions from before held `renewal_approved` in memory only while the approval was pushed; now the read model says so too. */
export const RENEWAL_APPROVED_STAGE_PATCH = 'renewal-approved-stage';

/**
 * Executions from before stopped the ladder when a holder said it had already renewed, then
 * recorded the licence expired, alerted and lapsed; now a specialist confirms it in the approval
 * system: confirmed, the term closes as renewed at its expiry; not found, the ladder goes on.
 */
export const REPORTED_RENEWAL_PATCH = 'reported-renewal';

/**
 * Executions from before never continued as new within a term, whatever their history's length;
 * runs started with it continue as new when their history grows long (state.ts), evaluated once
 * at the run's start.
 */
export const HISTORY_CONTINUE_PATCH = 'history-continue';

/**
 * Executions from before told the regulators of approvals only; now the supervising departments
 * (事中事后监管) also hear of rejections, withdrawals, revocations and lapses.
 */
export const REGULATORS_TOLD_OF_CLOSURES_PATCH = 'regulators-told-of-closures';

/**
 * Executions from before went on with the ladder where it stood when a corrected expiry moved the
 * opened window out and it reopened while an application paused the ladder; now the ladder starts
 * afresh, as it does when the window is still ahead.
 */
export const WINDOW_REOPENED_WHILE_PAUSED_PATCH = 'window-reopened-while-paused';

/**
 * Executions from before heard no SMS replies; now a reply that says the holder renewed asks a
 * specialist to confirm it (found: the ladder stops), and one that says the number is wrong flags
 * the contact and brings the next step forward to now.
 */
export const HOLDER_REPLIES_PATCH = 'holder-replies';

/**
 * Executions from before retried a text the provider refused for the number's limits until it
 * went, at whatever hour the count reset; now the step is deferred to the next day's first send
 * window, and the ledger says so.
 */
export const SMS_DEFERRAL_PATCH = 'sms-deferral';

/**
 * Executions from before ran every step as an activity through the server, and wrote the stage
 * search attribute at every recorded step; now the steps that touch only the engine's database are
 * local activities, and the attribute is written when the stage changes. Evaluated once, at the start.
 */
export const LEAN_HISTORY_PATCH = 'lean-history';

/**
 * Executions from before sent their texts from the licence's own task queue, at the rate each
 * worker process kept alone; now the SMS step runs on the queue of its own that Temporal paces at
 * the account's QPS for every worker together (smsTaskQueue).
 */
export const SMS_TASK_QUEUE_PATCH = 'sms-task-queue';

/**
 * Executions from before ran each engine step as a local activity of its own, and slept to a text's
 * or call's due instant before asking for the next send instant and sleeping again; now the writes
 * no turn reads wait and go with the next engine step in one local activity (EngineBatch), and the
 * send instant is found before the sleep. Evaluated once, at the start; a compact run is lean and
 * sends its texts from the SMS queue without asking either patch.
 */
export const COMPACT_STEPS_PATCH = 'compact-steps';

/**
 * Executions from before called the approval system, the regulators and other licences as
 * activities through the server, each costing three events and a workflow task; now each call is
 * tried first as a local activity inside the workflow task that asks (callOutward), and only one
 * still failing goes through the server with the retries it always had. Evaluated once, at the
 * start; a run with local calls is compact without asking COMPACT_STEPS_PATCH.
 */
export const LOCAL_CALLS_PATCH = 'local-calls';

/**
 * Executions from before spent a marker on each of several steps one workflow task takes in a row.
 * Now a call's first try carries the engine writes waiting, and a prompt's the next step's send
 * instant; a renewal's calls and the term's closing go in one first try; a text's activity or a
 * call task's opening checks the send window itself, where the workflow asked on waking; a task
 * is opened with its deadline counted in the same step; and the stage search attribute is written
 * once, when the run next waits or ends. Evaluated once, at the start; a run with folded steps has
 * local calls without asking LOCAL_CALLS_PATCH.
 */
export const FOLDED_STEPS_PATCH = 'folded-steps';

/**
 * Executions from before wrote a delivered text's receipt again, though the API had written it,
 * asked the next step's send instant alone after a text, and cancelled the timer towards the
 * term's expiry whenever news cut that wait short. Now a delivered receipt asks nothing of the
 * engine, the text's activity tells when the next step may reach people, and the expiry's timer is
 * started once and kept until it fires: a renewal application that arrives while a run waits for
 * the expiry cancels nothing. Evaluated once, at the start; such a run has folded steps without
 * asking FOLDED_STEPS_PATCH.
 */
export const QUIET_WAITS_PATCH = 'quiet-waits';

/**
 * Runs from before FOLDED_STEPS_PATCH check the send window as a text falls due, in the workflow,
 * and their text's activity sent whenever it started: a backlog on the SMS queue could start it
 * after the window closed. Now, once such a run reaches a text, its activity checks the window as
 * it starts, as a folded run's does, and a text too late waits for the next opening. Asked only by
 * runs that keep a send window (WORKING_CALENDAR_PATCH) and do not fold their steps.
 */
export const EARLIER_TEXTS_IN_WINDOW_PATCH = 'earlier-texts-in-window';

/**
 * The patches a lean run takes without asking (see LicenceLife.patched): every one from before
 * LEAN_HISTORY_PATCH. A patch added after it is evaluated with `patched()` itself in every run, or
 * a lean run started before it would take its new branch on replay.
 */
export type PatchBeforeLeanHistory =
  | typeof REMINDER_LADDER_PATCH
  | typeof LETTER_GUIDANCE_PATCH
  | typeof OVERDUE_ESCALATION_PATCH
  | typeof DEPENDANT_LICENCES_PATCH
  | typeof WORKING_CALENDAR_PATCH
  | typeof SMS_RECEIPTS_PATCH
  | typeof RENEWAL_KEEPS_NUMBER_PATCH
  | typeof READ_MODEL_STAGE_PATCH
  | typeof SMS_WAIT_INTERRUPTIBLE_PATCH
  | typeof REFUSAL_BECOMES_TASK_PATCH
  | typeof RENEWAL_APPROVED_STAGE_PATCH
  | typeof REPORTED_RENEWAL_PATCH
  | typeof HISTORY_CONTINUE_PATCH
  | typeof REGULATORS_TOLD_OF_CLOSURES_PATCH
  | typeof WINDOW_REOPENED_WHILE_PAUSED_PATCH
  | typeof HOLDER_REPLIES_PATCH
  | typeof SMS_DEFERRAL_PATCH;

export const LICENCE_PATCHES: readonly LicencePatch[] = [
  {
    id: REMINDER_LADDER_PATCH,
    why: 'the escalation ladder after the window opens',
    evaluatedIn: ['workflow.ts'],
    coveredBy: ['v2/renewed-mid-ladder', 'v4/no-answer-then-reached', 'v8/revoked-while-receipt-awaited'],
  },
  {
    id: LETTER_GUIDANCE_PATCH,
    why: 'a guidance task before a letter with gaps',
    evaluatedIn: ['channels/letter.ts'],
    coveredBy: ['v3/wrong-number-then-letter', 'v4/wrong-number-then-letter'],
  },
  {
    id: OVERDUE_ESCALATION_PATCH,
    why: 'an overdue task escalated to the supervisors',
    evaluatedIn: ['tasks.ts'],
    coveredBy: ['v5/task-overdue-then-reached', 'v7/expiry-corrected-in-ladder'],
  },
  {
    id: DEPENDANT_LICENCES_PATCH,
    why: 'dependent licences moved or ended with their parent',
    evaluatedIn: ['renewal.ts', 'workflow.ts'],
    coveredBy: ['v3/parent-renewed-moves-dependant', 'v3/parent-revoked-ends-dependant', 'v6/renewed-keeping-number'],
  },
  {
    id: WORKING_CALENDAR_PATCH,
    why: 'the statutory working-day calendar and send windows',
    evaluatedIn: ['timing.ts', 'workflow.ts'],
    coveredBy: ['v4/no-answer-then-reached', 'v5/task-overdue-then-reached'],
  },
  {
    id: SMS_RECEIPTS_PATCH,
    why: 'the delivery receipt decides what follows a text',
    evaluatedIn: ['channels/sms.ts'],
    coveredBy: ['v4/no-answer-then-reached', 'v8/revoked-while-receipt-awaited'],
  },
  {
    id: RENEWAL_KEEPS_NUMBER_PATCH,
    why: 'a renewal under the same number continues into the next term',
    evaluatedIn: ['renewal.ts'],
    coveredBy: ['v6/renewed-keeping-number'],
  },
  {
    id: READ_MODEL_STAGE_PATCH,
    why: 'every stage change mirrored into the read model',
    evaluatedIn: ['workflow.ts'],
    coveredBy: ['v7/rejected-then-ladder-resumes', 'v7/expiry-corrected-in-ladder', 'v7/expired-then-corrected-inside-window'],
  },
  {
    id: SMS_WAIT_INTERRUPTIBLE_PATCH,
    why: 'news that stops the ladder ends the wait for a receipt',
    evaluatedIn: ['channels/sms.ts'],
    coveredBy: ['v8/revoked-while-receipt-awaited'],
  },
  {
    id: REFUSAL_BECOMES_TASK_PATCH,
    why: 'a refused step becomes an alert and a task, and is tried again once fixed',
    evaluatedIn: ['refusals.ts'],
    coveredBy: ['v9/renewal-refused-then-fixed'],
  },
  {
    id: RENEWAL_APPROVED_STAGE_PATCH,
    why: 'renewal_approved written to the read model while the approval is pushed',
    evaluatedIn: ['renewal.ts'],
    coveredBy: ['v9/regulator-outage-then-delivered'],
  },
  {
    id: REPORTED_RENEWAL_PATCH,
    why: "a holder's word that it renewed is confirmed by a specialist before the ladder stops",
    evaluatedIn: ['channels/phone-call.ts'],
    coveredBy: ['v9/reported-renewal-confirmed'],
  },
  {
    id: HISTORY_CONTINUE_PATCH,
    why: 'a run whose history grew long continues as new, where it stood in the term',
    evaluatedIn: ['workflow.ts'],
    coveredBy: ['v10/history-continued', 'v10/history-continued-then-reminded'],
  },
  {
    id: REGULATORS_TOLD_OF_CLOSURES_PATCH,
    why: 'regulators told of rejections, withdrawals, revocations and lapses, not approvals alone',
    evaluatedIn: ['workflow.ts'],
    coveredBy: ['v10/rejected-then-ladder-resumes', 'v10/revoked-while-asleep', 'v10/ladder-reached-then-lapsed'],
  },
  {
    id: WINDOW_REOPENED_WHILE_PAUSED_PATCH,
    why: 'a window moved out and reopened while an application paused the ladder starts it afresh',
    evaluatedIn: ['workflow.ts'],
    coveredBy: ['v11/window-moved-out-while-applied'],
  },
  {
    id: HOLDER_REPLIES_PATCH,
    why: "a holder's SMS reply (renewed, wrong number) moves the ladder",
    evaluatedIn: ['replies.ts'],
    coveredBy: ['v12/replied-renewed', 'v12/replied-wrong-number'],
  },
  {
    id: SMS_DEFERRAL_PATCH,
    why: "a text refused for the number's daily limit waits for the next day's send window",
    evaluatedIn: ['channels/sms.ts'],
    coveredBy: ['v13/sms-deferred'],
  },
  {
    id: LEAN_HISTORY_PATCH,
    why: "the engine's own steps as local activities, the stage attribute written only when it changes",
    evaluatedIn: ['workflow.ts'],
    coveredBy: ['v15/ladder-reached-then-lapsed', 'v15/renewed-mid-ladder', 'v15/no-answer-then-reached', 'v15/wrong-number-then-letter', 'v15/regulator-outage-then-delivered', 'v15/renewed-keeping-number'],
  },
  {
    id: SMS_TASK_QUEUE_PATCH,
    why: "texts sent from a task queue of their own, paced by Temporal at the account's QPS across worker processes",
    evaluatedIn: ['channels/sms.ts'],
    coveredBy: ['v16/ladder-reached-then-lapsed', 'v16/sms-deferred', 'v16/renewed-mid-ladder'],
  },
  {
    id: COMPACT_STEPS_PATCH,
    why: 'engine writes batched with the next engine step, and a send instant found before sleeping to it',
    evaluatedIn: ['workflow.ts'],
    coveredBy: ['v17/ladder-reached-then-lapsed', 'v17/sms-deferred', 'v17/renewed-mid-ladder', 'v17/no-answer-then-reached', 'v17/wrong-number-then-letter', 'v17/regulator-outage-then-delivered', 'v17/renewed-keeping-number'],
  },
  {
    id: LOCAL_CALLS_PATCH,
    why: 'calls beyond the engine tried first as local activities, through the server only while they fail',
    evaluatedIn: ['workflow.ts'],
    coveredBy: ['v18/ladder-reached-then-lapsed', 'v18/renewed-mid-ladder', 'v18/regulator-outage-then-delivered', 'v18/renewed-keeping-number', 'v18/parent-revoked-ends-dependant', 'v18/parent-renewed-moves-dependant'],
  },
  {
    id: FOLDED_STEPS_PATCH,
    why: "a renewal's calls in one first try, a call that carries the writes waiting and the next send instant, a text or call task that checks the send window itself, a task opened with its deadline, the stage attribute written once a task",
    evaluatedIn: ['workflow.ts'],
    coveredBy: ['v19/ladder-reached-then-lapsed', 'v19/renewed-mid-ladder', 'v19/no-answer-then-reached', 'v19/wrong-number-then-letter', 'v19/sms-deferred', 'v19/renewed-keeping-number', 'v19/regulator-outage-then-delivered', 'v19/parent-revoked-ends-dependant', 'v19/parent-renewed-moves-dependant', 'v19/reported-renewal-confirmed'],
  },
  {
    id: QUIET_WAITS_PATCH,
    why: "a delivered text's receipt written once, by the API, a text that asks the next step's send instant, and the expiry's timer kept when news cuts the wait for it short",
    evaluatedIn: ['workflow.ts'],
    coveredBy: ['v20/ladder-reached-then-lapsed', 'v20/renewed-mid-ladder', 'v20/no-answer-then-reached', 'v20/wrong-number-then-letter', 'v20/sms-deferred', 'v20/renewed-keeping-number', 'v20/regulator-outage-then-delivered', 'v20/parent-revoked-ends-dependant', 'v20/parent-renewed-moves-dependant', 'v20/reported-renewal-confirmed'],
  },
  {
    id: EARLIER_TEXTS_IN_WINDOW_PATCH,
    why: "a text of a run from before folded steps checks the send window as its activity starts, and waits for the next opening when a backlog held it past the close",
    evaluatedIn: ['channels/sms.ts'],
    coveredBy: ['v21/earlier-run-texted'],
  },
];
