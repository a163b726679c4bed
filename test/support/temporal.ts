import type { DataConverter } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { TEMPORAL_CLI, TEST_SERVER_WRAPPER } from './paths';

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

/**
 * The SDK gives a server it starts 5 s to answer (sdk-core's ephemeral server; not an option). A JVM
 * or the dev server starting while the machine is busy can take longer: such a start is tried again.
 */
export async function startTestServer(start: () => Promise<TestWorkflowEnvironment>, attempts = 3): Promise<TestWorkflowEnvironment> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (error) {
      // Not `instanceof Error`: the native bridge's errors come from another realm than a jest test's.
      const tooSlow = /did not start within/.test(String((error as { message?: unknown } | undefined)?.message));
      if (!tooSlow || attempt === attempts) throw error;
    }
  }
}

/** A time-skipping test server from `executable` (the project's wrapper unless named), its clock moved by `extraArgs`. */
export function startTimeSkippingServer(options: { executable?: string; extraArgs?: string[]; dataConverter?: DataConverter } = {}): Promise<TestWorkflowEnvironment> {
  return startTestServer(() =>
    TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: options.executable ?? TEST_SERVER_WRAPPER }, extraArgs: options.extraArgs ?? [] },
      client: { dataConverter: options.dataConverter },
    }),
  );
}

/** The Temporal CLI's dev server, on the wall clock. */
export function startDevServer(options: { dataConverter?: DataConverter } = {}): Promise<TestWorkflowEnvironment> {
  return startTestServer(() => TestWorkflowEnvironment.createLocal({ server: { executable: { type: 'existing-path', path: TEMPORAL_CLI } }, client: { dataConverter: options.dataConverter } }));
}
