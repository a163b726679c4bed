import type { EngineStepCall } from '../../../activities';
import type { LadderStep } from '../../../domain';
import { nextReachingStepDue } from '../ladder';
import { callOutwardThenAsk } from '../outward-calls';
import type { LicenceLife } from '../state';
import { waitEnds } from '../timing';

type AutoPromptStep = Extract<LadderStep, { channel: 'auto_prompt' }>;

const iso = (ms: number) => new Date(ms).toISOString();

/** 业务系统自动提示: the approval system shows the holder a prompt; the ladder waits before the next step. */
export async function runAutoPrompt(life: LicenceLife, step: AutoPromptStep, index: number, due: number): Promise<void> {
  // A folded run's call carries the writes waiting.
  if (!life.folded) await life.flushEngineWrites();
  const lookAhead = nextSendInstantQuestion(life, step, index, due);
  const { asked } = await callOutwardThenAsk(life, 'deliverAutoPrompt', { licenceId: life.licenceId, idempotencyKey: life.keys.autoPrompt(life.ladder.cycle, index) }, lookAhead ? [lookAhead.question] : []);
  life.note('auto_prompt_delivered');
  life.advanceLadder(lookAhead ? lookAhead.nextDue : await waitEnds(life, due, step.waitDays, step.countIn));
  if (asked) life.sendInstantFound(Date.parse(asked[0] as string));
}

/** A folded run's prompt asks the next step's send instant with its call (nextReachingStepDue). */
function nextSendInstantQuestion(life: LicenceLife, step: AutoPromptStep, index: number, due: number): { nextDue: number; question: EngineStepCall } | undefined {
  const nextDue = life.folded ? nextReachingStepDue(life, step, index, due) : undefined;
  if (nextDue === undefined) return undefined;
  return { nextDue, question: { step: 'nextSendInstant', input: { licenceId: life.licenceId, from: iso(nextDue) } } };
}
