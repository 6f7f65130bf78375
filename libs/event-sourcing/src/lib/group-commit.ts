/** One caller's item waiting for a batch. */
interface Queued<A, R> {
  item: A;
  resolve: (result: R) => void;
  reject: (err: unknown) => void;
}

export interface GroupCommitOptions<A, R> {
  /** What an item writes (a stream, a key): two items with one key never share a batch. */
  keyOf: (item: A) => string;
  /** How big an item is (a batch stops growing at `maxSize`). */
  sizeOf: (item: A) => number;
  /** Commits several items together, all or nothing; results in order. */
  runBatch: (items: A[]) => Promise<R[]>;
  /** Commits one item by itself. */
  runOne: (item: A) => Promise<R>;
  /** Batches committing at once. */
  maxInFlight: number;
  /** Size of a batch (one item larger than this still goes, alone). */
  maxSize: number;
  schedule?: (fn: () => void) => void;
}

/**
 * Group commit: items (appends, idempotency records) that arrive while earlier batches are
 * committing wait and then go together, in one statement or transaction, instead of one round
 * trip and one commit each. At low load an item goes alone at once (next turn of the event
 * loop), so nothing waits for company.
 *
 * A batch is all or nothing; when it fails (a conflict, a duplicate, a projection that throws),
 * each of its items is retried by itself, so only the guilty one gets the error and nothing is
 * written twice (the failed batch rolled back).
 */
export class GroupCommitter<A, R> {
  private queue: Queued<A, R>[] = [];
  private inFlight = 0;
  private scheduled = false;
  private readonly schedule: (fn: () => void) => void;

  constructor(private readonly options: GroupCommitOptions<A, R>) {
    this.schedule = options.schedule ?? setImmediate;
  }

  /** Items waiting for a batch (for tests and metrics). */
  get waiting(): number {
    return this.queue.length;
  }

  submit(item: A): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.wake();
    });
  }

  private wake(): void {
    if (this.scheduled || this.inFlight >= this.options.maxInFlight) return;
    this.scheduled = true;
    this.schedule(() => {
      this.scheduled = false;
      this.drain();
    });
  }

  private drain(): void {
    while (this.inFlight < this.options.maxInFlight && this.queue.length > 0) {
      const batch = this.take();
      this.inFlight++;
      void this.run(batch).finally(() => {
        this.inFlight--;
        if (this.queue.length > 0) this.wake();
      });
    }
  }

  /** The oldest items that fit in a batch, at most one per key; the rest keep their order. */
  private take(): Queued<A, R>[] {
    const batch: Queued<A, R>[] = [];
    const rest: Queued<A, R>[] = [];
    const keys = new Set<string>();
    let size = 0;
    for (const queued of this.queue) {
      const key = this.options.keyOf(queued.item);
      const itemSize = this.options.sizeOf(queued.item);
      const fits = batch.length === 0 || size + itemSize <= this.options.maxSize;
      // A later item with a key already in the batch waits for the next one, and so does
      // everything behind it with that key, so one key's items keep their order.
      if (fits && !keys.has(key)) {
        batch.push(queued);
        size += itemSize;
      } else {
        rest.push(queued);
      }
      keys.add(key);
    }
    this.queue = rest;
    return batch;
  }

  private async run(batch: Queued<A, R>[]): Promise<void> {
    if (batch.length === 1) {
      await this.runAlone(batch[0]);
      return;
    }
    let results: R[];
    try {
      results = await this.options.runBatch(batch.map((b) => b.item));
    } catch {
      // Who was at fault is not known: each goes again by itself (the batch rolled back).
      await Promise.all(batch.map((queued) => this.runAlone(queued)));
      return;
    }
    batch.forEach((queued, i) => queued.resolve(results[i]));
  }

  private async runAlone(queued: Queued<A, R>): Promise<void> {
    try {
      queued.resolve(await this.options.runOne(queued.item));
    } catch (err) {
      queued.reject(err);
    }
  }
}

export interface BatchedReadOptions<K> {
  /** Reads at once (default 4). */
  maxInFlight?: number;
  /** Size of one read (default 500 keys). */
  maxSize?: number;
  /** How big a key is (default 1), e.g. a lookup that names several rows. */
  sizeOf?: (key: K) => number;
}

/**
 * Reads of concurrent callers as one query: `readMany` answers a list of keys, in order. Built on
 * GroupCommitter, so at low load a read goes alone and at once, under load the reads that arrive
 * while earlier ones run go together, and a read that fails together is retried alone (only the
 * caller whose key broke it gets the error). For read-model lookups on a request's hot path,
 * where the query per request, not the rows, is what costs.
 */
export function batchedReads<K, V>(readMany: (keys: readonly K[]) => Promise<readonly V[]>, options: BatchedReadOptions<K> = {}): (key: K) => Promise<V> {
  let next = 0;
  const batcher = new GroupCommitter<{ id: number; key: K }, V>({
    // Reads never conflict: every one is its own key.
    keyOf: (item) => String(item.id),
    sizeOf: (item) => options.sizeOf?.(item.key) ?? 1,
    runBatch: async (items) => [...(await readMany(items.map((i) => i.key)))],
    runOne: async (item) => (await readMany([item.key]))[0],
    maxInFlight: options.maxInFlight ?? 4,
    maxSize: options.maxSize ?? 500,
  });
  return (key) => batcher.submit({ id: next++, key });
}

/** batchedReads over a query that answers the keys it found as a map: null for a key not found. */
export function batchedLookups<K, V>(findMany: (keys: readonly K[]) => Promise<ReadonlyMap<K, V>>, options: BatchedReadOptions<K> = {}): (key: K) => Promise<V | null> {
  return batchedReads(async (keys: readonly K[]) => {
    const found = await findMany(keys);
    return keys.map((k) => found.get(k) ?? null);
  }, options);
}
