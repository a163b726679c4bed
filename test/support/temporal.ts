import { DefaultLogger, Runtime } from '@temporalio/worker';

/**
 * Keeps the Temporal worker's own logs to errors so that test output stays readable: the tests
 * fail activities on purpose, and each failed attempt is a warning with its stack.
 * TEMPORAL_TEST_LOG_LEVEL=WARN (or DEBUG) shows more while looking into a test.
 */
export function quietTemporalLogs(): void {
  const level = (['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'] as const).find((name) => name === process.env.TEMPORAL_TEST_LOG_LEVEL) ?? 'ERROR';
  try {
    Runtime.install({ logger: new DefaultLogger(level) });
  } catch {
    // Already installed in this module registry.
  }
}
