import { createHash, randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { hash, verify } from '@node-rs/argon2';
import Bottleneck from 'bottleneck';

// Argon2 is slow on purpose. Hashes run one at a time per core but one, so that a burst of logins
// (guessers included) waits in line instead of taking every core from the other requests.
const passwordHashing = new Bottleneck({ maxConcurrent: Math.max(1, availableParallelism() - 1) });

/** A random secret for an API key or a session cookie (256 bits, URL-safe). */
export function newSecret(prefix = ''): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

/**
 * SHA-256 of a high-entropy secret (API key, session token): enough for lookup and safe to store,
 * since such secrets cannot be guessed. Passwords use {@link hashPassword} instead.
 */
export function digestSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Argon2id hash of a password, for storing. */
export function hashPassword(password: string): Promise<string> {
  return passwordHashing.schedule(() => hash(password));
}

/** Whether a password matches its stored Argon2 hash; a malformed hash never matches. */
export async function passwordMatches(storedHash: string, password: string): Promise<boolean> {
  try {
    return await passwordHashing.schedule(() => verify(storedHash, password));
  } catch {
    return false;
  }
}
