/**
 * Idempotency keys of a licence workflow's steps. Their formats are frozen: a running execution's
 * next step must find the key its earlier attempts wrote, so a change here is a new key for work
 * already done (a second text, a second task). test/workflows/licence-keys.test.ts holds them.
 * The first term's keys keep the format they always had; a later term's steps are keyed apart.
 */
export function licenceKeys(workflowId: string, term: number) {
  const key = (step: string) => (term === 1 ? `${workflowId}/${step}` : `${workflowId}/term-${term}/${step}`);
  const ladderStep = (cycle: number, index: number) => `cycle-${cycle}/step-${index}`;
  const decisionPushes = (applicationNumber: string | undefined) => key(`decision/${applicationNumber}/`);
  return {
    /** A final stage recorded under its own name: revoked, renewed, lapsed, expired. */
    stage: (kind: string) => key(kind),
    windowOpened: (cycle: number) => key(cycle === 0 ? 'reminder_window_opened' : `cycle-${cycle}/reminder_window_opened`),
    autoPrompt: (cycle: number, index: number) => key(`${ladderStep(cycle, index)}/auto-prompt`),
    /** Also the OutId / SessionContext the provider echoes in its receipt. */
    sms: (cycle: number, index: number) => key(`${ladderStep(cycle, index)}/sms`),
    /** Also the source of the message's client_msg_id, which WeChat drops a repeat of for ten minutes. */
    wechat: (cycle: number, index: number) => key(`${ladderStep(cycle, index)}/wechat`),
    callTask: (cycle: number, index: number, attempt: number) => key(`${ladderStep(cycle, index)}/call-${attempt}`),
    callOutcome: (cycle: number, index: number, attempt: number) => key(`${ladderStep(cycle, index)}/call-${attempt}/outcome`),
    guidanceTask: (cycle: number, index: number, request: number) => key(`${ladderStep(cycle, index)}/guidance-${request}`),
    letter: (cycle: number, index: number) => key(`${ladderStep(cycle, index)}/letter`),
    letterTask: (cycle: number, index: number) => key(`${ladderStep(cycle, index)}/letter-task`),
    letterOutcome: (cycle: number, index: number) => key(`${ladderStep(cycle, index)}/letter/outcome`),
    confirmRenewal: (cycle: number, index: number, attempt: number) => key(`${ladderStep(cycle, index)}/call-${attempt}/confirm-renewal`),
    /** The check in the approval system after a holder's reply said it renewed. */
    replyConfirmRenewal: (replyKey: string) => key(`reply/${replyKey}/confirm-renewal`),
    taskOverdue: (taskId: string) => key(`task/${taskId}/overdue`),
    /** The stage of an expiry after the first in a term (an expiry corrected, then reached again). */
    expiredAgain: (expiries: number) => key(`expired-${expiries}`),
    expiryAlert: (cycle: number) => key(`cycle-${cycle}/expired`),
    currentAgain: (cycle: number, stepsSoFar: number) => key(`cycle-${cycle}/current-again-${stepsSoFar}`),
    windowMovedOut: (cycle: number) => key(`cycle-${cycle}/window-moved-out`),
    renewalApplied: (applicationNumber: string) => key(`renewal/${applicationNumber}`),
    renewalDecided: (applicationNumber: string, decision: string) => key(`renewal/${applicationNumber}/${decision}`),
    decisionPush: (applicationNumber: string | undefined, regulatorId: string) => `${decisionPushes(applicationNumber)}${regulatorId}`,
    /** What every regulator's {@link decisionPush} key starts with: the regulator's id follows it. */
    decisionPushes,
    /** A closure or rejection told to a regulator: `rejected-<application>`, `withdrawn-<application>`, `revoked`, `lapsed`. */
    notice: (what: string, regulatorId: string) => key(`notice/${what}/${regulatorId}`),
    nextTerm: (applicationNumber: string) => key(`renewal/${applicationNumber}/next-term`),
    /** The `refusals`-th refusal of a step, named by the step's own key. */
    refusal: (stepKey: string, refusals: number) => key(`refused/${stepKey}/${refusals}`),
  };
}

export type LicenceKeys = ReturnType<typeof licenceKeys>;
