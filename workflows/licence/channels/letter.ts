import type { LadderStep } from '../../../domain';
import { activities } from '../activity-proxies';
import type { LicenceLife } from '../state';
import { awaitTask, openTaskDue, withdrawInterrupted } from '../tasks';
import { LETTER_GUIDANCE_PATCH } from '../versions';

type LetterStep = Extract<LadderStep, { channel: 'letter' }>;

/** 点对点函告: the letter is written, and a specialist's task sends it. */
export async function runLetter(life: LicenceLife, step: LetterStep, index: number, due: number): Promise<void> {
  const { cycle } = life.ladder;
  if (life.patched(LETTER_GUIDANCE_PATCH)) {
    // 精准提醒 tells the holder where, when and with what to renew: until the department has
    // said so in the catalogue, a specialist task asks for it instead of a letter with gaps.
    for (let request = 1; ; request++) {
      const missing = await life.engine.missingLetterGuidance({ licenceId: life.licenceId });
      if (missing.length === 0) break;
      const { taskId: guidanceTask, dueAt: guidanceDue } = await openTaskDue(life, Date.now(), step.dueWorkingDays, {
        idempotencyKey: life.keys.guidanceTask(cycle, index, request),
        kind: 'complete_guidance',
        attempt: request,
      });
      life.note('guidance_requested', missing.join(', '));
      if (!(await awaitTask(life, guidanceTask, guidanceDue))) return withdrawInterrupted(life);
    }
  }
  await life.flushEngineWrites();
  const letterId = await activities.prepareLetter({ licenceId: life.licenceId, idempotencyKey: life.keys.letter(cycle, index) });
  const { taskId, dueAt: letterDue } = await openTaskDue(life, due, step.dueWorkingDays, { idempotencyKey: life.keys.letterTask(cycle, index), kind: 'send_letter', attempt: 1, letterId });
  life.note('letter_task_created');
  const completion = await awaitTask(life, taskId, letterDue);
  if (!completion) return withdrawInterrupted(life);
  await life.engine.recordTaskOutcome({
    licenceId: life.licenceId,
    taskId,
    idempotencyKey: life.keys.letterOutcome(cycle, index),
    channel: 'letter',
    outcome: completion.outcome,
    completedBy: completion.completedBy,
    note: completion.note,
  });
  life.note('letter_sent');
  life.advanceLadder(Date.now());
}
