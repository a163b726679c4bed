import { WriteBatcher } from '../../runtime/write-batcher';

/** A write that records each batch and finishes only when the test releases it. */
function gatedWrite() {
  const batches: number[][] = [];
  const gates: Array<(error?: Error) => void> = [];
  const write = (items: number[]) =>
    new Promise<void>((resolve, reject) => {
      batches.push(items);
      gates.push((error) => (error ? reject(error) : resolve()));
    });
  const release = async (error?: Error) => {
    gates.shift()!(error);
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { batches, write, release };
}

it('writes the first item at once and the items that arrive meanwhile in one batch', async () => {
  const gated = gatedWrite();
  const batcher = new WriteBatcher(gated.write);
  const settled: number[] = [];
  const adds = [1, 2, 3, 4].map((item) => batcher.add(item).then(() => settled.push(item)));
  expect(gated.batches).toEqual([[1]]);
  await gated.release();
  expect(settled).toEqual([1]);
  expect(gated.batches).toEqual([[1], [2, 3, 4]]);
  await gated.release();
  await Promise.all(adds);
  expect(settled).toEqual([1, 2, 3, 4]);
});

it('splits a backlog into batches of at most maxBatch', async () => {
  const gated = gatedWrite();
  const batcher = new WriteBatcher(gated.write, 2);
  const adds = [1, 2, 3, 4, 5].map((item) => batcher.add(item));
  await gated.release();
  await gated.release();
  await gated.release();
  await Promise.all(adds);
  expect(gated.batches).toEqual([[1], [2, 3], [4, 5]]);
});

it('rejects every caller of a failed batch, and writes the next batch all the same', async () => {
  const gated = gatedWrite();
  const batcher = new WriteBatcher(gated.write);
  const first = batcher.add(1);
  const second = batcher.add(2);
  const third = batcher.add(3);
  await gated.release();
  await gated.release(new Error('database unreachable'));
  await expect(first).resolves.toBeUndefined();
  await expect(second).rejects.toThrow('database unreachable');
  await expect(third).rejects.toThrow('database unreachable');
  const fourth = batcher.add(4);
  expect(gated.batches.at(-1)).toEqual([4]);
  await gated.release();
  await expect(fourth).resolves.toBeUndefined();
});

it('refuses a batch size below one, saying what it got', () => {
  expect(() => new WriteBatcher(async () => undefined, 0)).toThrow('maxBatch must be at least 1, got 0');
});
