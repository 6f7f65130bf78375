/** One caller's append waiting for a batch. */
export interface QueuedAppend<A, R> {
  append: A;
  resolve: (result: R) => void;
  reject: (err: unknown) => void;
}

export interface AppendCoalescerOptions<A, R> {
  /** Which stream an append writes: two appends to one stream never share a batch. */
  streamOf: (append: A) => string;
  /** How many events an append carries (a batch stops growing at `maxEvents`). */
  sizeOf: (append: A) => number;
  /** Commits several appends together, all or nothing; results in order. */
  runBatch: (appends: A[]) => Promise<R[]>;
  /** Commits one append by itself. */
  runOne: (append: A) => Promise<R>;
  /** Batches committing at once. */
  maxInFlight: number;
  /** Events per batch (one append larger than this still goes, alone). */
  maxEvents: number;
  schedule?: (fn: () => void) => void;
}

/**
 * Group commit for appends. Each request used to be a transaction of its own (BEGIN, insert,
 * projections, COMMIT and its WAL flush), and concurrent requests of one ward queued on the row
 * lock of its counter until the previous one had committed. Appends that arrive while earlier
 * batches are committing wait and then go together: one transaction, one INSERT, one set-based
 * projection statement per batch. At low load an append goes alone at once (next turn of the
 * event loop), so nothing waits for company.
 *
 * A batch is all or nothing; when it fails (a version conflict, a duplicate, a projection that
 * throws), each of its appends is retried by itself, so only the guilty one gets the error and
 * nobody's events are written twice (the failed batch rolled back).
 */
export class AppendCoalescer<A, R> {
  private queue: QueuedAppend<A, R>[] = [];
  private inFlight = 0;
  private scheduled = false;
  private readonly schedule: (fn: () => void) => void;

  constructor(private readonly options: AppendCoalescerOptions<A, R>) {
    this.schedule = options.schedule ?? setImmediate;
  }

  /** Appends waiting for a batch (for tests and metrics). */
  get waiting(): number {
    return this.queue.length;
  }

  submit(append: A): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ append, resolve, reject });
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

  /** The oldest appends that fit in a batch, at most one per stream; the rest keep their order. */
  private take(): QueuedAppend<A, R>[] {
    const batch: QueuedAppend<A, R>[] = [];
    const rest: QueuedAppend<A, R>[] = [];
    const streams = new Set<string>();
    let events = 0;
    for (const item of this.queue) {
      const stream = this.options.streamOf(item.append);
      const size = this.options.sizeOf(item.append);
      const fits = batch.length === 0 || events + size <= this.options.maxEvents;
      // A later append to a stream already in the batch waits for the next one, and so does
      // everything behind it for that stream, so one stream's appends keep their order.
      if (fits && !streams.has(stream)) {
        batch.push(item);
        events += size;
      } else {
        rest.push(item);
      }
      streams.add(stream);
    }
    this.queue = rest;
    return batch;
  }

  private async run(batch: QueuedAppend<A, R>[]): Promise<void> {
    if (batch.length === 1) {
      await this.runAlone(batch[0]);
      return;
    }
    let results: R[];
    try {
      results = await this.options.runBatch(batch.map((b) => b.append));
    } catch {
      // Who was at fault is not known: each goes again by itself (the batch rolled back).
      await Promise.all(batch.map((item) => this.runAlone(item)));
      return;
    }
    batch.forEach((item, i) => item.resolve(results[i]));
  }

  private async runAlone(item: QueuedAppend<A, R>): Promise<void> {
    try {
      item.resolve(await this.options.runOne(item.append));
    } catch (err) {
      item.reject(err);
    }
  }
}
