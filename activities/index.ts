import type { ActivityDependencies } from './dependencies';
import { deliverAutoPrompt, flagContact, prepareLetter, recordSmsDelivery, sendReminderSms, type SmsStepInput } from './channels';
import { createSmsProvider } from './sms';
import { compileBatchNotice, publishBatchNotice } from './batch-notices';
import { cancelOpenTasks, escalateOverdueTask, missingLetterGuidance, openHumanTask, openHumanTaskDueIn, type EscalateOverdueTaskInput, recordTaskOutcome, type OpenHumanTaskDueInInput, type OpenHumanTaskInput, type RecordTaskOutcomeInput } from './human-tasks';
import { recordClosure, recordExpiry, recordLicenceStep, type RecordLicenceStepInput } from './licence-steps';
import { listRegulators, loadReminderPlan } from './reminder-plan';
import { endDependants, moveDependants } from './dependants';
import { nextSendInstant, workingDaysDeadline, workingDaysLater, type CalendarQuestion } from './working-calendar';
import { finishReplan, replanBatch, type ReplanBatchInput } from './replans';
import { beginNextTerm, pushDecisionToEveryRegulator, pushDecisionToRegulator, recordRenewal, registerRenewedLicence, type BeginNextTermInput, type PushDecisionInput, type PushToEveryRegulatorInput } from './renewals';
import { raiseRefusal, refusalsAreFinal, type RaiseRefusalInput } from './refusals';
import { recordScheduledInspection } from './inspections';
import { reconcileUnknownTexts } from './sms-reconciliation';
import { sendReminderWechat } from './wechat-reminders';
import { WechatClient } from './wechat/client';
import { ENGINE_STEP_NAMES, OUTWARD_CALL_NAMES, type EngineStepCall, type OutwardCall } from './engine-steps';
import type { NewLicenceDetails, RenewalApplicationInput, RenewalDecisionInput } from '../workflows/licence-definitions';

/**
 * Binds the activities to their dependencies. Every activity is idempotent by an explicit key
 * (workflow id + step) or by the natural key of what it writes. Workflows import only the type.
 */
export function createLicenceActivities(deps: ActivityDependencies) {
  const activities = bindLicenceActivities(deps);
  /**
   * Several of the engine's own steps in one local activity, in order, answering each: a licence's
   * writes that nothing waits on go with the next step that answers, one marker for all of them.
   * Each step is idempotent by its own key, so a retry runs the whole batch again safely.
   */
  const runEngineSteps = async (input: { steps: EngineStepCall[] }): Promise<unknown[]> => {
    const answers: unknown[] = [];
    for (const { step, input: asked } of input.steps) {
      if (!ENGINE_STEP_NAMES.includes(step)) throw new Error(`runEngineSteps: ${step} is not one of the engine's own steps`);
      answers.push(await (activities[step] as (asked: unknown) => Promise<unknown>)(asked));
    }
    return answers;
  };
  return {
    ...activities,
    runEngineSteps,
    /**
     * The engine's writes waiting, then calls beyond the engine in order, then the engine steps that
     * follow once they have answered, in one local activity: a call's first try carries the writes;
     * a prompt, the next step's send instant; a renewal's calls (each regulator's push, the
     * successor, the dependants) go together with the term's closing. Every one is idempotent by
     * its key, so a retry runs them all again safely.
     * @returns the calls' answers and the following steps', each in order.
     */
    callAfterEngineSteps: async (input: { steps: EngineStepCall[]; calls: OutwardCall[]; then?: EngineStepCall[] }): Promise<{ answers: unknown[]; then: unknown[] }> => {
      for (const { name } of input.calls) {
        if (!OUTWARD_CALL_NAMES.includes(name)) throw new Error(`callAfterEngineSteps: ${name} is not a call beyond the engine`);
      }
      await runEngineSteps({ steps: input.steps });
      const answers: unknown[] = [];
      for (const { name, input: asked } of input.calls) answers.push(await (activities[name] as (asked: unknown) => Promise<unknown>)(asked));
      return { answers, then: await runEngineSteps({ steps: input.then ?? [] }) };
    },
  };
}

function bindLicenceActivities(deps: ActivityDependencies) {
  const { prisma, endpoints } = deps;
  // One provider per worker: its QPS limit holds across every SMS activity this worker runs.
  const sms = { provider: createSmsProvider(endpoints.sms), settings: endpoints.sms };
  // One client per worker: its access token serves every WeChat activity this worker runs.
  const wechat = endpoints.wechat ? new WechatClient(endpoints.wechat) : undefined;
  return refusalsAreFinal({
    recordLicenceStep: (input: RecordLicenceStepInput) => recordLicenceStep(prisma, input),
    recordClosure: (input: { licenceId: string; reason: string }) => recordClosure(prisma, input),
    recordExpiry: (input: { licenceId: string; idempotencyKey: string; message: string }) => recordExpiry(prisma, input),
    loadReminderPlan: (input: { licenceId: string }) => loadReminderPlan(prisma, input),
    listRegulators: (input: { licenceId: string }) => listRegulators(prisma, input),
    deliverAutoPrompt: (input: { licenceId: string; idempotencyKey: string }) => deliverAutoPrompt(prisma, endpoints, input),
    sendReminderSms: (input: SmsStepInput) => sendReminderSms(prisma, sms, input, deps.temporal),
    sendReminderWechat: (input: { licenceId: string; idempotencyKey: string }) => sendReminderWechat(prisma, wechat, input),
    recordSmsDelivery: (input: { licenceId: string; outId: string; status: 'delivered' | 'undeliverable' | 'unknown' }) => recordSmsDelivery(prisma, input),
    flagContact: (input: { licenceId: string }) => flagContact(prisma, input),
    prepareLetter: (input: { licenceId: string; idempotencyKey: string }) => prepareLetter(prisma, endpoints, input),
    openHumanTask: (input: OpenHumanTaskInput) => openHumanTask(prisma, input),
    openHumanTaskDueIn: (input: OpenHumanTaskDueInInput) => openHumanTaskDueIn(prisma, input),
    missingLetterGuidance: (input: { licenceId: string }) => missingLetterGuidance(prisma, input),
    cancelOpenTasks: (input: { licenceId: string; reason: string }) => cancelOpenTasks(prisma, input),
    escalateOverdueTask: (input: EscalateOverdueTaskInput) => escalateOverdueTask(prisma, input),
    recordTaskOutcome: (input: RecordTaskOutcomeInput) => recordTaskOutcome(prisma, input),
    recordRenewal: (input: { licenceId: string; application: RenewalApplicationInput; decision?: RenewalDecisionInput }) =>
      recordRenewal(prisma, input),
    pushDecisionToRegulator: (input: PushDecisionInput) => pushDecisionToRegulator(deps, input),
    pushDecisionToEveryRegulator: (input: PushToEveryRegulatorInput) => pushDecisionToEveryRegulator(deps, input),
    registerRenewedLicence: (input: { licenceId: string; newLicence: NewLicenceDetails }) => registerRenewedLicence(deps, input),
    beginNextTerm: (input: BeginNextTermInput) => beginNextTerm(prisma, input),
    replanBatch: (input: ReplanBatchInput) => replanBatch(deps, input),
    finishReplan: (input: { jobId: string }) => finishReplan(deps, input),
    moveDependants: (input: { licenceId: string; newLicence: NewLicenceDetails }) => moveDependants(deps, input),
    nextSendInstant: (input: CalendarQuestion) => nextSendInstant(prisma, input),
    workingDaysDeadline: (input: CalendarQuestion & { days: number }) => workingDaysDeadline(prisma, input),
    workingDaysLater: (input: CalendarQuestion & { days: number }) => workingDaysLater(prisma, input),
    compileBatchNotice: (input: { bureauCode: string; issuedAt: number }) => compileBatchNotice(prisma, input),
    publishBatchNotice: (input: { noticeId: string }) => publishBatchNotice(prisma, endpoints, input),
    endDependants: (input: { licenceId: string; reason: string; revokedOn: string }) => endDependants(deps, input),
    raiseRefusal: (input: RaiseRefusalInput) => raiseRefusal(prisma, input),
    recordScheduledInspection: (input: { bureauCode: string; firedAt: number }) => recordScheduledInspection(prisma, input),
    reconcileUnknownTexts: (input: { asOf: number }) => reconcileUnknownTexts(prisma, sms, input),
  });
}

export type LicenceActivities = ReturnType<typeof createLicenceActivities>;
export type { EngineStepCall, EngineStepName, OutwardCall, OutwardCallName } from './engine-steps';
export type { ActivityDependencies, IntegrationEndpoints } from './dependencies';
export type { RecordLicenceStepInput } from './licence-steps';
export type { OpenedTask, OpenHumanTaskInput } from './human-tasks';
export type { ReminderPlan } from './reminder-plan';
