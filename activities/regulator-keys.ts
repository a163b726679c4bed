import { readFile } from 'node:fs/promises';

/**
 * The signing key a regulator's reference names, read where the worker runs: `env:NAME` from its
 * environment, `file:/path` from its disk (a mounted secret). Read at each delivery, so that a key
 * set or rotated by the operator is used from the next attempt on.
 *
 * @throws Error naming the reference when it names nothing: the delivery is retried with backoff
 *   until the operator provides the key, and its `lastError` says which one is missing.
 */
export async function signingKeyOf(secretRef: string | null, fallback: string): Promise<string> {
  if (secretRef === null) return fallback;
  const [scheme, ...rest] = secretRef.split(':');
  const where = rest.join(':');
  const key = scheme === 'env' ? process.env[where] : scheme === 'file' ? await readKeyFile(where) : undefined;
  if (!key) throw new Error(`the regulator's signing key ${secretRef} is not available to the worker: set it, then the delivery is retried`);
  return key;
}

async function readKeyFile(path: string): Promise<string | undefined> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch {
    return undefined;
  }
}
