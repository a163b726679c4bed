import { execFile, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from './paths';

/** What `npm start` prints once its API serves and its workers poll. */
export const ENGINE_READY_LINE = 'Stop with Ctrl-C';

/**
 * Resolves once an engine process started with piped output says it is ready; rejects with all it
 * printed if it exits first.
 */
export function engineReady(child: ChildProcess): Promise<void> {
  let output = '';
  return new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(ENGINE_READY_LINE)) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the engine process exited with ${code} before it was ready:\n${output}`)));
  });
}

/** Where the suites that run the compiled engine build it: inside the checkout, whose files it finds from there. */
export const TEST_BUILD_DIR = path.join(PROJECT_ROOT, 'test-results', 'compiled-build');

/** Compiles the engine and bundles its workflows as the image's build does (scripts/build.sh); returns the folder. */
export async function buildEngine(): Promise<string> {
  await promisify(execFile)('bash', [path.join(PROJECT_ROOT, 'scripts', 'build.sh'), TEST_BUILD_DIR], { cwd: PROJECT_ROOT });
  return TEST_BUILD_DIR;
}
