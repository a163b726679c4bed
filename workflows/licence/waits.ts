import { condition } from '@temporalio/workflow';
import type { LicenceLife } from './state';

/**
 * The one predicate every wait ends on: news (an update, a task done, a re-plan) arrived since the
 * wait began, counted by {@link LicenceLife.heard}, or the history grew long enough that the run
 * should continue as new. Every wait first runs the engine writes still waiting (EngineBatch).
 */
export function somethingHappened(life: LicenceLife, seen: number): boolean {
  return life.news !== seen || life.mustContinue();
}

/**
 * Waits until an instant or until something happens after `seen`, whichever is first.
 * @returns the instant slept until when it was reached, else the time of the news.
 * A quiet run waits for the expiry on the term's one expiry timer (LicenceLife.expiryReached).
 */
export async function waitUntil(life: LicenceLife, epochMs: number, seen: number): Promise<number> {
  if (epochMs <= Date.now() || somethingHappened(life, seen)) return Date.now();
  await life.flushEngineWrites();
  const now = Date.now();
  if (epochMs <= now || somethingHappened(life, seen)) return now;
  if (life.quietWaits && epochMs === life.lapsesAt()) {
    const reached = await Promise.race([life.expiryReached().then(() => true), condition(() => somethingHappened(life, seen)).then(() => false)]);
    return reached ? epochMs : Date.now();
  }
  const interrupted = await condition(() => somethingHappened(life, seen), epochMs - now);
  return interrupted ? Date.now() : epochMs;
}

/** Waits, with no deadline, until something happens after `seen`. */
export async function waitForNews(life: LicenceLife, seen: number): Promise<void> {
  await life.flushEngineWrites();
  await condition(() => somethingHappened(life, seen));
}

/** Waits at most `timeoutMs` for something after `seen`. */
export async function waitForNewsAtMost(life: LicenceLife, seen: number, timeoutMs: number): Promise<void> {
  await life.flushEngineWrites();
  await condition(() => somethingHappened(life, seen), timeoutMs);
}
