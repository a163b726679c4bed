import { allHandlersFinished, condition, makeContinueAsNewFunc, workflowInfo } from '@temporalio/workflow';
import type { LicenceWorkflowInput } from '../licence-definitions';
import type { LicenceLife } from './state';

/**
 * Continues the run as new, the term and where it stands carried over, when its history has grown
 * long: no licence reaches Temporal's history limits, however many signals and tasks its term sees.
 * Called only where nothing is in flight (the top of a turn, between a task's waits).
 */
export async function continueIfLong(life: LicenceLife): Promise<void> {
  if (!life.mustContinue()) return;
  await continueWith({ ...life.input, expiresOn: life.expiresOn, reminderLeadMonths: life.reminderLeadMonths, term: life.term, carried: life.carried() }, life);
}

/** Ends this run and starts the next with `input`, once every handler has finished; search attributes carry over. */
export async function continueWith(input: LicenceWorkflowInput, life: LicenceLife): Promise<never> {
  await life.flushEngineWrites();
  await condition(allHandlersFinished);
  const continueAsNew = makeContinueAsNewFunc<(next: LicenceWorkflowInput) => Promise<unknown>>({
    workflowType: workflowInfo().workflowType,
    typedSearchAttributes: workflowInfo().typedSearchAttributes,
  });
  return continueAsNew(input);
}
