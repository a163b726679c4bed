import fs from 'node:fs';
import path from 'node:path';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { licenceKeys } from '../../workflows/licence/keys';
import { testPayloadCodec } from '../support/payload-key';

// Frozen formats: running executions look up the keys their earlier attempts wrote. A change that
// makes this test fail gives done work a new key (a second text, a second task) and needs a patch.
const workflowId = 'licence/weihai/鲁威药经2023009';

it.each([
  [1, `${workflowId}/`],
  [3, `${workflowId}/term-3/`],
])('keys of term %i are prefixed %s', (term, prefix) => {
  const keys = licenceKeys(workflowId, term);
  const built = {
    stage: keys.stage('revoked'),
    windowOpened: keys.windowOpened(0),
    windowReopened: keys.windowOpened(2),
    autoPrompt: keys.autoPrompt(0, 0),
    sms: keys.sms(1, 1),
    wechat: keys.wechat(1, 1),
    callTask: keys.callTask(0, 2, 3),
    callOutcome: keys.callOutcome(0, 2, 3),
    guidanceTask: keys.guidanceTask(0, 3, 2),
    letter: keys.letter(0, 3),
    letterTask: keys.letterTask(0, 3),
    letterOutcome: keys.letterOutcome(0, 3),
    taskOverdue: keys.taskOverdue('t-42'),
    expiryAlert: keys.expiryAlert(1),
    currentAgain: keys.currentAgain(1, 12),
    windowMovedOut: keys.windowMovedOut(2),
    renewalApplied: keys.renewalApplied('SQ-1'),
    renewalDecided: keys.renewalDecided('SQ-1', 'rejected'),
    decisionPush: keys.decisionPush('SQ-1', 'reg-7'),
    decisionPushes: keys.decisionPushes('SQ-1') + 'reg-7',
    nextTerm: keys.nextTerm('SQ-1'),
    refusal: keys.refusal('successor/NEW-1', 2),
    expiredAgain: keys.expiredAgain(2),
    notice: keys.notice('rejected-SQ-1', 'reg-7'),
    confirmRenewal: keys.confirmRenewal(0, 2, 1),
    replyConfirmRenewal: keys.replyConfirmRenewal('aliyun:9001'),
  };
  expect(built).toEqual({
    stage: `${prefix}revoked`,
    windowOpened: `${prefix}reminder_window_opened`,
    windowReopened: `${prefix}cycle-2/reminder_window_opened`,
    autoPrompt: `${prefix}cycle-0/step-0/auto-prompt`,
    sms: `${prefix}cycle-1/step-1/sms`,
    wechat: `${prefix}cycle-1/step-1/wechat`,
    callTask: `${prefix}cycle-0/step-2/call-3`,
    callOutcome: `${prefix}cycle-0/step-2/call-3/outcome`,
    guidanceTask: `${prefix}cycle-0/step-3/guidance-2`,
    letter: `${prefix}cycle-0/step-3/letter`,
    letterTask: `${prefix}cycle-0/step-3/letter-task`,
    letterOutcome: `${prefix}cycle-0/step-3/letter/outcome`,
    taskOverdue: `${prefix}task/t-42/overdue`,
    expiryAlert: `${prefix}cycle-1/expired`,
    currentAgain: `${prefix}cycle-1/current-again-12`,
    windowMovedOut: `${prefix}cycle-2/window-moved-out`,
    renewalApplied: `${prefix}renewal/SQ-1`,
    renewalDecided: `${prefix}renewal/SQ-1/rejected`,
    decisionPush: `${prefix}decision/SQ-1/reg-7`,
    decisionPushes: `${prefix}decision/SQ-1/reg-7`,
    nextTerm: `${prefix}renewal/SQ-1/next-term`,
    refusal: `${prefix}refused/successor/NEW-1/2`,
    expiredAgain: `${prefix}expired-2`,
    notice: `${prefix}notice/rejected-SQ-1/reg-7`,
    confirmRenewal: `${prefix}cycle-0/step-2/call-1/confirm-renewal`,
    replyConfirmRenewal: `${prefix}reply/aliyun:9001/confirm-renewal`,
  });
});

it.each(['v4/no-answer-then-reached', 'v5/task-overdue-then-reached', 'v6/next-term-window-opened'])('builds the keys the committed history %s was recorded with', async (name) => {
  const history = historyFromJSON(JSON.parse(fs.readFileSync(path.join(__dirname, '../replay/histories', `${name}.json`), 'utf8')));
  const started = history.events![0]!.workflowExecutionStartedEventAttributes!;
  const input = (await decode(started.input?.payloads?.[0]))!;
  const keys = licenceKeys(started.workflowId ?? `licence/${input.bureau}/${input.licenceNumber}`, input.term ?? 1);
  const recorded: string[] = [];
  for (const event of history.events ?? []) {
    const scheduled = event.activityTaskScheduledEventAttributes;
    const argument = scheduled && (await decode(scheduled.input?.payloads?.[0]));
    if (argument?.idempotencyKey) recorded.push(argument.idempotencyKey);
  }
  const built = new Set<string>();
  for (let cycle = 0; cycle < 3; cycle++) {
    built.add(keys.windowOpened(cycle)).add(keys.expiryAlert(cycle));
    for (let index = 0; index < 5; index++) {
      [keys.autoPrompt, keys.sms, keys.wechat, keys.letter, keys.letterTask, keys.letterOutcome].forEach((make) => built.add(make(cycle, index)));
      for (let attempt = 1; attempt < 4; attempt++) [keys.callTask, keys.callOutcome, keys.guidanceTask].forEach((make) => built.add(make(cycle, index, attempt)));
    }
  }
  ['revoked', 'renewed', 'lapsed', 'expired'].forEach((kind) => built.add(keys.stage(kind)));
  // Task, renewal and decision keys carry ids the history does not name plainly: the table above holds them.
  const unknown = recorded.filter((key) => !built.has(key) && !/\/(task|renewal|decision|notice|refused)\//.test(key));
  expect(recorded.length).toBeGreaterThan(0);
  expect(unknown).toEqual([]);
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- an activity's argument, whatever its type
async function decode(payload: Payload | undefined | null): Promise<Record<string, any> | undefined> {
  if (!payload) return undefined;
  const [decoded] = await testPayloadCodec.decode([payload]);
  return defaultPayloadConverter.fromPayload(decoded!);
}
