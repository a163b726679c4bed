import type { ActivityInterfaceFor } from '@temporalio/workflow';
import type { EngineStepCall, EngineStepName } from '../../activities';
import { localEngineSteps, type EngineSteps } from './activity-proxies';

/** The engine's writes whose answer no turn of the workflow reads. */
const WRITES_THAT_WAIT = [
  'recordLicenceStep',
  'recordClosure',
  'recordExpiry',
  'recordSmsDelivery',
  'flagContact',
  'cancelOpenTasks',
  'recordTaskOutcome',
  'recordRenewal',
  'escalateOverdueTask',
] as const satisfies readonly EngineStepName[];

type WriteThatWaits = (typeof WRITES_THAT_WAIT)[number];

/** The engine's steps as a licence's turns call them: a write's answer is not theirs to read. */
export type LicenceEngine = Omit<ActivityInterfaceFor<EngineSteps>, WriteThatWaits> & {
  [Step in WriteThatWaits]: (input: Parameters<EngineSteps[Step]>[0]) => Promise<unknown>;
};

/**
 * The engine's steps of a compact run. A write waits, in order, for the next step that answers,
 * and goes with it in one local activity (runEngineSteps); or, if none comes first, for
 * {@link flush}, which the run calls before it waits, leaves the engine, or ends. A turn that records
 * a stage, cancels tasks and reads the regulators costs one marker instead of three.
 */
export class EngineBatch {
  private pending: EngineStepCall[] = [];
  readonly steps: LicenceEngine;

  constructor() {
    const call = (step: EngineStepName, input: unknown) => this.call(step, input);
    this.steps = new Proxy({} as LicenceEngine, { get: (_target, step) => (input: unknown) => call(step as EngineStepName, input) });
  }

  /** Runs every write still waiting. */
  flush(): Promise<void> {
    return this.run(this.take());
  }

  /** The writes waiting, handed over to be carried by something else; none wait afterwards. */
  take(): EngineStepCall[] {
    return this.pending.splice(0);
  }

  /** Runs writes taken from the batch, alone or together. */
  async run(writes: EngineStepCall[]): Promise<void> {
    if (writes.length === 1) await alone(writes[0]!);
    else if (writes.length > 1) await localEngineSteps.runEngineSteps({ steps: writes });
  }

  private async call(step: EngineStepName, input: unknown): Promise<unknown> {
    if ((WRITES_THAT_WAIT as readonly EngineStepName[]).includes(step)) {
      this.pending.push({ step, input });
      return undefined;
    }
    const waiting = this.pending.splice(0);
    if (waiting.length === 0) return alone({ step, input });
    const answers = await localEngineSteps.runEngineSteps({ steps: [...waiting, { step, input }] });
    return answers[answers.length - 1];
  }
}

/** One step as its own local activity, whose marker names it as before. */
function alone({ step, input }: EngineStepCall): Promise<unknown> {
  return (localEngineSteps[step] as (asked: unknown) => Promise<unknown>)(input);
}
