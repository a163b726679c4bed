import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * A secret of this install: generated on the first start into the data folder (readable by its
 * owner only) and read from there afterwards, so that no install shares a public default.
 */
export function keptSecret(dataDir: string, fileName: string, generate: () => string = () => randomBytes(32).toString('base64url')): string {
  const file = path.resolve(dataDir, fileName);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    try {
      fs.writeFileSync(file, `${generate()}\n`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      // Another process of the same install wrote it first: theirs is the secret.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return fs.readFileSync(file, 'utf8').trim();
}
