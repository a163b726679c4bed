import type { LadderStep } from '../../../domain';
import { activities } from '../activity-proxies';
import { untilAccepted } from '../refusals';
import type { LicenceLife } from '../state';
import { waitEnds } from '../timing';
import { runSms } from './sms';

type WechatStep = Extract<LadderStep, { channel: 'wechat' }>;

/**
 * 微信提醒: a message from the service account to the WeChat bound to the licence. A holder it
 * cannot reach (not bound, unfollowed, over the account's quota, no account) gets the step's
 * text instead, and the ladder goes on as after a text; so does one whose message may or may not
 * have gone (`unconfirmed`): twice reminded, on two channels, rather than never. A template WeChat refuses is a task for
 * the department; the step is tried again once it is fixed.
 */
export async function runWechat(life: LicenceLife, step: WechatStep, index: number, due: number): Promise<void> {
  const key = life.keys.wechat(life.ladder.cycle, index);
  await life.flushEngineWrites();
  const sent = await untilAccepted(life, 'the WeChat reminder', key, () => activities.sendReminderWechat({ licenceId: life.licenceId, idempotencyKey: key }));
  life.note('wechat_sent', sent.outcome);
  if (sent.outcome === 'sent') {
    life.advanceLadder(await waitEnds(life, due, step.waitDays, step.countIn));
    return;
  }
  return runSms(life, { channel: 'sms', waitDays: step.waitDays, ...(step.countIn ? { countIn: step.countIn } : {}) }, index, due);
}
