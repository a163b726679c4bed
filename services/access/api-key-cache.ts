import type { PrismaClient } from '../../generated/prisma/client';
import { keptLookups } from '../../runtime/kept-lookups';
import { principalOfApiKey } from './credentials';
import type { Principal } from './principal';
import { digestSecret } from './secrets';

/** The principals of live API keys, kept between requests. */
export interface ApiKeyPrincipals {
  /** The approval system behind an API key, unless the key is unknown or revoked. */
  principalOf(secret: string): Promise<Principal | null>;
  /** Forgets every kept principal: call it when a key is revoked or rotated. */
  forget(): void;
}

/**
 * Looks API keys up as {@link principalOfApiKey} does, keeping each live key's principal for
 * `ttlSeconds` (0 keeps none): an approval system sends its key with every request, and a burst
 * of registrations then costs one lookup instead of one each. Unknown and revoked keys are never
 * kept, so guessing cannot fill the cache, and a key created meanwhile works at once. A key
 * revoked or rotated through this process stops working here at once (see `forget`); in other
 * API processes, within `ttlSeconds`.
 */
export function cachedApiKeyPrincipals(prisma: PrismaClient, ttlSeconds: number): ApiKeyPrincipals {
  const principals = keptLookups({
    // The secret's digest, so that the cache holds no secrets.
    keyOf: digestSecret,
    lookup: async (secret: string) => (await principalOfApiKey(prisma, secret)) ?? undefined,
    ttlSeconds,
  });
  return {
    principalOf: async (secret) => (await principals.get(secret)) ?? null,
    forget: () => principals.forget(),
  };
}
