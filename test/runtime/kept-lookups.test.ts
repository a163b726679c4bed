import { keptLookups } from '../../runtime/kept-lookups';

/** A lookup that counts its calls and answers from `values` as they were when it was called, a moment later. */
function countedLookup(values: Record<string, { name: string } | undefined>) {
  const calls: string[] = [];
  const lookup = async (key: string) => {
    calls.push(key);
    const read = values[key];
    await new Promise((resolve) => setImmediate(resolve));
    if (key === 'broken') throw new Error('database unreachable');
    return read;
  };
  return { calls, lookup };
}

it('looks a key up once while its answer is kept, and shares one lookup among concurrent callers', async () => {
  const { calls, lookup } = countedLookup({ a: { name: 'A' } });
  const kept = keptLookups({ keyOf: (key: string) => key, lookup, ttlSeconds: 60 });
  expect(await Promise.all([kept.get('a'), kept.get('a'), kept.get('a')])).toEqual([{ name: 'A' }, { name: 'A' }, { name: 'A' }]);
  expect(await kept.get('a')).toEqual({ name: 'A' });
  expect(calls).toEqual(['a']);
});

it('keeps neither an undefined answer nor an error', async () => {
  const { calls, lookup } = countedLookup({});
  const kept = keptLookups({ keyOf: (key: string) => key, lookup, ttlSeconds: 60 });
  expect(await kept.get('missing')).toBeUndefined();
  expect(await kept.get('missing')).toBeUndefined();
  await expect(kept.get('broken')).rejects.toThrow('database unreachable');
  await expect(kept.get('broken')).rejects.toThrow('database unreachable');
  expect(calls).toEqual(['missing', 'missing', 'broken', 'broken']);
});

it('looks again once the time to keep has passed', async () => {
  const { calls, lookup } = countedLookup({ a: { name: 'A' } });
  const kept = keptLookups({ keyOf: (key: string) => key, lookup, ttlSeconds: 0.05 });
  await kept.get('a');
  await new Promise((resolve) => setTimeout(resolve, 80));
  await kept.get('a');
  expect(calls).toEqual(['a', 'a']);
});

it('forgets every answer on forget, and a lookup under way then looks again instead of answering what it read', async () => {
  const values: Record<string, { name: string } | undefined> = { a: { name: 'before' } };
  const { calls, lookup } = countedLookup(values);
  const kept = keptLookups({ keyOf: (key: string) => key, lookup, ttlSeconds: 60 });
  await kept.get('a');
  kept.forget();
  values.a = { name: 'after' };
  expect(await kept.get('a')).toEqual({ name: 'after' });

  kept.forget();
  const underWay = kept.get('a');
  values.a = { name: 'changed meanwhile' };
  kept.forget();
  expect(await underWay).toEqual({ name: 'changed meanwhile' });
  expect(await kept.get('a')).toEqual({ name: 'changed meanwhile' });
  // The first, the one after forget, the one under way, its second look (not kept), the last.
  expect(calls).toEqual(['a', 'a', 'a', 'a', 'a']);
});

it('keeps nothing when the time to keep is 0', async () => {
  const { calls, lookup } = countedLookup({ a: { name: 'A' } });
  const kept = keptLookups({ keyOf: (key: string) => key, lookup, ttlSeconds: 0 });
  await kept.get('a');
  await kept.get('a');
  expect(calls).toEqual(['a', 'a']);
  expect(() => keptLookups({ keyOf: (key: string) => key, lookup, ttlSeconds: -1 })).toThrow('ttlSeconds must be 0 or more, got -1');
});
