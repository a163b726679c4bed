import { proxyActivities, setHandler, sleep, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { licenceLapsesAt, reminderWindowOpensAt, type LicenceStage } from '../domain';
import type { LicenceActivities } from '../activities';
import {
  licenceStatusQuery,
  type LicenceStatus,
  type LicenceStep,
  type LicenceWorkflowInput,
} from './licence-definitions';
import { LICENCE_STAGE } from './search-attributes';

const { recordLicenceStep } = proxyActivities<LicenceActivities>({
  startToCloseTimeout: '30 seconds',
  // The read model may be down for a while; keep trying rather than lose a step.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/**
 * The life of one issued licence: sleep until its reminder window opens, record that, then
 * record its expiry. One workflow per licence, id `licence/<bureau>/<number>`.
 */
export async function licenceWorkflow(input: LicenceWorkflowInput): Promise<LicenceStatus> {
  const opensAt = reminderWindowOpensAt(input.expiresOn, input.reminderLeadMonths, input.timeZone);
  const lapsesAt = licenceLapsesAt(input.expiresOn, input.timeZone);
  const steps: LicenceStep[] = [{ kind: 'registered', at: new Date(workflowInfo().startTime).toISOString() }];
  let stage: LicenceStage = 'awaiting_window';
  let nextAction: LicenceStatus['nextAction'] = { kind: 'open_reminder_window', dueAt: opensAt.toUTC().toISO()! };

  const status = (): LicenceStatus => ({
    stage,
    reminderWindowOpensAt: opensAt.toUTC().toISO()!,
    nextAction,
    steps: [...steps],
  });
  setHandler(licenceStatusQuery, status);

  /** Records a step that fell due at `dueAt` (epoch ms), or now if that has passed unslept. */
  const enter = async (next: LicenceStage, step: LicenceStep['kind'], dueAt: number): Promise<void> => {
    const at = new Date(dueAt).toISOString();
    await recordLicenceStep({
      licenceId: input.licenceId,
      idempotencyKey: `${workflowInfo().workflowId}/${step}`,
      kind: step,
      stage: next,
      occurredAt: at,
    });
    stage = next;
    steps.push({ kind: step, at });
    upsertSearchAttributes([{ key: LICENCE_STAGE, value: stage }]);
  };

  const windowOpened = await sleepUntil(opensAt.toMillis());
  nextAction = { kind: 'record_expiry', dueAt: lapsesAt.toUTC().toISO()! };
  await enter('window_open', 'reminder_window_opened', windowOpened);

  const lapsed = await sleepUntil(lapsesAt.toMillis());
  nextAction = null;
  await enter('expired', 'expired', lapsed);
  return status();
}

/**
 * Sleeps until an instant of workflow time, or returns at once if it has passed.
 *
 * @returns the instant the step fell due: the one slept until, or now when it was already past
 *   (the workflow task that wakes a timer runs a little after the timer fires).
 */
async function sleepUntil(epochMillis: number): Promise<number> {
  const now = Date.now();
  if (epochMillis <= now) return now;
  await sleep(epochMillis - now);
  return epochMillis;
}
