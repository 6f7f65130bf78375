import { GENESIS_HASH } from '@d06/contracts';
import { errorMessage } from './errors';
import { rowToRecorded, UNSEALED_EVENT_COLUMNS, type EventRow } from './event-row';
import type { EventStore } from './event-store';
import { hashEnvelope, type HashInput } from './hash-chain';
import { stderrLogger, type Logger } from './logger';
import { backoffDelay, sleep, WakeSignal } from './signal';
import { isConnectionError, pgPoolOf } from './sql';

/** Advisory-lock namespace of the library (first key of the two-key form). */
export const LOCK_NAMESPACE = 4206;

export interface SealerOptions {
  store: EventStore;
  /** Rows sealed per transaction (default 1000). */
  batchSize?: number;
  /** How often to look for other replicas' commits when nobody pokes (default 200 ms: it bounds their extra propagation delay, and each look is a query). */
  pollIntervalMs?: number;
  /**
   * Least time between two sealing transactions (default 25 ms). A lone commit is sealed at once;
   * under a stream of commits one batch covers them all instead of one fsync'd transaction each.
   */
  minIntervalMs?: number;
  logger?: Logger;
}

export interface SealerStatus {
  running: boolean;
  lastSealedPosition: number;
  sealedTotal: number;
  lastBatchAt: string | null;
  lastError: string | null;
}

interface SealRow extends EventRow {
  pending_id: string;
}

const DIGITS = /^\d+$/;
const HEX64 = /^[0-9a-f]{64}$/;
/** Rows hashed between two yields to the event loop (about 0.5 ms of CPU). */
const YIELD_EVERY = 64;

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Assigns dense positions and the hash chain to committed rows, in one transaction per batch.
 *
 * Why this gives readers trustworthy positions (README "Positions"): a transaction only sees
 * committed rows, so the sealer can never hand a position to a row that might still roll back,
 * nor skip over an uncommitted one and leave a hole: that row simply gets a later position
 * once it commits. Each batch takes the positions right after the current head, and the
 * sealer's transactions commit one after another, so every snapshot sees positions 1..M with
 * no gap and nothing ever appears below a position a reader already passed.
 *
 * Stream order: version k+1 of a stream is appended only after version k committed, so its
 * queue row (taken in the same statement as its insert) has a larger id than k's, and its seq is
 * larger. Batches take queue rows in id order and number their rows in seq order, so k is always
 * sealed in the same batch as k+1 or an earlier one, and before it.
 *
 * Exactly one sealer should run per service (EventPipeline elects it). Should two ever overlap
 * (a leader that lost its lock but has not noticed yet), a transaction-scoped advisory lock
 * serializes their batches, and the loser finds its queue rows gone (row-count check) or its
 * positions taken (primary key) and rolls back instead of sealing twice.
 */
export class Sealer {
  private readonly store: EventStore;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly minIntervalMs: number;
  private readonly logger: Logger;
  private readonly signal = new WakeSignal();
  private readonly sealedListeners = new Set<(position: number) => void>();
  private loop: Promise<void> | undefined;
  private running = false;
  private unsubscribe: (() => void) | undefined;
  private state: SealerStatus = {
    running: false,
    lastSealedPosition: 0,
    sealedTotal: 0,
    lastBatchAt: null,
    lastError: null,
  };

  constructor(options: SealerOptions) {
    this.store = options.store;
    this.batchSize = options.batchSize ?? 1000;
    this.pollIntervalMs = options.pollIntervalMs ?? 200;
    this.minIntervalMs = options.minIntervalMs ?? 25;
    this.logger = options.logger ?? stderrLogger;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.state.running = true;
    this.unsubscribe = this.store.onCommitted(() => this.signal.poke());
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.state.running = false;
    this.unsubscribe?.();
    this.signal.poke();
    await this.loop;
    this.loop = undefined;
  }

  /** Wakes the loop now (a local commit happened). */
  poke(): void {
    this.signal.poke();
  }

  /** Called with the new last position after every sealed batch (the relay's wake-up). */
  onSealed(listener: (position: number) => void): () => void {
    this.sealedListeners.add(listener);
    return () => this.sealedListeners.delete(listener);
  }

  status(): SealerStatus {
    return { ...this.state };
  }

  /** Seals until nothing committed is left unsealed; returns how many rows it sealed. */
  async sealAll(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.sealOnce();
      total += n;
      if (n === 0) return total;
    }
  }

  /**
   * Seals one batch in one transaction; returns its size. The batch is whole `event_pending`
   * rows (one per append statement) in queue order, as many as reach `batchSize` events. Two
   * round trips on one pooled connection: (1) begin, take the sealer's transaction lock, read
   * the queued rows and the head; (2) insert the seals, delete the queue rows with a row-count
   * check, commit. Only integers and hex strings are inlined into the SQL text (checked below),
   * which lets both go as multi-statement simple queries.
   */
  async sealOnce(): Promise<number> {
    const { dataSource, service } = this.store;
    const client = await pgPoolOf(dataSource).connect();
    let broken: Error | undefined;
    // A checked-out pg client reports a dropped connection as an 'error' event; unheard, that
    // event would take the whole process down. The failing query rejects and is handled below.
    const onError = (err: Error) => {
      broken = err;
    };
    client.on('error', onError);
    try {
      const [, , selected, headResult] = (await client.query(
        `BEGIN;
         SELECT pg_advisory_xact_lock(${LOCK_NAMESPACE}, hashtext('sealer'));
         WITH p AS MATERIALIZED (
           SELECT id, seqs FROM (
             SELECT id, seqs, sum(cardinality(seqs)) OVER (ORDER BY id) - cardinality(seqs) AS before
               FROM event_pending ORDER BY id LIMIT ${this.batchSize}
           ) q WHERE before < ${this.batchSize}
         )
         SELECT ${UNSEALED_EVENT_COLUMNS}, p.id AS pending_id
           FROM p CROSS JOIN LATERAL unnest(p.seqs) AS u(seq_ref)
           JOIN event_log ON event_log.seq = u.seq_ref
          ORDER BY event_log.seq;
         SELECT position, hash FROM event_seals ORDER BY position DESC LIMIT 1`,
      )) as [unknown, unknown, { rows: SealRow[] }, { rows: { position: string; hash: string }[] }];
      const rows = selected.rows;
      if (rows.length === 0) {
        await client.query('ROLLBACK');
        return 0;
      }
      const head = headResult.rows[0];
      let position = head ? Number(head.position) : 0;
      let prevHash = head ? head.hash : GENESIS_HASH;
      // The head's hash comes from the database and is inlined below; the new ones are digests.
      if (!HEX64.test(prevHash)) throw new Error('refusing to inline a head hash that is not a hex hash');
      const seqs: string[] = [];
      const positions: number[] = [];
      const prevHashes: string[] = [];
      const hashes: string[] = [];
      const pendingIds = new Set<string>();
      for (const [i, row] of rows.entries()) {
        // Hashing a large batch is milliseconds of CPU: let the appends sharing this event loop
        // send their next statements meanwhile instead of leaving Postgres idle.
        if (i > 0 && i % YIELD_EVERY === 0) await yieldToEventLoop();
        position += 1;
        const recorded = rowToRecorded(row, service);
        recorded.position = position;
        recorded.prevHash = prevHash;
        const hash = hashEnvelope(recorded as HashInput);
        seqs.push(row.seq);
        positions.push(position);
        prevHashes.push(prevHash);
        hashes.push(hash);
        pendingIds.add(row.pending_id);
        prevHash = hash;
      }
      const ids = [...pendingIds];
      if (![...seqs, ...ids].every((q) => DIGITS.test(q))) throw new Error('refusing to inline a value that is not an integer');
      const n = rows.length;
      try {
        // A second sealer that overlapped us (see the class comment) finds the queue rows gone
        // (count check) or the positions taken (primary key), and rolls back.
        await client.query(
          `WITH sealed AS (
             INSERT INTO event_seals (position, seq, prev_hash, hash)
             SELECT * FROM unnest('{${positions.join(',')}}'::bigint[], '{${seqs.join(',')}}'::bigint[],
                                  '{${prevHashes.join(',')}}'::text[], '{${hashes.join(',')}}'::text[])
             RETURNING 1
           ), dequeued AS (
             DELETE FROM event_pending WHERE id IN (${ids.join(',')}) RETURNING 1
           )
           SELECT CASE WHEN (SELECT count(*) FROM dequeued) = ${ids.length} AND (SELECT count(*) FROM sealed) = ${n} THEN ${n}
                       ELSE ('sealer conflict: ' || (SELECT count(*) FROM dequeued) || ' of ${ids.length} queue rows were still there')::bigint END AS sealed;
           COMMIT`,
        );
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
      this.afterBatch(n, position);
      return n;
    } catch (err) {
      broken = err instanceof Error ? err : new Error(String(err));
      // A failed first round trip may leave the transaction open: make sure it is not reused so.
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.off('error', onError);
      client.release(broken && isConnectionError(broken) ? broken : undefined);
    }
  }

  private afterBatch(count: number, last: number): void {
    this.state.lastSealedPosition = last;
    this.state.sealedTotal += count;
    this.state.lastBatchAt = new Date().toISOString();
    this.state.lastError = null;
    for (const listener of this.sealedListeners) {
      try {
        listener(last);
      } catch (err) {
        this.logger.error('sealed listener failed', { error: errorMessage(err) });
      }
    }
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      try {
        const started = Date.now();
        const n = await this.sealOnce();
        failures = 0;
        if (n >= this.batchSize) continue;
        await this.signal.wait(this.pollIntervalMs);
        const since = Date.now() - started;
        if (n > 0 && since < this.minIntervalMs) await sleep(this.minIntervalMs - since);
      } catch (err) {
        failures += 1;
        this.state.lastError = errorMessage(err);
        this.logger.error('sealer batch failed; retrying', { error: this.state.lastError, failures });
        // The signal, not a plain sleep, so that stop() ends the back-off at once.
        await this.signal.wait(backoffDelay(failures, 100, 2, 5000));
      }
    }
  }
}
