/**
 * The steps that read or write the engine's own database and nothing else: the read model, tasks,
 * the reminder plan, the working calendar. A workflow runs them as local activities, alone or
 * several together (runEngineSteps).
 */
export const ENGINE_STEP_NAMES = [
  'recordLicenceStep',
  'recordClosure',
  'recordExpiry',
  'loadReminderPlan',
  'listRegulators',
  'recordSmsDelivery',
  'flagContact',
  'openHumanTask',
  'missingLetterGuidance',
  'cancelOpenTasks',
  'escalateOverdueTask',
  'recordTaskOutcome',
  'recordRenewal',
  'beginNextTerm',
  'nextSendInstant',
  'workingDaysDeadline',
  'workingDaysLater',
  'raiseRefusal',
  'openHumanTaskDueIn',
] as const;

export type EngineStepName = (typeof ENGINE_STEP_NAMES)[number];

/** One step of a batch, as its marker records it: the step's name and what it was asked. */
export interface EngineStepCall {
  step: EngineStepName;
  input: unknown;
}

/**
 * The calls a licence makes beyond the engine, other than a text: the approval system, the
 * regulators, other licences. pushDecisionToEveryRegulator is only ever a first try; a push that
 * fails is made again to each regulator alone.
 */
export const OUTWARD_CALL_NAMES = ['deliverAutoPrompt', 'pushDecisionToRegulator', 'pushDecisionToEveryRegulator', 'registerRenewedLicence', 'moveDependants', 'endDependants'] as const;

export type OutwardCallName = (typeof OUTWARD_CALL_NAMES)[number];

/** A call beyond the engine as a marker records it: its name and what it was asked. */
export interface OutwardCall {
  name: OutwardCallName;
  input: unknown;
}
