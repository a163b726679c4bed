/**
 * The escalation ladder (提醒方式): the reminder steps a department runs once a licence's window
 * opens, in order, each followed by a wait. The seeds let each department pick its methods by
 * volume, so the ladder is data: the default below is used where a department has none.
 */

export const REMINDER_CHANNELS = ['auto_prompt', 'sms', 'wechat', 'phone_call', 'letter'] as const;
export type ReminderChannel = (typeof REMINDER_CHANNELS)[number];

/** How a step's waits are counted: every day, or only the bureau's working days. */
export const DAY_COUNTS = ['calendar_days', 'working_days'] as const;
export type DayCount = (typeof DAY_COUNTS)[number];

/** 业务系统自动提示: a prompt delivered to the approval system / service portal. */
export interface AutoPromptStep {
  channel: 'auto_prompt';
  /** Days to wait after the prompt before the next step. */
  waitDays: number;
  /** How `waitDays` is counted; calendar days when unset. */
  countIn?: DayCount;
}

/** 短信提醒 */
export interface SmsStep {
  channel: 'sms';
  waitDays: number;
  /** How `waitDays` is counted; calendar days when unset. */
  countIn?: DayCount;
}

/**
 * 微信提醒: a message from the bureau's WeChat service account to a holder who bound the licence
 * to its WeChat; a holder who has not, or whose WeChat refuses the account's messages, gets the
 * SMS instead, and the step waits as a text's would.
 */
export interface WechatStep {
  channel: 'wechat';
  waitDays: number;
  /** How `waitDays` is counted; calendar days when unset. */
  countIn?: DayCount;
}

/** 人工电话通知: a task for the department's reminder specialists. */
export interface PhoneCallStep {
  channel: 'phone_call';
  /** How many calls before giving up on `no_answer`. */
  maxAttempts: number;
  /** Days between a `no_answer` and the next call. */
  retryAfterDays: number;
  /** Working days a specialist has to make the call. */
  dueWorkingDays: number;
  /** How `retryAfterDays` is counted; calendar days when unset. */
  countIn?: DayCount;
}

/** 点对点函告: a letter produced by the engine and sent by a specialist. */
export interface LetterStep {
  channel: 'letter';
  dueWorkingDays: number;
}

export type LadderStep = AutoPromptStep | SmsStep | WechatStep | PhoneCallStep | LetterStep;

export const DEFAULT_LADDER: readonly LadderStep[] = [
  { channel: 'auto_prompt', waitDays: 7 },
  { channel: 'sms', waitDays: 14 },
  { channel: 'phone_call', maxAttempts: 3, retryAfterDays: 2, dueWorkingDays: 3 },
  { channel: 'letter', dueWorkingDays: 5 },
];

/** What a specialist records after a phone call. */
export const CALL_OUTCOMES = ['reached', 'refused', 'no_answer', 'wrong_number', 'already_renewed'] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

/** What a specialist records for a letter task. */
export const LETTER_OUTCOMES = ['sent'] as const;
export type LetterOutcome = (typeof LETTER_OUTCOMES)[number];

/** A guidance task ends when the department has filled the entry's renewal guidance in. */
export const GUIDANCE_OUTCOMES = ['completed'] as const;

/** What a specialist found in the approval system after a holder said it had already renewed. */
export const RENEWAL_CHECK_OUTCOMES = ['renewal_found', 'not_renewed'] as const;

/** A task to fix a refused step ends when the department says it is fixed; the workflow tries the step again. */
export const REFUSAL_OUTCOMES = ['fixed'] as const;

/** What the ladder does after a phone call, by its outcome. */
export type CallVerdict = 'ladder_done' | 'call_again' | 'next_step';

/**
 * Decides what follows a call: a holder reached, refusing or already renewed needs no more
 * reminders; an unanswered call is tried again until the attempts run out; a wrong number goes
 * straight to the letter.
 */
export function afterCall(outcome: CallOutcome, attempt: number, step: PhoneCallStep): CallVerdict {
  switch (outcome) {
    case 'reached':
    case 'refused':
    case 'already_renewed':
      return 'ladder_done';
    case 'no_answer':
      return attempt < step.maxAttempts ? 'call_again' : 'next_step';
    case 'wrong_number':
      return 'next_step';
  }
}

/** Checks a ladder read from configuration. @returns a list of problems, empty when valid. */
export function ladderProblems(ladder: readonly LadderStep[]): string[] {
  const problems: string[] = [];
  if (ladder.length === 0) problems.push('a ladder needs at least one step');
  ladder.forEach((step, index) => {
    const where = `step ${index + 1} (${step.channel})`;
    if ('waitDays' in step && !(Number.isInteger(step.waitDays) && step.waitDays >= 0 && step.waitDays <= 90)) {
      problems.push(`${where}: waitDays must be a whole number from 0 to 90`);
    }
    if ('countIn' in step && step.countIn !== undefined && !DAY_COUNTS.includes(step.countIn)) {
      problems.push(`${where}: countIn must be one of ${DAY_COUNTS.join(', ')}`);
    }
    if (step.channel === 'phone_call' && !(Number.isInteger(step.maxAttempts) && step.maxAttempts >= 1 && step.maxAttempts <= 10)) {
      problems.push(`${where}: maxAttempts must be from 1 to 10`);
    }
  });
  return problems;
}
