import fc from 'fast-check';
import { DateTime } from 'luxon';
import type { WorkflowHandle } from '@temporalio/client';
import { advance, happen, modelLicence, stageOf, type LifecycleEvent, type ModelLicence } from '../../domain/lifecycle-model';
import { correctExpiryUpdate, renewalApplicationUpdate, renewalDecisionUpdate, revocationUpdate } from '../../workflows/licence-definitions';
import { DAY, eventually, LifecycleHarness } from '../support/lifecycle';
import { quietTemporalLogs } from '../support/temporal';

quietTemporalLogs();

// Random lives of a licence played on the time-skipping server against the real workflow,
// activities and database, and checked against the reference model in domain/lifecycle-model.ts.
// MODEL_SEQUENCES (200 by default) and MODEL_SEED choose how many and which: `npm run test:model`.
const SEQUENCES = Number(process.env.MODEL_SEQUENCES ?? 200);
const SEED = Number(process.env.MODEL_SEED ?? Date.now() % 2 ** 31);
/** Lives played side by side on one clock. */
const BATCH = 50;
const ZONE = 'Asia/Shanghai';

/** Days after registration on which something may happen; the licence expires on day 200 (window ≈ day 109, lapse on day 231). */
const DAYS = [30, 112, 125, 160, 203, 212, 240];
const EXPIRES_AFTER_DAYS = 200;

type Step = { day: number; event: 'apply' | 'approve_same' | 'approve_new' | 'reject' | 'withdraw' | 'revoke' | 'correct_30' | 'correct_365' };

const stepArbitrary: fc.Arbitrary<Step> = fc.record({
  day: fc.constantFrom(...DAYS),
  event: fc.constantFrom('apply', 'apply', 'approve_same', 'approve_new', 'reject', 'withdraw', 'revoke', 'correct_30', 'correct_365'),
});
/** A life: up to five things, in time order (several on one day keep their order). */
const lifeArbitrary = fc.array(stepArbitrary, { minLength: 1, maxLength: 5 }).map((steps) => [...steps].sort((a, b) => a.day - b.day));

/**
 * Lives the model-based test found failing once, kept as fixed cases (empty when none did).
 */
const FOUND_FAILING: Step[][] = [
  // Expired, corrected back inside its window, expired again: the read model kept window_open.
  [{ day: 30, event: 'reject' }, { day: 203, event: 'correct_30' }, { day: 240, event: 'withdraw' }],
  // The window moved out while an application paused the ladder, and reopened before it was
  // withdrawn: the ladder went on where it stood instead of starting afresh with a prompt.
  [{ day: 30, event: 'apply' }, { day: 112, event: 'reject' }, { day: 112, event: 'apply' }, { day: 125, event: 'correct_30' }, { day: 212, event: 'withdraw' }],
];

let h: LifecycleHarness;
let graceDays: number;

beforeAll(async () => {
  h = await LifecycleHarness.start();
  await h.beginTest();
  graceDays = (await h.database.prisma.catalogueEntry.findUniqueOrThrow({ where: { id: 'weihai:WH01' } })).graceDays;
});
afterAll(async () => {
  await h?.endTest();
  await h?.teardown();
});

/** Fails, naming what hung, if a promise does not settle in time: a stuck update must fail the test, not hang it. */
async function within<T>(what: string, promise: Promise<T>, ms = 30_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const dateAt = (epochMs: number, plusDays = 0) => DateTime.fromMillis(epochMs, { zone: ZONE }).plus({ days: plusDays }).toISODate()!;

interface Life {
  steps: Step[];
  number: string;
  handle: WorkflowHandle;
  licenceId: string;
  model: ModelLicence;
}

/** The event a step stands for, on the day it happens. */
function eventOf(step: Step, model: ModelLicence, at: number): LifecycleEvent {
  switch (step.event) {
    case 'approve_same':
      return { kind: 'approve', keepsNumber: true, newExpiresOn: dateAt(at, 5 * 365) };
    case 'approve_new':
      return { kind: 'approve', keepsNumber: false, newExpiresOn: dateAt(at, 5 * 365) };
    case 'correct_30':
      return { kind: 'correct_expiry', expiresOn: DateTime.fromISO(model.expiresOn).plus({ days: 30 }).toISODate()! };
    case 'correct_365':
      return { kind: 'correct_expiry', expiresOn: DateTime.fromISO(model.expiresOn).plus({ days: 365 }).toISODate()! };
    default:
      return { kind: step.event };
  }
}

/** Sends the event to the real workflow; `false` when it refused it (or had already finished). */
async function send(life: Life, event: LifecycleEvent, at: number, index: number): Promise<boolean> {
  const today = dateAt(at);
  try {
    switch (event.kind) {
      case 'apply':
        await within(`${JSON.stringify(life.steps)}: ${event.kind} on ${today}`, life.handle.executeUpdate(renewalApplicationUpdate, { args: [{ applicationNumber: `${life.number}-A${index}`, appliedOn: today }] }));
        break;
      case 'approve': {
        const licenceNumber = event.keepsNumber ? life.number : `${life.number}-N${index}`;
        await within(`${JSON.stringify(life.steps)}: ${event.kind} on ${today}`, life.handle.executeUpdate(renewalDecisionUpdate, { args: [{ decision: 'approved', decidedOn: today, newLicence: { licenceNumber, issuedOn: today, expiresOn: event.newExpiresOn } }] }));
        break;
      }
      case 'reject':
      case 'withdraw':
        await within(`${JSON.stringify(life.steps)}: ${event.kind} on ${today}`, life.handle.executeUpdate(renewalDecisionUpdate, { args: [{ decision: event.kind === 'reject' ? 'rejected' : 'withdrawn', decidedOn: today }] }));
        break;
      case 'revoke':
        await within(`${JSON.stringify(life.steps)}: ${event.kind} on ${today}`, life.handle.executeUpdate(revocationUpdate, { args: [{ reason: '吊销', revokedOn: today }] }));
        break;
      case 'correct_expiry':
        await within(`${JSON.stringify(life.steps)}: ${event.kind} on ${today}`, life.handle.executeUpdate(correctExpiryUpdate, { args: [{ expiresOn: event.expiresOn }] }));
        break;
    }
    return true;
  } catch (error) {
    if (error instanceof Error && error.message.includes('no answer in')) throw error;
    return false;
  }
}

/** The real workflow's stage and the read model's, once they agree with the model. */
async function expectAgreement(life: Life, at: number): Promise<void> {
  const expected = stageOf(life.model, at);
  await eventually(async () => {
    const description = await life.handle.describe();
    // A query, also of a closed workflow: result() would let the time-skipping server move the clock.
    // The time-skipping server's continue-as-new is not atomic (temporalio/sdk-java#1537): a query in
    // the gap can go unanswered, so it is given up after a few seconds and asked again.
    const workflow = (await within(`${JSON.stringify(life.steps)}: status`, h.status(life.handle), 5_000)).stage;
    const readModel = (await h.database.prisma.licence.findUniqueOrThrow({ where: { id: life.licenceId } })).stage;
    expect({ life: JSON.stringify(life.steps), workflow, readModel }).toEqual({ life: JSON.stringify(life.steps), workflow: expected, readModel: expected });
    // Nothing retries: every activity succeeded at its first attempt or is about to.
    const retrying = (description.raw.pendingActivities ?? []).filter((activity) => (activity.attempt ?? 1) > 1);
    expect({ life: JSON.stringify(life.steps), retrying: retrying.map((activity) => activity.activityType?.name) }).toEqual({ life: JSON.stringify(life.steps), retrying: [] });
  }, 60_000);
}

async function expectRemindersOnce(life: Life): Promise<void> {
  const ledger = await h.ledger(life.licenceId);
  const prompts = ledger.filter((row) => row.startsWith('auto_prompt:')).length;
  // A text deferred to the next day is a ledger row but no text.
  const texts = ledger.filter((row) => row.startsWith('sms:') && row !== 'sms:deferred').length;
  expect({ life: JSON.stringify(life.steps), prompts, textsAtMostOnePerWindow: texts <= prompts }).toEqual({ life: JSON.stringify(life.steps), prompts: life.model.prompts, textsAtMostOnePerWindow: true });
}

/** Plays lives side by side from one registration instant, day by day. */
async function play(lives: Step[][], batch: string): Promise<void> {
  const startedAt = await h.now();
  const expiresOn = dateAt(startedAt, EXPIRES_AFTER_DAYS);
  const plan = { reminderLeadMonths: 3, graceDays, timeZone: ZONE };
  const played: Life[] = [];
  for (const [index, steps] of lives.entries()) {
    const number = `MB${batch}-${index}`;
    const registered = await h.register(number, expiresOn);
    played.push({ steps, number, handle: registered.handle, licenceId: registered.id, model: modelLicence(expiresOn, plan) });
  }
  let clock = startedAt;
  for (const day of [...new Set(lives.flat().map((step) => step.day)), DAYS.at(-1)! + 5].sort((a, b) => a - b)) {
    // 09:00 in Shanghai on the day: inside the send window, whatever falls due.
    const at = DateTime.fromMillis(startedAt + day * DAY, { zone: ZONE }).set({ hour: 9, minute: 0 }).toMillis();
    await h.skipTo(new Date(at).toISOString());
    for (const life of played) {
      advance(life.model, clock, at);
      for (const [index, step] of life.steps.entries()) {
        if (step.day !== day) continue;
        const event = eventOf(step, life.model, at);
        const termBefore = life.model.term;
        const runBefore = (await life.handle.describe()).runId;
        const accepted = happen(life.model, event, at);
        expect({ life: JSON.stringify(life.steps), step: index, accepted: await send(life, event, at, index) }).toEqual({ life: JSON.stringify(life.steps), step: index, accepted });
        if (life.model.term !== termBefore) {
          // The next term is a new run: wait until the run before has closed as continued.
          await eventually(async () => expect((await h.env.client.workflow.getHandle(life.handle.workflowId, runBefore).describe()).status.name).toBe('CONTINUED_AS_NEW'), 60_000);
        }
        await expectAgreement(life, at);
      }
    }
    clock = at;
    for (const life of played) {
      if (process.env.MODEL_DEBUG) console.error(day, JSON.stringify(await h.status(life.handle)), JSON.stringify(life.model));
      await expectAgreement(life, at);
    }
  }
  for (const life of played) await expectRemindersOnce(life);
  // No idempotency key was used for two texts.
  const outIds = h.simulators.sms.map((message) => message.clientToken);
  expect(outIds.length).toBe(new Set(outIds).size);
}

for (const [index, steps] of FOUND_FAILING.entries()) {
  it(`a life once found failing: ${JSON.stringify(steps)}`, async () => play([steps], `F${index}`));
}

it(`plays ${SEQUENCES} random lives against the model (seed ${SEED})`, async () => {
  const lives = fc.sample(lifeArbitrary, { numRuns: SEQUENCES, seed: SEED });
  const startedAt = Date.now();
  for (let batch = 0; batch * BATCH < lives.length; batch++) await play(lives.slice(batch * BATCH, (batch + 1) * BATCH), String(batch + 1));
  console.error(`lifecycle model: ${lives.length} lives, ${lives.flat().length} events, seed ${SEED}, ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
}, 60 * 60_000);
