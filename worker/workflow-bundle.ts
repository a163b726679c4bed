import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
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

/** Where a bundle names the compiled workflow code of its build: the end of its first line, which moves no source-mapped position. */
const CODE_DIGEST_MARK = ' // licence workflow code sha256:';

/**
 * A digest of the compiled workflow code under `root`: every .js file of its workflows/ and
 * domain/ folders, by path and content. Sources alone (.ts) have none of those files.
 */
export function compiledWorkflowCodeDigest(root: string): string {
  const hash = createHash('sha256');
  for (const folder of ['workflows', 'domain']) {
    const files = readdirSync(path.join(root, folder), { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.js'));
    for (const file of files.sort()) {
      hash.update(`${folder}/${file}\0`);
      hash.update(readFileSync(path.join(root, folder, file)));
      hash.update('\0');
    }
  }
  return hash.digest('hex');
}

/**
 * Writes the bundle to `file` for WORKFLOW_BUNDLE: a worker that loads it starts without running
 * the bundler, which costs seconds of CPU and a few hundred MB in every worker process. The bundle
 * goes beside the build's compiled code (`npm run build`), whose workflow code digest it carries.
 */
export async function writeLicenceWorkflowBundle(file: string): Promise<{ bytes: number }> {
  const compiled = path.dirname(path.resolve(file));
  if (!existsSync(path.join(compiled, 'workflows', 'index.js'))) {
    throw new Error(`no compiled workflow code in ${compiled}: the bundle goes beside the compiled engine (npm run build)`);
  }
  const digest = compiledWorkflowCodeDigest(compiled);
  const { code } = await bundleLicenceWorkflows();
  const firstLineEnd = code.indexOf('\n');
  const marked = `${code.slice(0, firstLineEnd)}${CODE_DIGEST_MARK}${digest}${code.slice(firstLineEnd)}`;
  await fs.mkdir(compiled, { recursive: true });
  await fs.writeFile(file, marked);
  return { bytes: Buffer.byteLength(marked) };
}

/**
 * Refuses a bundle made from other workflow code than the worker runs: its runs would take the
 * branches of other code than the activities beside them expect, and replay their histories with it.
 */
export function assertBundleOfThisCode(bundleFile: string): void {
  const firstLine = readFileSync(bundleFile, 'utf8').split('\n', 1)[0]!;
  const at = firstLine.lastIndexOf(CODE_DIGEST_MARK);
  const bundled = at >= 0 ? firstLine.slice(at + CODE_DIGEST_MARK.length) : undefined;
  if (!bundled) throw new Error(`WORKFLOW_BUNDLE ${bundleFile} names no workflow code: npm run build writes the bundle with the compiled engine, in dist/`);
  // This module's folder is worker/ in the compiled engine's folder, or in the sources.
  const running = compiledWorkflowCodeDigest(path.resolve(__dirname, '..'));
  if (bundled !== running) {
    const fromSources = __filename.endsWith('.ts') ? ' (this worker runs from its sources: a bundle is for the compiled engine, node dist/bin/start.js)' : '';
    throw new Error(`WORKFLOW_BUNDLE ${bundleFile} was built from other workflow code than this worker runs${fromSources}: run npm run build and start the engine it writes, bundle included`);
  }
}
