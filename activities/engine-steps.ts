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
] as const;

export type EngineStepName = (typeof ENGINE_STEP_NAMES)[number];

/** One step of a batch, as its marker records it: the step's name and what it was asked. */
export interface EngineStepCall {
  step: EngineStepName;
  input: unknown;
}
