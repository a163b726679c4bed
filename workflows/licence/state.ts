import { CancellationScope, patched as temporalPatched, sleep, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { licenceLapsesAt, reminderWindowOpensAt, FINAL_STAGES, type LicenceStage } from '../../domain';
import type { EngineStepCall, RecordLicenceStepInput, ReminderPlan } from '../../activities';
import type {
  CarriedLife,
  HolderReply,
  LicenceStatus,
  LicenceStep,
  LicenceStepKind,
  LicenceWorkflowInput,
  RenewalApplicationInput,
  RenewalDecisionInput,
  RevocationInput,
  SmsReceipt,
  TaskCompletion,
} from '../licence-definitions';
import { LICENCE_STAGE } from '../search-attributes';
import { activities, localEngineSteps } from './activity-proxies';
import { EngineBatch, type LicenceEngine } from './engine-batch';
import { licenceKeys, type LicenceKeys } from './keys';
import type { PatchBeforeLeanHistory } from './versions';

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * A run continues as new once its history reaches this many events (or the server suggests it), far
 * below Temporal's limit of 51,200: a licence's term takes 100 to 300, and replaying a short history
 * is cheap. Only runs that started with `patched(HISTORY_CONTINUE_PATCH)` do it.
 */
export const HISTORY_EVENTS_BEFORE_CONTINUING = 1_000;

/** How a stage change reaches the outside world. */
export type StageChange =
  /**
   * The read model and the search attributes; `told` also lists it in the status's steps. `carried`:
   * the read model's write went with the calls that closed the term ({@link stageWrite}).
   */
  | { recorded: { kind: LicenceStepKind; at: number; key: string; carried?: boolean }; told: boolean }
  /** Memory and search attributes only, as executions from before the read-model-stage patch did. */
  | { recorded?: undefined; searchable: true }
  /** Memory only: an approval being pushed, as executions have always held it. */
  | { recorded?: undefined; searchable: false };

/**
 * Everything one run of a licence workflow knows: its term, the news handlers brought in, where the
 * ladder stands. Its stage changes in {@link changeStage} and nowhere else.
 */
export class LicenceLife {
  readonly input: LicenceWorkflowInput;
  readonly term: number;
  readonly keys: LicenceKeys;
  expiresOn: string;
  reminderLeadMonths: number;
  private currentStage: LicenceStage = 'awaiting_window';
  nextAction: LicenceStatus['nextAction'] = null;
  readonly steps: LicenceStep[];

  plan: ReminderPlan | undefined;
  windowRecorded = false;
  expiryRecorded = false;
  readonly ladder = { index: 0, notBefore: 0, callAttempt: 0, done: false, cycle: 0 };
  /** A specialist found in the approval system the renewal the holder told of: the term ends renewed at its expiry. */
  renewalConfirmed = false;
  /** Times this term has expired: a correction can make it current again, and it can expire again. */
  expiries = 0;
  /**
   * A corrected expiry moved an opened window out to a later instant, perhaps while an application
   * paused the ladder: the reminders so far told of the old date, so the ladder starts afresh once
   * the window has reopened, even if it reopened while the ladder was paused.
   */
  windowMovedOut = false;

  application: RenewalApplicationInput | undefined;
  applicationRecorded = false;
  decision: RenewalDecisionInput | undefined;
  revocation: RevocationInput | undefined;
  readonly completions = new Map<string, TaskCompletion>();
  readonly smsReceipts = new Map<string, SmsReceipt>();
  /** Replies the ladder acts on, not yet answered, in the order they came. */
  readonly unansweredReplies: HolderReply[] = [];
  /** Every reply heard, by key, so that a reply pushed twice is heard once. */
  readonly heardReplies = new Set<string>();
  /** Bumped by every handler that brings news, so that any wait can be cut short by it. */
  news = 0;
  /** Set at the run's start for runs that continue as new when their history grows long. */
  continuesWhenLong = false;
  /**
   * Set at the run's start for runs whose engine steps are local activities and whose stage search
   * attribute is written only when it changes; runs from before keep both as they were.
   */
  lean = false;
  /**
   * Set at the run's start for runs whose engine writes wait for the next engine step or wait, and
   * that find a text's or call's send instant before sleeping to it (COMPACT_STEPS_PATCH).
   */
  compact = false;
  /**
   * Set at the run's start for runs that try their calls beyond the engine (the approval system,
   * the regulators, other licences) inside the workflow task first (LOCAL_CALLS_PATCH); a run with
   * local calls is compact.
   */
  localCalls = false;
  /**
   * Set at the run's start for runs that fold several steps of one workflow task into one marker
   * (FOLDED_STEPS_PATCH); such a run has local calls.
   */
  folded = false;
  /**
   * Set at the run's start for runs that keep the expiry's timer and leave a delivered receipt to
   * the API (QUIET_WAITS_PATCH); such a run folds its steps.
   */
  quietWaits = false;
  /** The expiry's timer of a quiet run, with the instant it was started for. */
  private expiryTimer: { at: number; fired: Promise<void> } | undefined;
  /** The stage a folded run shows in its search attribute the next time it waits or ends. */
  private searchStage: LicenceStage | undefined;
  /** The ladder's `notBefore` whose send instant was found before sleeping: found once per step. */
  sendInstantFoundFor: number | undefined;
  private readonly engineBatch = new EngineBatch();

  constructor(input: LicenceWorkflowInput) {
    this.input = input;
    this.term = input.term ?? 1;
    this.keys = licenceKeys(workflowInfo().workflowId, this.term);
    this.expiresOn = input.expiresOn;
    this.reminderLeadMonths = input.reminderLeadMonths;
    const startedAt = iso(workflowInfo().startTime.getTime());
    const carried = input.carried;
    if (carried) {
      this.currentStage = carried.stage;
      this.windowRecorded = carried.windowRecorded;
      this.expiryRecorded = carried.expiryRecorded;
      Object.assign(this.ladder, carried.ladder);
      this.renewalConfirmed = carried.renewalConfirmed;
      this.expiries = carried.expiries ?? 0;
      this.windowMovedOut = carried.windowMovedOut ?? false;
      this.application = carried.application;
      this.applicationRecorded = carried.applicationRecorded;
      for (const completion of carried.completions) this.completions.set(completion.taskId, completion);
      this.unansweredReplies.push(...(carried.replies ?? []));
      for (const key of carried.replyKeys ?? []) this.heardReplies.add(key);
      this.steps = [...carried.steps, { kind: 'history_continued', at: startedAt, detail: `after ${carried.historyLength} events` }];
    } else {
      this.steps = [
        this.term === 1 ? { kind: 'registered', at: startedAt } : { kind: 'term_started', at: startedAt, detail: `term ${this.term}, expires ${this.expiresOn}` },
      ];
    }
  }

  /** The run's history is long enough that it should continue as new at its next safe point. */
  mustContinue(): boolean {
    return this.continuesWhenLong && (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= HISTORY_EVENTS_BEFORE_CONTINUING);
  }

  /** What the next run needs to go on where this one stands. */
  carried(): CarriedLife {
    return {
      stage: this.currentStage,
      windowRecorded: this.windowRecorded,
      expiryRecorded: this.expiryRecorded,
      ladder: { ...this.ladder },
      renewalConfirmed: this.renewalConfirmed,
      expiries: this.expiries,
      windowMovedOut: this.windowMovedOut,
      ...(this.application ? { application: this.application } : {}),
      applicationRecorded: this.applicationRecorded,
      completions: [...this.completions.values()],
      replies: [...this.unansweredReplies],
      replyKeys: [...this.heardReplies].slice(-100),
      steps: this.steps.slice(-50),
      historyLength: workflowInfo().historyLength,
    };
  }

  get stage(): LicenceStage {
    return this.currentStage;
  }

  get licenceId(): string {
    return this.input.licenceId;
  }

  // Asked several times a turn, and each answer builds zoned dates (about 4% of the workflow thread's
  // CPU in a storm's profile): kept until the expiry or lead time they come from changes.
  private windowOpens: { from: string; at: number } | undefined;
  private lapses: { from: string; at: number } | undefined;

  windowOpensAt(): number {
    const from = `${this.expiresOn}/${this.reminderLeadMonths}`;
    if (this.windowOpens?.from !== from) this.windowOpens = { from, at: reminderWindowOpensAt(this.expiresOn, this.reminderLeadMonths, this.input.timeZone).toMillis() };
    return this.windowOpens.at;
  }

  lapsesAt(): number {
    if (this.lapses?.from !== this.expiresOn) this.lapses = { from: this.expiresOn, at: licenceLapsesAt(this.expiresOn, this.input.timeZone).toMillis() };
    return this.lapses.at;
  }

  /**
   * Resolves when the term's expiry is reached, on one timer started the first time a quiet run
   * waits for it and never cancelled: news that cuts the wait short leaves it running, and a run
   * that ends first drops it without an event. An expiry moved later starts a timer of its own;
   * the old one fires to no effect.
   */
  expiryReached(): Promise<void> {
    const at = this.lapsesAt();
    if (this.expiryTimer?.at !== at) this.expiryTimer = { at, fired: CancellationScope.nonCancellable(() => sleep(at - Date.now())) };
    return this.expiryTimer.fired;
  }

  isFinal(): boolean {
    return FINAL_STAGES.includes(this.currentStage);
  }

  /** News that stops the ladder where it stands: a revocation, an application, an expiry moved out of the window or past. */
  interruptsLadder(): boolean {
    return this.revocation !== undefined || this.application !== undefined || Date.now() < this.windowOpensAt() || Date.now() >= this.lapsesAt();
  }

  /** The ladder moves to its next step, due no earlier than `notBefore`. */
  advanceLadder(notBefore: number): void {
    this.ladder.index += 1;
    this.ladder.callAttempt = 0;
    this.ladder.notBefore = notBefore;
  }

  /** The next step, which reaches people, may go at `sendAt` at the earliest: the ladder sleeps to it, and asks again on waking only if the step does not check itself. */
  sendInstantFound(sendAt: number): void {
    this.ladder.notBefore = Math.max(this.ladder.notBefore, sendAt);
    this.sendInstantFoundFor = this.ladder.notBefore;
  }

  /** The step due may not reach people before `sendAt`, as its own check found: the ladder sleeps to it without asking again. */
  postponeStep(sendAt: number): void {
    this.ladder.notBefore = sendAt;
    this.sendInstantFoundFor = sendAt;
  }

  /** The ladder starts again from its first step, under a new cycle's keys, when the window (re)opens. */
  restartLadder(): void {
    this.windowRecorded = false;
    this.windowMovedOut = false;
    Object.assign(this.ladder, { index: 0, notBefore: 0, callAttempt: 0, done: false, cycle: this.ladder.cycle + 1 });
    this.renewalConfirmed = false;
  }

  heard(): void {
    this.news++;
  }

  status(): LicenceStatus {
    return { stage: this.currentStage, expiresOn: this.expiresOn, reminderWindowOpensAt: iso(this.windowOpensAt()), nextAction: this.nextAction, steps: [...this.steps] };
  }

  /** Records a step that does not change the stage. */
  note(kind: LicenceStepKind, detail?: string, at: number = Date.now()): void {
    this.steps.push({ kind, at: iso(at), ...(detail ? { detail } : {}) });
  }

  /**
   * Whether this run takes the branch a patch added. A lean run began after every earlier patch
   * existed: it takes each of their branches without a marker, which would cost it two history
   * events a patch. Runs from before ask Temporal, as they always did.
   */
  patched(patchId: PatchBeforeLeanHistory): boolean {
    return this.lean || temporalPatched(patchId);
  }

  /** The steps that touch only the engine's database, run as this run started to run them. */
  get engine(): LicenceEngine {
    if (this.compact) return this.engineBatch.steps;
    return this.lean ? localEngineSteps : activities;
  }

  /**
   * Runs the engine writes still waiting: before the run waits, calls beyond the engine, or ends.
   * A folded run also writes its stage search attribute here, once for every change since it last waited.
   */
  async flushEngineWrites(): Promise<void> {
    if (this.compact) await this.engineBatch.flush();
    this.publishStage();
  }

  /** Hands over the engine writes waiting, for a call beyond the engine to carry them (folded runs). */
  takeEngineWrites(): EngineStepCall[] {
    return this.engineBatch.take();
  }

  /** Runs writes handed over by {@link takeEngineWrites} whose call did not carry them. */
  runEngineWrites(writes: EngineStepCall[]): Promise<void> {
    return this.engineBatch.run(writes);
  }

  /** A stage written to the search attribute directly (a term continuing as new) outranks one waiting to be. */
  supersedeWaitingStage(): void {
    this.searchStage = undefined;
  }

  private publishStage(): void {
    const stage = this.searchStage;
    this.searchStage = undefined;
    if (stage !== undefined && workflowInfo().typedSearchAttributes.get(LICENCE_STAGE) !== stage) {
      upsertSearchAttributes([{ key: LICENCE_STAGE, value: stage }]);
    }
  }

  /** The one way the stage changes. */
  async changeStage(next: LicenceStage, how: StageChange): Promise<void> {
    if (how.recorded && !how.recorded.carried) {
      const { kind, at, key } = how.recorded;
      await this.engine.recordLicenceStep(this.stageWrite(next, kind, at, key).input as RecordLicenceStepInput);
    }
    this.currentStage = next;
    const searchable = how.recorded || how.searchable;
    const unchanged = this.lean && workflowInfo().typedSearchAttributes.get(LICENCE_STAGE) === next;
    // A folded run writes it when it next waits or ends: a stage passed through inside one task costs no event.
    if (searchable && this.folded) this.searchStage = next;
    else if (searchable && !unchanged) upsertSearchAttributes([{ key: LICENCE_STAGE, value: next }]);
    if (how.recorded && how.told) this.steps.push({ kind: how.recorded.kind, at: iso(how.recorded.at) });
  }

  /** The read model's write of a stage, as an engine step; {@link changeStage} runs it, or a call carries it. */
  stageWrite(next: LicenceStage, kind: LicenceStepKind, at: number, key: string = this.keys.stage(kind)): EngineStepCall {
    const input: RecordLicenceStepInput = { licenceId: this.licenceId, idempotencyKey: key, kind, stage: next, occurredAt: iso(at) };
    return { step: 'recordLicenceStep', input };
  }

  /** {@link changeStage} recorded and told under the step's own name or a key. */
  enter(next: LicenceStage, kind: LicenceStepKind, at: number, key: string = this.keys.stage(kind)): Promise<void> {
    return this.changeStage(next, { recorded: { kind, at, key }, told: true });
  }

  /** {@link changeStage} recorded but not told in the steps (the step was noted under its own name). */
  mirror(next: LicenceStage, kind: LicenceStepKind, at: number, key: string): Promise<void> {
    return this.changeStage(next, { recorded: { kind, at, key }, told: false });
  }
}
