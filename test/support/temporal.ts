import { DefaultLogger, Runtime } from '@temporalio/worker';

/** Keeps the Temporal worker's own logs to warnings so that test output stays readable. */
export function quietTemporalLogs(): void {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // Already installed in this module registry.
  }
}
