import type { ChildProcess } from 'node:child_process';

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
