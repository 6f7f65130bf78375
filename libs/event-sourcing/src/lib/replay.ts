import type { DataSource, QueryRunner } from 'typeorm';
import { errorMessage, ReplayError } from './errors';
import { rowToEnvelope, sealedEventsSql, type EventRow } from './event-row';
import type { EventStore } from './event-store';
import { stderrLogger, type Logger } from './logger';
import { STORE_TABLES, type Projection } from './projection';
import type { RecordedEvent } from './recorded-event';
import { LOCK_NAMESPACE, Sealer } from './sealer';
import { sleep } from './signal';
import { ident, pgError, queryOne, queryRows, type SqlTarget } from './sql';

export interface ReplayProgress {
  done: number;
  total: number;
  eventsPerSecond: number;
}

export interface ReplayOptions {
  onProgress?: (progress: ReplayProgress) => void;
  /** Build the state as of this position into a separate schema (no swap). */
  toPosition?: number;
  /** Build the state as of this time (events that occurred at or before it) into a separate schema. */
  at?: Date;
  /** Schema for a point-in-time build (default `pit_<projection>_<position or time>`). */
  schema?: string;
  /** Events per transaction (default 5000). */
  batchSize?: number;
  /** Schema of the live read model and the event store (default 'public'). */
  liveSchema?: string;
  /** Refuse the swap unless the rebuilt tables equal the live ones (default false: report only). */
  requireMatch?: boolean;
  /** Continue an interrupted full replay from its checkpoint (default true). */
  resume?: boolean;
  /** How long the final phase may wait for committed events to be sealed (default 30 s). */
  sealTimeoutMs?: number;
  logger?: Logger;
}

export interface TableChecksum {
  table: string;
  rows: number;
  checksum: string;
}

export interface ReplayResult {
  projection: string;
  mode: 'swap' | 'point-in-time';
  /** Point-in-time: where the state was built. Swap: the shadow schema used (dropped after the swap). */
  schema: string;
  /** Events applied by this run. */
  events: number;
  /** Last position applied. */
  position: number;
  /** Rows in the rebuilt tables. */
  rows: number;
  tables: TableChecksum[];
  /** Checksum of the live tables just before the swap (null for point-in-time builds). */
  checksumBefore: string | null;
  /** Checksum of the rebuilt tables. */
  checksumAfter: string;
  swapped: boolean;
  /** Where the replaced tables were kept when they could not be dropped (serial sequences). */
  retiredSchema: string | null;
  durationMs: number;
}


interface Window {
  after: number;
  upTo: number;
  at: string | null;
}

class Progress {
  private readonly started = Date.now();
  done = 0;
  constructor(
    public total: number,
    private readonly callback: ((p: ReplayProgress) => void) | undefined,
  ) {}
  add(n: number): void {
    this.done += n;
    const seconds = (Date.now() - this.started) / 1000;
    this.total = Math.max(this.total, this.done);
    this.callback?.({ done: this.done, total: this.total, eventsPerSecond: seconds > 0 ? this.done / seconds : 0 });
  }
}

function schemaName(raw: string): string {
  return raw.toLowerCase().replace(/[^a-z0-9_]/g, '_').slice(0, 63);
}

interface Batch {
  /** The projection's events among the batch's positions. */
  events: RecordedEvent[];
  /** The last position read (of any type); null when there was nothing after `window.after`. */
  last: number | null;
}

/**
 * The next `limit` positions after `window.after` (positions are dense), keeping the
 * projection's events. A fixed range of positions, not "matching events ... LIMIT n": right
 * after a bulk load, before autovacuum has analyzed `event_seals`, Postgres took the open range
 * for a few rows and sorted the whole rest of the log for every batch.
 */
async function readBatch(
  target: SqlTarget,
  store: EventStore,
  projection: Projection,
  window: Window,
  limit: number,
): Promise<Batch> {
  const rows = await queryRows<EventRow & { wanted: boolean }>(
    target,
    sealedEventsSql(
      's.position > $1 AND s.position <= $2',
      'ORDER BY s.position',
      `, l.type = ANY($3::text[]) AND ($4::timestamptz IS NULL OR l.occurred_at <= $4::timestamptz) AS wanted`,
    ),
    [window.after, Math.min(window.upTo, window.after + limit), projection.eventTypes, window.at],
  );
  if (rows.length === 0) return { events: [], last: null };
  const events = rows.filter((r) => r.wanted).map((r) => store.upcasters.upcast(rowToEnvelope(r, store.service)));
  return { events, last: Number(rows[rows.length - 1].position) };
}

async function countEvents(target: SqlTarget, projection: Projection, window: Window): Promise<number> {
  const row = await queryOne<{ n: string }>(
    target,
    `SELECT count(*) AS n FROM event_seals s JOIN event_log l ON l.seq = s.seq
      WHERE s.position > $1 AND s.position <= $2 AND l.type = ANY($3::text[])
        AND ($4::timestamptz IS NULL OR l.occurred_at <= $4::timestamptz)`,
    [window.after, window.upTo, projection.eventTypes, window.at],
  );
  return Number(row?.n ?? 0);
}

async function headPosition(target: SqlTarget): Promise<number> {
  const row = await queryOne<{ p: string | null }>(target, 'SELECT max(position) AS p FROM event_seals');
  return Number(row?.p ?? 0);
}

/**
 * Order-independent checksum of a table: md5 over the sorted md5s of its rows' text. Two tables
 * with the same rows (whatever their physical order) give the same value.
 */
export async function tableChecksum(target: SqlTarget, schema: string, table: string): Promise<TableChecksum> {
  const row = await queryOne<{ rows: string; checksum: string }>(
    target,
    `SELECT count(*) AS rows, md5(coalesce(string_agg(h, '' ORDER BY h), '')) AS checksum
       FROM (SELECT md5(t::text) AS h FROM ${ident(schema)}.${ident(table)} t) x`,
  );
  return { table, rows: Number(row?.rows ?? 0), checksum: row?.checksum ?? '' };
}

/** Checksum of a projection's tables in `schema`, as replay reports it (checksumBefore/After). */
export async function projectionChecksum(
  target: SqlTarget,
  schema: string,
  tables: readonly string[],
): Promise<{ checksum: string; rows: number; tables: TableChecksum[] }> {
  const parts: TableChecksum[] = [];
  for (const table of tables) parts.push(await tableChecksum(target, schema, table));
  const joined = parts.map((p) => `${p.table}:${p.rows}:${p.checksum}`).join('|');
  const row = await queryOne<{ c: string }>(target, 'SELECT md5($1) AS c', [joined]);
  return { checksum: row?.c ?? '', rows: parts.reduce((n, p) => n + p.rows, 0), tables: parts };
}

/**
 * Applies events in batches, one transaction each, writing into `schema` through search_path
 * and checkpointing in the same transaction. The next batch is read on another connection
 * while the current one is applied.
 */
async function applyRange(
  ds: DataSource,
  store: EventStore,
  projection: Projection,
  runner: QueryRunner,
  schema: string,
  live: string,
  window: Window,
  batchSize: number,
  progress: Progress,
  checkpointName: string | null,
): Promise<number> {
  let after = window.after;
  let next = readBatch(ds, store, projection, { ...window, after }, batchSize);
  for (;;) {
    const { events, last } = await next;
    if (last === null) return after;
    next = readBatch(ds, store, projection, { ...window, after: last }, batchSize);
    // Keep the prefetch from becoming an unhandled rejection if this batch fails first.
    next.catch(() => undefined);
    await runner.startTransaction();
    try {
      // No fsync per batch: a crash loses at most the last batches AND their checkpoint together
      // (same transaction), and the replay resumes from the checkpoint that survived. The final
      // swap transaction commits synchronously.
      await runner.query(
        `SET LOCAL search_path TO ${ident(schema)}, ${ident(live)}; SET LOCAL synchronous_commit TO off`,
      );
      if (events.length > 0) await projection.apply(events, runner.manager);
      if (checkpointName) await saveCheckpoint(runner, checkpointName, last, { schema });
      await runner.commitTransaction();
    } catch (err) {
      await runner.rollbackTransaction();
      throw err;
    }
    after = last;
    progress.add(events.length);
  }
}

async function saveCheckpoint(target: SqlTarget, name: string, position: number, detail: Record<string, unknown>): Promise<void> {
  await queryRows(
    target,
    `INSERT INTO projection_checkpoints (name, position, detail) VALUES ($1, $2, $3::jsonb)
     ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position, detail = EXCLUDED.detail, updated_at = now()`,
    [name, position, JSON.stringify(detail)],
  );
}

async function schemaHasTables(target: SqlTarget, schema: string, tables: readonly string[]): Promise<boolean> {
  const row = await queryOne<{ n: string }>(
    target,
    `SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = $1 AND table_name = ANY($2::text[])`,
    [schema, tables],
  );
  return Number(row?.n ?? 0) === tables.length;
}

async function createShadow(runner: QueryRunner, schema: string, live: string, tables: readonly string[]): Promise<void> {
  // The target is dropped and recreated: never let that be a schema that holds real data.
  if (schema === live || schema === 'public' || schema.startsWith('pg_') || schema === 'information_schema') {
    throw new ReplayError(`refusing to rebuild into schema ${schema}`);
  }
  await runner.query(`DROP SCHEMA IF EXISTS ${ident(schema)} CASCADE`);
  await runner.query(`CREATE SCHEMA ${ident(schema)}`);
  for (const table of tables) {
    await runner.query(`CREATE TABLE ${ident(schema)}.${ident(table)} (LIKE ${ident(live)}.${ident(table)} INCLUDING ALL)`);
  }
}

/**
 * Rebuilds a projection from the event store while the service keeps writing.
 *
 * Full replay: shadow tables `LIKE` the live ones in schema `replay_<name>`, filled by the very
 * handlers that run inline (search_path points at the shadow), batch by batch with a checkpoint.
 * When it is close to the head it takes EXCLUSIVE locks on the live tables (reads go on, inline
 * writers wait), waits until every event committed so far is sealed (sealing itself if no
 * sealer runs), applies the rest, computes row count and checksum of both sides, and swaps the
 * shadow tables in by `ALTER TABLE ... SET SCHEMA` in the same transaction. Writers that were
 * waiting resolve the table name again once the lock is gone and write into the new tables.
 *
 * `toPosition` / `at`: the state as of that point, built into a schema of its own and left there.
 */
export async function replayProjection(
  dataSource: DataSource,
  store: EventStore,
  projection: Projection,
  options: ReplayOptions = {},
): Promise<ReplayResult> {
  const started = Date.now();
  const live = options.liveSchema ?? 'public';
  const batchSize = options.batchSize ?? 5000;
  const logger = options.logger ?? stderrLogger;
  for (const table of projection.tables) {
    if (STORE_TABLES.includes(table)) throw new ReplayError(`projection ${projection.name} may not own store table ${table}`);
  }
  const pointInTime = options.toPosition !== undefined || options.at !== undefined;
  const lockRunner = dataSource.createQueryRunner();
  await lockRunner.connect();
  try {
    const lockName = `replay:${projection.name}`;
    const locked = await queryOne<{ ok: boolean }>(lockRunner, 'SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok', [
      LOCK_NAMESPACE,
      lockName,
    ]);
    if (!locked?.ok) throw new ReplayError(`another replay of ${projection.name} is running`);
    try {
      return pointInTime
        ? await replayPointInTime(dataSource, store, projection, options, live, batchSize, started)
        : await replayAndSwap(dataSource, store, projection, options, live, batchSize, started, logger);
    } finally {
      await lockRunner.query('SELECT pg_advisory_unlock($1, hashtext($2))', [LOCK_NAMESPACE, lockName]);
    }
  } finally {
    await lockRunner.release();
  }
}

async function replayPointInTime(
  ds: DataSource,
  store: EventStore,
  projection: Projection,
  options: ReplayOptions,
  live: string,
  batchSize: number,
  started: number,
): Promise<ReplayResult> {
  const upTo = options.toPosition ?? (await headPosition(ds));
  const at = options.at ? options.at.toISOString() : null;
  const suffix = options.toPosition !== undefined ? String(options.toPosition) : at ? at.replace(/[^0-9]/g, '').slice(0, 14) : '';
  const schema = schemaName(options.schema ?? `pit_${projection.name}_${suffix}`);
  const window: Window = { after: 0, upTo, at };
  const runner = ds.createQueryRunner();
  await runner.connect();
  try {
    await createShadow(runner, schema, live, projection.tables);
    const progress = new Progress(await countEvents(ds, projection, window), options.onProgress);
    const position = await applyRange(ds, store, projection, runner, schema, live, window, batchSize, progress, null);
    const after = await projectionChecksum(runner, schema, projection.tables);
    return {
      projection: projection.name,
      mode: 'point-in-time',
      schema,
      events: progress.done,
      position,
      rows: after.rows,
      tables: after.tables,
      checksumBefore: null,
      checksumAfter: after.checksum,
      swapped: false,
      retiredSchema: null,
      durationMs: Date.now() - started,
    };
  } finally {
    await runner.release();
  }
}

async function replayAndSwap(
  ds: DataSource,
  store: EventStore,
  projection: Projection,
  options: ReplayOptions,
  live: string,
  batchSize: number,
  started: number,
  logger: Logger,
): Promise<ReplayResult> {
  const shadow = schemaName(`replay_${projection.name}`);
  const checkpointName = `replay:${projection.name}`;
  const runner = ds.createQueryRunner();
  await runner.connect();
  try {
    let from = 0;
    const saved = await queryOne<{ position: string; detail: { schema?: string } | null }>(
      runner,
      'SELECT position, detail FROM projection_checkpoints WHERE name = $1',
      [checkpointName],
    );
    if (
      (options.resume ?? true) &&
      saved?.detail?.schema === shadow &&
      (await schemaHasTables(runner, shadow, projection.tables))
    ) {
      from = Number(saved.position);
      logger.info('resuming replay from its checkpoint', { projection: projection.name, position: from });
    } else {
      await createShadow(runner, shadow, live, projection.tables);
      await saveCheckpoint(runner, checkpointName, 0, { schema: shadow });
    }

    // Bulk phase, unlocked: chase the head until what is left fits in one batch.
    let head = await headPosition(ds);
    const progress = new Progress(await countEvents(ds, projection, { after: from, upTo: head, at: null }), options.onProgress);
    for (;;) {
      from = await applyRange(ds, store, projection, runner, shadow, live, { after: from, upTo: head, at: null }, batchSize, progress, checkpointName);
      from = Math.max(from, head);
      const newHead = await headPosition(ds);
      if (newHead - from <= batchSize) break;
      progress.total += await countEvents(ds, projection, { after: head, upTo: newHead, at: null });
      head = newHead;
    }

    // Final phase, under the lock, in one transaction; retried if a deadlock picks us as victim.
    const sealer = new Sealer({ store, logger });
    for (let attempt = 1; ; attempt++) {
      try {
        return await finalPhase(ds, store, projection, options, runner, sealer, shadow, live, from, batchSize, progress, checkpointName, started);
      } catch (err) {
        if (pgError(err).code !== '40P01' || attempt >= 3) throw err;
        logger.warn('replay swap deadlocked; retrying', { projection: projection.name, attempt, error: errorMessage(err) });
      }
    }
  } finally {
    await runner.release();
  }
}

async function finalPhase(
  ds: DataSource,
  store: EventStore,
  projection: Projection,
  options: ReplayOptions,
  runner: QueryRunner,
  sealer: Sealer,
  shadow: string,
  live: string,
  from: number,
  batchSize: number,
  progress: Progress,
  checkpointName: string,
  started: number,
): Promise<ReplayResult> {
  const tables = projection.tables.map((t) => `${ident(live)}.${ident(t)}`).join(', ');
  await runner.startTransaction();
  try {
    if (projection.tables.length > 0) await runner.query(`LOCK TABLE ${tables} IN EXCLUSIVE MODE`);
    // Every event whose transaction could have written the live tables has committed by now
    // (we waited for their locks) or waits for us (not committed, so not in the live tables).
    // The ones that committed must be sealed before we can replay them: wait for it.
    const seqRow = await queryOne<{ s: string | null }>(
      runner,
      `SELECT pg_sequence_last_value(pg_get_serial_sequence($1, 'seq')::regclass) AS s`,
      [`${ident(live)}.event_log`],
    );
    const seqBound = Number(seqRow?.s ?? 0);
    const deadline = Date.now() + (options.sealTimeoutMs ?? 30_000);
    for (;;) {
      const pending = await queryOne<{ n: string }>(
        ds,
        'SELECT count(*) AS n FROM event_pending WHERE (SELECT min(s) FROM unnest(seqs) AS s) <= $1',
        [seqBound],
      );
      if (Number(pending?.n ?? 0) === 0) break;
      if (Date.now() > deadline) throw new ReplayError('committed events stayed unsealed: is the sealer stalled?');
      // Seal ourselves: safe next to a running sealer (their batches serialize on a lock).
      await sealer.sealAll().catch(() => sleep(20));
    }
    await runner.query(`SET LOCAL search_path TO ${ident(shadow)}, ${ident(live)}`);
    let after = from;
    for (;;) {
      const { events, last } = await readBatch(runner, store, projection, { after, upTo: Number.MAX_SAFE_INTEGER, at: null }, batchSize);
      if (last === null) break;
      if (events.length > 0) await projection.apply(events, runner.manager);
      after = last;
      progress.add(events.length);
    }
    const position = Math.max(after, await headPosition(runner));
    const before = await projectionChecksum(runner, live, projection.tables);
    const rebuilt = await projectionChecksum(runner, shadow, projection.tables);
    if (options.requireMatch && before.checksum !== rebuilt.checksum) {
      throw new ReplayError(
        `rebuilt ${projection.name} differs from the live tables (${rebuilt.rows} vs ${before.rows} rows); not swapped`,
      );
    }
    const retired = schemaName(`${shadow}_old_${Date.now()}`);
    await runner.query(`CREATE SCHEMA ${ident(retired)}`);
    for (const table of projection.tables) {
      await runner.query(`ALTER TABLE ${ident(live)}.${ident(table)} SET SCHEMA ${ident(retired)}`);
      await runner.query(`ALTER TABLE ${ident(shadow)}.${ident(table)} SET SCHEMA ${ident(live)}`);
    }
    // The old tables go, unless something still depends on them (a serial column's sequence,
    // shared through LIKE's copied default): then they stay in the retired schema.
    let retiredKept = false;
    for (const table of projection.tables) {
      await runner.query('SAVEPOINT drop_retired');
      try {
        await runner.query(`DROP TABLE ${ident(retired)}.${ident(table)}`);
        await runner.query('RELEASE SAVEPOINT drop_retired');
      } catch {
        await runner.query('ROLLBACK TO SAVEPOINT drop_retired');
        retiredKept = true;
      }
    }
    if (!retiredKept) await runner.query(`DROP SCHEMA ${ident(retired)}`);
    await runner.query(`DROP SCHEMA ${ident(shadow)}`);
    await runner.query('DELETE FROM projection_checkpoints WHERE name = $1', [checkpointName]);
    await saveCheckpoint(runner, projection.name, position, {
      replayedAt: new Date().toISOString(),
      rows: rebuilt.rows,
      checksum: rebuilt.checksum,
    });
    await runner.commitTransaction();
    return {
      projection: projection.name,
      mode: 'swap',
      schema: shadow,
      events: progress.done,
      position,
      rows: rebuilt.rows,
      tables: rebuilt.tables,
      checksumBefore: before.checksum,
      checksumAfter: rebuilt.checksum,
      swapped: true,
      retiredSchema: retiredKept ? retired : null,
      durationMs: Date.now() - started,
    };
  } catch (err) {
    if (runner.isTransactionActive) await runner.rollbackTransaction();
    throw err;
  }
}
