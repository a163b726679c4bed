import { LRUCache } from 'lru-cache';

/** Answers of a lookup, kept for a while. */
export interface KeptLookups<Input, Value> {
  /** The kept answer for `input`, else the lookup's (kept unless undefined). */
  get(input: Input): Promise<Value | undefined>;
  /** Forgets every kept answer, and lets no lookup under way keep its answer. */
  forget(): void;
}

export interface KeptLookupsOptions<Input, Value> {
  /** The cache key of an input. */
  keyOf(input: Input): string;
  /** Finds the value; undefined is answered but never kept, and a thrown error is never kept either. */
  lookup(input: Input): Promise<Value | undefined>;
  /** How long an answer is kept; 0 keeps none. */
  ttlSeconds: number;
  /** The most answers kept at once, the least recently used dropped first. */
  max?: number;
}

/**
 * Keeps a lookup's answers for `ttlSeconds`: for reference data that every request reads and that
 * changes seldom (API keys, catalogue entries). Concurrent lookups of one key share one query.
 * @throws Error when ttlSeconds is negative
 */
export function keptLookups<Input, Value extends object>(options: KeptLookupsOptions<Input, Value>): KeptLookups<Input, Value> {
  const { keyOf, lookup, ttlSeconds, max = 10_000 } = options;
  if (!(ttlSeconds >= 0)) throw new Error(`ttlSeconds must be 0 or more, got ${ttlSeconds}`);
  if (ttlSeconds === 0) return { get: lookup, forget: () => {} };
  const kept = new LRUCache<string, Value, { input: Input }>({
    max,
    ttl: ttlSeconds * 1000,
    fetchMethod: (_key, _stale, { context }) => lookup(context.input),
  });
  return {
    async get(input) {
      try {
        return await kept.fetch(keyOf(input), { context: { input } });
      } catch (error) {
        // `forget` aborted this lookup (what it read may be outdated): look again, past the cache.
        if (!isForgotten(error)) throw error;
        return lookup(input);
      }
    },
    forget: () => kept.clear(),
  };
}

// lru-cache rejects a fetch that clear() aborted with the reason "deleted".
function isForgotten(error: unknown): boolean {
  return error instanceof Error && error.message === 'deleted';
}
