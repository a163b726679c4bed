import type { EngineStepCall } from '../../../activities';
import type { LadderStep } from '../../../domain';
import { reachesPeople } from '../ladder';
import { callOutwardThenAsk } from '../outward-calls';
import type { LicenceLife } from '../state';
import { days, waitEnds } from '../timing';

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

/**
 * In a folded run, when the next step reaches people and the wait before it is counted in calendar
 * days, its due instant is known before the prompt goes: the prompt's call asks for the step's send
 * instant too, which the ladder would otherwise have asked on its own before sleeping to it.
 */
function nextSendInstantQuestion(life: LicenceLife, step: AutoPromptStep, index: number, due: number): { nextDue: number; question: EngineStepCall } | undefined {
  const next = life.plan?.ladder[index + 1];
  if (!life.folded || !next || !reachesPeople(next) || step.countIn === 'working_days') return undefined;
  const nextDue = due + days(step.waitDays);
  return { nextDue, question: { step: 'nextSendInstant', input: { licenceId: life.licenceId, from: iso(nextDue) } } };
}
