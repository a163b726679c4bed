import type { LadderStep } from '../../domain';
import { runAutoPrompt } from './channels/auto-prompt';
import { runLetter } from './channels/letter';
import { runPhoneCall } from './channels/phone-call';
import { runSms } from './channels/sms';
import { runWechat } from './channels/wechat';
import type { LicenceLife } from './state';
import { days } from './timing';

/** Texts, WeChat messages and calls reach people, only in the bureau's hours on a working day. */
export function reachesPeople(step: LadderStep): boolean {
  return step.channel === 'sms' || step.channel === 'wechat' || step.channel === 'phone_call';
}

/**
 * When the step after `index` reaches people and the wait before it is counted in calendar days,
 * the instant it falls due, known before this step runs: this step's own call can then ask when
 * it may reach people, which the ladder would otherwise ask alone before sleeping to it.
 */
export function nextReachingStepDue(life: LicenceLife, step: Extract<LadderStep, { waitDays: number }>, index: number, due: number): number | undefined {
  const next = life.plan?.ladder[index + 1];
  if (!next || !reachesPeople(next) || step.countIn === 'working_days') return undefined;
  return due + days(step.waitDays);
}

/** Runs one ladder step that fell due at `due`; waits after it count from that instant. */
export function runLadderStep(life: LicenceLife, step: LadderStep, index: number, due: number): Promise<void> {
  switch (step.channel) {
    case 'auto_prompt':
      return runAutoPrompt(life, step, index, due);
    case 'sms':
      return runSms(life, step, index, due);
    case 'wechat':
      return runWechat(life, step, index, due);
    case 'phone_call':
      return runPhoneCall(life, step, index, due);
    case 'letter':
      return runLetter(life, step, index, due);
  }
}
