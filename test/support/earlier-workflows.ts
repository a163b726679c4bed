import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { DataConverter } from '@temporalio/common';
import { bundleWorkflowCode, Worker, type NativeConnection, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { LicenceActivities } from '../../activities';
import { LICENCE_FAILURE_CONVERTER_PATH } from '../../runtime/data-converter';
import { LICENCE_WORKER_INTERCEPTORS } from '../../worker/worker';
import { PROJECT_ROOT } from './paths';

const git = (args: string[]) => {
  const run = spawnSync('git', args, { cwd: PROJECT_ROOT, maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) {
    throw new Error(`the workflow code a patch replaced comes from this repository's history, which a full clone has: git ${args[0]} said ${String(run.stderr || run.error).trim()}`);
  }
  return run.stdout;
};

/** The commit before the one that declared `patchId` in workflows/licence/versions.ts. */
function commitBefore(patchId: string): string {
  const declaring = git(['log', '--reverse', '--format=%H', `-S'${patchId}';`, '--', 'workflows/licence/versions.ts']).toString().split('\n')[0];
  if (!declaring) throw new Error(`no commit in this repository's history declares the patch '${patchId}'`);
  return git(['rev-parse', `${declaring}^`]).toString().trim();
}

/**
 * Bundles the licence workflows as they were just before the commit that added `patchId`: a run
 * they start takes, for the rest of its life, the branches of a run a bureau started before that
 * patch shipped, and a test can hand it to today's code as a deployment does. The code is read
 * from the repository's history and unpacked under test-results/, where it finds node_modules.
 */
export async function workflowsBefore(patchId: string): Promise<WorkflowBundleWithSourceMap> {
  const commit = commitBefore(patchId);
  const folder = path.join(PROJECT_ROOT, 'test-results', 'earlier-workflows', commit);
  if (!fs.existsSync(path.join(folder, 'workflows', 'index.ts'))) {
    const archive = git(['archive', '--format=tar', commit, 'workflows', 'domain']);
    // Unpacked beside, then renamed: suites running at once never see half a tree.
    const unpacking = `${folder}.${process.pid}`;
    fs.mkdirSync(unpacking, { recursive: true });
    const tar = spawnSync('tar', ['-x', '-C', unpacking], { input: archive });
    if (tar.status !== 0) throw new Error(`could not unpack the workflow code of ${commit}: ${String(tar.stderr || tar.error).trim()}`);
    fs.rmSync(folder, { recursive: true, force: true });
    fs.renameSync(unpacking, folder);
  }
  return bundleWorkflowCode({
    workflowsPath: path.join(folder, 'workflows', 'index.ts'),
    workflowInterceptorModules: [path.join(folder, 'workflows', 'interceptors.ts')],
    failureConverterPath: LICENCE_FAILURE_CONVERTER_PATH,
  });
}

/**
 * A worker of the licence queue that runs the workflows as they were before `patchId`, with
 * today's activities. It keeps no run in memory: once it stops, its runs' next tasks go to any
 * worker, not to its own queue, which a time-skipping server would wait on for ever.
 */
export async function workerBefore(
  patchId: string,
  options: { connection: NativeConnection; taskQueue: string; dataConverter: DataConverter; activities: LicenceActivities },
): Promise<Worker> {
  return Worker.create({
    ...options,
    workflowBundle: await workflowsBefore(patchId),
    interceptors: { activity: LICENCE_WORKER_INTERCEPTORS.activity },
    maxCachedWorkflows: 0,
  });
}
