/**
 * Group commit for small writes that many requests make at once (audit entries, started marks).
 *
 * At most one write is in flight: the first item is written at once, and the items that arrive
 * while it runs are written together by the next one. Each caller still waits for its own item,
 * so nothing is acknowledged before it is stored; under load the database sees one statement per
 * batch instead of one per request.
 */
export class WriteBatcher<T> {
  private pending: { item: T; settle: (error?: unknown) => void }[] = [];
  private writing = false;

  /**
   * @param write stores a batch in one statement. A failed batch is reported to every caller in it;
   *   a caller that tries again needs a write that tolerates the repeat (the started marks do; the
   *   audit entries are logged and not retried).
   * @param maxBatch the most items one statement carries.
   */
  constructor(
    private readonly write: (items: T[]) => Promise<unknown>,
    private readonly maxBatch = 500,
  ) {
    if (!(maxBatch >= 1)) throw new Error(`maxBatch must be at least 1, got ${maxBatch}`);
  }

  /** Queues `item`; resolves once the batch that carries it is stored, rejects if that write failed. */
  add(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ item, settle: (error) => (error === undefined ? resolve() : reject(error)) });
      this.drain();
    });
  }

  private drain(): void {
    if (this.writing || this.pending.length === 0) return;
    this.writing = true;
    const batch = this.pending.splice(0, this.maxBatch);
    this.write(batch.map((entry) => entry.item))
      .then(
        () => batch.forEach((entry) => entry.settle()),
        (error: unknown) => batch.forEach((entry) => entry.settle(error ?? new Error('batch write failed'))),
      )
      .finally(() => {
        this.writing = false;
        this.drain();
      });
  }
}
