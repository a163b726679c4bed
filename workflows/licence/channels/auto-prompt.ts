import type { LadderStep } from '../../../domain';
import { callOutward } from '../outward-calls';
import type { LicenceLife } from '../state';
import { waitEnds } from '../timing';

type AutoPromptStep = Extract<LadderStep, { channel: 'auto_prompt' }>;

/** 业务系统自动提示: the approval system shows the holder a prompt; the ladder waits before the next step. */
export async function runAutoPrompt(life: LicenceLife, step: AutoPromptStep, index: number, due: number): Promise<void> {
  await life.flushEngineWrites();
  await callOutward(life, 'deliverAutoPrompt', { licenceId: life.licenceId, idempotencyKey: life.keys.autoPrompt(life.ladder.cycle, index) });
  life.note('auto_prompt_delivered');
  life.advanceLadder(await waitEnds(life, due, step.waitDays, step.countIn));
}
