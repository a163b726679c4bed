import type { LadderStep } from '../../domain';
import { runAutoPrompt } from './channels/auto-prompt';
import { runLetter } from './channels/letter';
import { runPhoneCall } from './channels/phone-call';
import { runSms } from './channels/sms';
import { runWechat } from './channels/wechat';
import type { LicenceLife } from './state';

/** Texts, WeChat messages and calls reach people, only in the bureau's hours on a working day. */
export function reachesPeople(step: LadderStep): boolean {
  return step.channel === 'sms' || step.channel === 'wechat' || step.channel === 'phone_call';
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
