import { GENESIS_HASH } from '@d06/contracts';
import { errorMessage } from './errors';
import { EVENT_COLUMNS, rowToRecorded, type EventRow } from './event-row';
import type { EventStore } from './event-store';
import { hashEnvelope } from './hash-chain';
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
   * Least time between two sealing transactions (default 10 ms). A lone commit is sealed at once;
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
  seq: string;
}

const DIGITS = /^\d+$/;
const HEX64 = /^[0-9a-f]{64}$/;

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
 * Exactly one sealer should run per service (EventPipeline elects it). Should two ever overlap
 * (a leader that lost its lock but has not noticed yet), a transaction-scoped advisory lock
 * serializes their batches and the `position IS NULL` guard plus the row-count check make the
 * loser roll back instead of overwriting.
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
    this.minIntervalMs = options.minIntervalMs ?? 10;
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
      if (n < this.batchSize) return total;
    }
  }

  /**
   * Seals one batch (at most `batchSize` rows) in one transaction; returns its size. Two round
   * trips on one pooled connection: (1) begin, take the sealer's transaction lock, read the
   * unsealed rows and the head; (2) write positions and hashes with a row-count check, commit.
   * Only integers and hex strings are inlined into the SQL text (checked below), which lets both
   * go as multi-statement simple queries.
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
         SELECT ${EVENT_COLUMNS} FROM events WHERE position IS NULL ORDER BY seq LIMIT ${this.batchSize};
         SELECT position, hash FROM events WHERE position IS NOT NULL ORDER BY position DESC LIMIT 1`,
      )) as [unknown, unknown, { rows: SealRow[] }, { rows: { position: string; hash: string }[] }];
      const rows = selected.rows;
      if (rows.length === 0) {
        await client.query('ROLLBACK');
        return 0;
      }
      const head = headResult.rows[0];
      let position = head ? Number(head.position) : 0;
      let prevHash = head ? head.hash : GENESIS_HASH;
      const seqs: string[] = [];
      const positions: number[] = [];
      const prevHashes: string[] = [];
      const hashes: string[] = [];
      for (const row of rows) {
        position += 1;
        const hash = hashEnvelope({ ...rowToRecorded(row, service), position, prevHash });
        seqs.push(row.seq);
        positions.push(position);
        prevHashes.push(prevHash);
        hashes.push(hash);
        prevHash = hash;
      }
      if (!seqs.every((q) => DIGITS.test(q)) || ![...prevHashes, ...hashes].every((h) => HEX64.test(h))) {
        throw new Error('refusing to inline a value that is not an integer or a hex hash');
      }
      const n = rows.length;
      try {
        await client.query(
          `WITH v(seq, position, prev_hash, hash) AS (
             SELECT * FROM unnest('{${seqs.join(',')}}'::bigint[], '{${positions.join(',')}}'::bigint[],
                                  '{${prevHashes.join(',')}}'::text[], '{${hashes.join(',')}}'::text[])
           ), u AS (
             UPDATE events e SET position = v.position, prev_hash = v.prev_hash, hash = v.hash
               FROM v WHERE e.seq = v.seq AND e.position IS NULL RETURNING 1
           )
           SELECT CASE WHEN count(*) = ${n} THEN count(*)
                       ELSE ('sealer conflict: ' || count(*) || ' of ${n} rows were still unsealed')::bigint END AS sealed
             FROM u;
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
        if (n === this.batchSize) continue;
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
