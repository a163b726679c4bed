import fs from 'node:fs/promises';
import path from 'node:path';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { LICENCE_FAILURE_CONVERTER_PATH } from '../runtime/data-converter';

/** The licence workflows' entry module. */
export const LICENCE_WORKFLOWS_PATH = require.resolve('../workflows');
/** Local activities run on the workflow's clock and record what they were asked (workflows/interceptors.ts). */
export const LICENCE_WORKFLOW_INTERCEPTOR_MODULES = [require.resolve('../workflows/interceptors')];

/**
 * Bundles the licence workflows as a worker given only their path does at its start: with their
 * interceptors, and with the engine's failure converter, without which the workflows would write
 * their refusals in clear.
 */
export function bundleLicenceWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({
    workflowsPath: LICENCE_WORKFLOWS_PATH,
    workflowInterceptorModules: LICENCE_WORKFLOW_INTERCEPTOR_MODULES,
    failureConverterPath: LICENCE_FAILURE_CONVERTER_PATH,
  });
}

/**
 * Writes the bundle to `file` for WORKFLOW_BUNDLE: a worker that loads it starts without running
 * the bundler, which costs seconds of CPU and a few hundred MB in every worker process.
 */
export async function writeLicenceWorkflowBundle(file: string): Promise<{ bytes: number }> {
  const { code } = await bundleLicenceWorkflows();
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, code);
  return { bytes: Buffer.byteLength(code) };
}
