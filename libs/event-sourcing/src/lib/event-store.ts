import type { DataSource, EntityManager } from 'typeorm';
import type { EventEnvelope, RequestMeta, ServiceName } from '@d06/contracts';
import { systemClock, uuidGenerator, type Clock, type IdGenerator } from './clock';
import {
  ConcurrencyError,
  DuplicateEventError,
  InvalidArgumentError,
  type ExpectedVersion,
} from './errors';
import { rowToEnvelope, rowToRecorded, sealedEventsSql, STREAM_EVENTS_SQL, type EventRow } from './event-row';
import { ChainVerifier } from './hash-chain';
import { stderrLogger, type Logger } from './logger';
import { GroupCommitter } from './group-commit';
import { applyProjections, type Projection } from './projection';
import { normalizeActor, type NewEvent, type RecordedEvent, type StoredMetadata } from './recorded-event';
import { pgError, pgPoolOf, queryOne, queryPrepared, queryRows, type PgPool, type SqlTarget } from './sql';
import { UpcasterRegistry } from './upcaster-registry';

export interface EventStoreOptions {
  dataSource: DataSource;
  service: ServiceName;
  clock?: Clock;
  ids?: IdGenerator;
  upcasters?: UpcasterRegistry;
  /** Projections updated inside every append's transaction (read-your-writes). */
  projections?: readonly Projection[];
  logger?: Logger;
  /**
   * Group commit (group-commit.ts): appends made while earlier ones are committing go together,
   * in one transaction, one INSERT and one set-based projection pass. Each request used to be
   * a transaction of its own (BEGIN, insert, projections, COMMIT and its WAL flush), and
   * concurrent requests of one ward queued on its counter row until the previous had
   * committed. Off by default; the services turn it on.
   */
  coalesceAppends?: { maxInFlight?: number; maxEvents?: number };
}

export interface AppendOptions {
  meta: RequestMeta;
  /** Defaults to the store's clock. */
  occurredAt?: Date;
  /**
   * Join the caller's transaction instead of opening one. The caller then owns the commit;
   * the sealer learns of it by polling.
   */
  manager?: EntityManager;
  /** Runs in the append's transaction after the insert and the inline projections. */
  inTransaction?: (manager: EntityManager, events: readonly RecordedEvent[]) => Promise<void>;
}

export interface StreamAppend {
  streamId: string;
  expectedVersion: ExpectedVersion;
  events: readonly NewEvent[];
}

export interface AppendResult {
  streamId: string;
  /** The appended events; `position`/`hash` are null until the sealer has run. */
  events: RecordedEvent[];
  /** The stream's version after the append: the expected version of the next one. */
  version: number;
}

export interface ReadOptions {
  /** Apply the upcasters (default true). False gives the rows exactly as stored and hashed. */
  upcast?: boolean;
}

export type VerifyResult =
  | { ok: true; count: number; head: { position: number; hash: string } | null }
  | { ok: false; position: number; reason: string; count: number };

export interface VerifyOptions {
  batchSize?: number;
  onProgress?: (progress: { checked: number; total: number }) => void;
}

interface QueuedStreamAppend {
  append: StreamAppend;
  options: AppendOptions;
}

interface AppendRow {
  stream_id: string;
  current: number;
  inserted: number;
}

/**
 * One statement does the version check and the insert for any number of streams: `s` reads the
 * current version of each stream, `conflicts` keeps those that do not match what the writer
 * expected, and the insert only runs when there are none. A writer that raced us to the same
 * version blocks on the (stream_id, stream_version) unique index and gets 23505 when it
 * commits; that is turned into a ConcurrencyError too. Positions are not assigned here
 * (the sealer does it after commit), so writers never serialize on anything service-wide: the
 * statement also queues its seqs, in one narrow `event_pending` row, for the sealer.
 */
const APPEND_SQL = `
WITH s AS (
  SELECT s.stream_id, s.expected,
         coalesce((SELECT max(e.stream_version) FROM event_log e WHERE e.stream_id = s.stream_id), 0) AS current
  FROM unnest($1::text[], $2::int[]) AS s(stream_id, expected)
), conflicts AS (
  SELECT 1 FROM s WHERE s.expected IS NOT NULL AND s.expected <> s.current
), ins AS (
  INSERT INTO event_log (stream_id, stream_version, event_id, type, schema_version, data, metadata, occurred_at)
  SELECT n.stream_id, s.current + n.ord, n.event_id, n.type, n.schema_version, n.data, ($8::jsonb[])[n.g], ($9::timestamptz[])[n.g]
  FROM unnest($3::text[], $4::int[], $5::uuid[], $6::text[], $7::int[], $10::jsonb[], $11::int[])
       WITH ORDINALITY AS n(stream_id, ord, event_id, type, schema_version, data, g, i)
  JOIN s ON s.stream_id = n.stream_id
  WHERE NOT EXISTS (SELECT 1 FROM conflicts)
  ORDER BY n.i
  RETURNING seq
), queued AS (
  INSERT INTO event_pending (seqs) SELECT array_agg(seq ORDER BY seq) FROM ins HAVING count(*) > 0
)
SELECT s.stream_id, s.current, (SELECT count(*) FROM ins)::int AS inserted FROM s`;

interface PreparedEvent {
  /** Which append of a coalesced group the event belongs to. */
  group: number;
  metadata: StoredMetadata;
  occurredAt: string;
  streamId: string;
  ord: number;
  eventId: string;
  type: string;
  schemaVersion: number;
  json: string;
  data: unknown;
}

/** Attempts of an append whose conflicting stream expected 'any'. */
const ANY_RETRIES = 10;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The event store of one service (its own database). Appends are optimistic and concurrent;
 * positions and the hash chain come later from the single sealer (see sealer.ts, README).
 */
export class EventStore {
  readonly service: ServiceName;
  readonly dataSource: DataSource;
  readonly upcasters: UpcasterRegistry;
  private readonly clock: Clock;
  private readonly ids: IdGenerator;
  private readonly logger: Logger;
  private readonly projections: Projection[] = [];
  private inlineTypes = new Set<string>();
  private readonly committedListeners = new Set<() => void>();
  private readonly coalescer: GroupCommitter<QueuedStreamAppend, AppendResult> | null;

  constructor(options: EventStoreOptions) {
    this.service = options.service;
    this.dataSource = options.dataSource;
    this.clock = options.clock ?? systemClock;
    this.ids = options.ids ?? uuidGenerator;
    this.upcasters = options.upcasters ?? new UpcasterRegistry();
    this.logger = options.logger ?? stderrLogger;
    for (const projection of options.projections ?? []) this.registerProjection(projection);
    const coalesce = options.coalesceAppends;
    this.coalescer = coalesce
      ? new GroupCommitter<QueuedStreamAppend, AppendResult>({
          keyOf: (a) => a.append.streamId,
          sizeOf: (a) => Math.max(1, a.append.events.length),
          runBatch: (items) => this.appendGroup(items.map((a) => ({ appends: [a.append], options: a.options }))),
          runOne: (a) => this.appendGroup([{ appends: [a.append], options: a.options }]).then((r) => r[0]),
          maxInFlight: coalesce.maxInFlight ?? 2,
          maxSize: coalesce.maxEvents ?? 1000,
        })
      : null;
  }

  /** Adds an inline projection: from now on it runs inside every append's transaction. */
  registerProjection(projection: Projection): void {
    if (this.projections.some((p) => p.name === projection.name)) {
      throw new InvalidArgumentError(`projection ${projection.name} is already registered`);
    }
    this.projections.push(projection);
    this.inlineTypes = new Set(this.projections.flatMap((p) => p.eventTypes));
  }

  get inlineProjections(): readonly Projection[] {
    return this.projections;
  }

  /** Called after every local commit of an append (the sealer's low-latency wake-up). */
  onCommitted(listener: () => void): () => void {
    this.committedListeners.add(listener);
    return () => this.committedListeners.delete(listener);
  }

  async append(
    streamId: string,
    expectedVersion: ExpectedVersion,
    events: readonly NewEvent[],
    options: AppendOptions,
  ): Promise<AppendResult> {
    const append = { streamId, expectedVersion, events };
    // A caller's own transaction is the caller's to commit: it cannot be shared.
    if (this.coalescer && !options.manager) {
      // The event happened now, not when its batch commits.
      return this.coalescer.submit({ append, options: { ...options, occurredAt: options.occurredAt ?? this.clock.now() } });
    }
    const [result] = await this.appendMany([append], options);
    return result;
  }

  /**
   * Appends to many streams in one transaction and one INSERT (all or nothing): what a seeder
   * or a command touching several aggregates uses. Every stream's expected version is checked.
   */
  async appendMany(appends: readonly StreamAppend[], options: AppendOptions): Promise<AppendResult[]> {
    return this.appendGroup([{ appends, options }]);
  }

  /**
   * Several callers' appends in one transaction and one INSERT, each with its own metadata and
   * time (what the coalescer sends); the result lists every append's result in order. All or
   * nothing, like appendMany.
   */
  private async appendGroup(groups: readonly { appends: readonly StreamAppend[]; options: AppendOptions }[]): Promise<AppendResult[]> {
    const appends = groups.flatMap((g) => g.appends);
    const seen = new Set<string>();
    for (const a of appends) {
      if (seen.has(a.streamId)) throw new InvalidArgumentError(`stream ${a.streamId} appears twice in one appendMany`);
      seen.add(a.streamId);
      checkExpectedVersion(a.expectedVersion);
    }
    const prepared: PreparedEvent[] = [];
    const origins = groups.map((g, group) => {
      const metadata: StoredMetadata = {
        correlationId: g.options.meta.correlationId,
        causationId: g.options.meta.causationId ?? null,
        actor: normalizeActor(g.options.meta.actor),
      };
      const origin = { group, metadata, metadataJson: JSON.stringify(metadata), occurredAt: (g.options.occurredAt ?? this.clock.now()).toISOString() };
      for (const a of g.appends) {
        a.events.forEach((event, index) => prepared.push(this.prepare(origin, a.streamId, index + 1, event)));
      }
      return origin;
    });
    const manager = groups.length === 1 ? groups[0].options.manager : undefined;
    if (prepared.length === 0) {
      const versions = await Promise.all(appends.map((a) => this.streamVersion(a.streamId, manager)));
      return appends.map((a, i) => {
        if (a.expectedVersion !== 'any' && expectedNumber(a.expectedVersion) !== versions[i]) {
          throw new ConcurrencyError(a.streamId, a.expectedVersion, versions[i]);
        }
        return { streamId: a.streamId, events: [], version: versions[i] };
      });
    }
    const params = [
      appends.map((a) => a.streamId),
      appends.map((a) => (a.expectedVersion === 'any' ? null : expectedNumber(a.expectedVersion))),
      prepared.map((e) => e.streamId),
      prepared.map((e) => e.ord),
      prepared.map((e) => e.eventId),
      prepared.map((e) => e.type),
      prepared.map((e) => e.schemaVersion),
      // Metadata and time once per caller (group), not per event: parsed once by Postgres.
      origins.map((o) => o.metadataJson),
      origins.map((o) => o.occurredAt),
      prepared.map((e) => e.json),
      prepared.map((e) => e.group + 1),
    ];

    const needsTransaction =
      groups.some((g) => g.options.inTransaction !== undefined) || prepared.some((e) => this.inlineTypes.has(e.type));

    const run = async (target: SqlTarget | PgPool, tx: EntityManager | undefined): Promise<AppendResult[]> => {
      const rows = await this.insert(target, appends, params);
      const results = this.results(appends, rows, prepared);
      if (tx) {
        await applyProjections(this.projections, results.flatMap((r) => r.events), tx);
        let at = 0;
        for (const g of groups) {
          const own = results.slice(at, at + g.appends.length).flatMap((r) => r.events);
          at += g.appends.length;
          if (g.options.inTransaction) await g.options.inTransaction(tx, own);
        }
      }
      return results;
    };

    if (manager) {
      const joined = await run(manager, manager);
      this.notifyCommitted();
      return joined;
    }
    for (let attempt = 1; ; attempt++) {
      try {
        const results = needsTransaction
          ? await this.dataSource.transaction((tx) => run(tx, tx))
          : await run(pgPoolOf(this.dataSource), undefined);
        this.notifyCommitted();
        return results;
      } catch (err) {
        // 'any' promises no version, so losing a race for the next one is ours to retry, not
        // the caller's (an explicit expected version is the caller's to re-decide).
        const retryable = err instanceof ConcurrencyError && err.expected === 'any' && attempt < ANY_RETRIES;
        if (!retryable) throw err;
      }
    }
  }

  private prepare(
    origin: Pick<PreparedEvent, 'group' | 'metadata' | 'occurredAt'>,
    streamId: string,
    ord: number,
    event: NewEvent,
  ): PreparedEvent {
    if (typeof event.type !== 'string' || event.type.length === 0) {
      throw new InvalidArgumentError(`event ${ord} of ${streamId} has no type`);
    }
    const eventId = (event.eventId ?? this.ids.next()).toLowerCase();
    if (!UUID.test(eventId)) throw new InvalidArgumentError(`event id ${eventId} is not a UUID`);
    // What the row will hold after the jsonb round trip: inline projections must see the same
    // value replay will (no Dates, no undefined), or live and rebuilt read models drift apart.
    const json = JSON.stringify(event.data ?? null);
    return {
      group: origin.group,
      metadata: origin.metadata,
      occurredAt: origin.occurredAt,
      streamId,
      ord,
      eventId,
      type: event.type,
      schemaVersion: event.schemaVersion ?? this.upcasters.currentVersion(event.type),
      json,
      data: JSON.parse(json),
    };
  }

  private async insert(target: SqlTarget | PgPool, appends: readonly StreamAppend[], params: unknown[]): Promise<AppendRow[]> {
    try {
      const rows = await queryPrepared<AppendRow>(target, { name: 'd06_es_append', text: APPEND_SQL, values: params });
      if (rows.length > 0 && rows[0].inserted === 0) {
        const byStream = new Map(rows.map((r) => [r.stream_id, Number(r.current)]));
        const stale = appends.find(
          (a) => a.expectedVersion !== 'any' && expectedNumber(a.expectedVersion) !== byStream.get(a.streamId),
        );
        if (stale) throw new ConcurrencyError(stale.streamId, stale.expectedVersion, byStream.get(stale.streamId) ?? 0);
      }
      return rows;
    } catch (err) {
      const info = pgError(err);
      if (info.code === '23505' && info.constraint === 'events_stream_version_key') {
        const match = /\(stream_id, stream_version\)=\((.*), (\d+)\)/.exec(info.detail ?? '');
        const streamId = match?.[1] ?? appends[0].streamId;
        const append = appends.find((a) => a.streamId === streamId) ?? appends[0];
        throw new ConcurrencyError(append.streamId, append.expectedVersion, null);
      }
      if (info.code === '23505' && info.constraint === 'events_event_id_key') {
        throw new DuplicateEventError(info.detail ?? 'event_id');
      }
      throw err;
    }
  }

  private results(
    appends: readonly StreamAppend[],
    rows: readonly AppendRow[],
    prepared: readonly PreparedEvent[],
  ): AppendResult[] {
    const current = new Map(rows.map((r) => [r.stream_id, Number(r.current)]));
    const byStream = new Map<string, RecordedEvent[]>();
    for (const e of prepared) {
      const base = current.get(e.streamId) ?? 0;
      const recorded: RecordedEvent = {
        eventId: e.eventId,
        service: this.service,
        type: e.type,
        schemaVersion: e.schemaVersion,
        streamId: e.streamId,
        streamVersion: base + e.ord,
        position: null,
        occurredAt: e.occurredAt,
        correlationId: e.metadata.correlationId,
        causationId: e.metadata.causationId,
        actor: e.metadata.actor,
        data: e.data,
        prevHash: null,
        hash: null,
      };
      const list = byStream.get(e.streamId) ?? [];
      // An append of an older schema version (migration tools, tests) still reaches the inline
      // projections at the current version, exactly as replay will hand it to them.
      list.push(this.upcasters.upcast(recorded));
      byStream.set(e.streamId, list);
    }
    return appends.map((a) => {
      const events = byStream.get(a.streamId) ?? [];
      return { streamId: a.streamId, events, version: (current.get(a.streamId) ?? 0) + events.length };
    });
  }

  private notifyCommitted(): void {
    for (const listener of this.committedListeners) {
      try {
        listener();
      } catch (err) {
        this.logger.error('commit listener failed', { error: String(err) });
      }
    }
  }

  /** The stream's current version (0 when it does not exist). */
  async streamVersion(streamId: string, target: SqlTarget = this.dataSource): Promise<number> {
    const row = await queryOne<{ v: number | null }>(
      target,
      'SELECT max(stream_version) AS v FROM event_log WHERE stream_id = $1',
      [streamId],
    );
    return row?.v ?? 0;
  }

  /** Every committed event of the stream, sealed or not, in version order (upcast by default). */
  async readStream(
    streamId: string,
    options: ReadOptions & { fromVersion?: number; manager?: EntityManager } = {},
  ): Promise<RecordedEvent[]> {
    const rows = await queryPrepared<EventRow>(options.manager ?? this.dataSource, {
      name: 'd06_es_read_stream', text: STREAM_EVENTS_SQL,
      values: [streamId, options.fromVersion ?? 0],
    });
    const events = rows.map((r) => rowToRecorded(r, this.service));
    return options.upcast === false ? events : events.map((e) => this.upcasters.upcast(e));
  }

  /**
   * Sealed events after `fromPosition`, ascending. A reader that has seen up to N never later
   * finds an event below N: positions are only ever handed out, densely, by the sealer.
   * Upcast envelopes keep the stored `hash` (of the stored form); pass `upcast: false` to check it.
   */
  async readAll(fromPosition: number, limit: number, options: ReadOptions = {}): Promise<EventEnvelope[]> {
    const rows = await queryRows<EventRow>(
      this.dataSource,
      sealedEventsSql('s.position > $1', 'ORDER BY s.position LIMIT $2'),
      [fromPosition, limit],
    );
    const events = rows.map((r) => rowToEnvelope(r, this.service));
    return options.upcast === false ? events : events.map((e) => this.upcasters.upcast(e));
  }

  /** The last sealed position and its hash (null on an empty store). */
  async head(target: SqlTarget = this.dataSource): Promise<{ position: number; hash: string } | null> {
    const row = await queryOne<{ position: string; hash: string }>(
      target,
      'SELECT position, hash FROM event_seals ORDER BY position DESC LIMIT 1',
    );
    return row ? { position: Number(row.position), hash: row.hash } : null;
  }

  /** Committed events still waiting for the sealer (position, prevHash and hash not yet set). */
  async unsealedCount(target: SqlTarget = this.dataSource): Promise<number> {
    const row = await queryOne<{ n: string | null }>(target, 'SELECT sum(cardinality(seqs)) AS n FROM event_pending');
    return Number(row?.n ?? 0);
  }

  /**
   * Walks every sealed event in position order, recomputing each hash from the stored columns
   * and checking the links and density; names the first broken position. Beyond the chain it
   * checks what the hash cannot see: stray keys in `metadata`, sub-millisecond `occurred_at`
   * (the hashed string has milliseconds), and a tail cut off below what the relay already
   * published.
   */
  async verify(options: VerifyOptions = {}): Promise<VerifyResult> {
    const batchSize = options.batchSize ?? 5000;
    const totalRow = await queryOne<{ n: string }>(this.dataSource, 'SELECT max(position) AS n FROM event_seals');
    const total = Number(totalRow?.n ?? 0);
    const verifier = new ChainVerifier();
    let from = 0;
    for (;;) {
      const rows = await queryRows<EventRow & { sub_ms: boolean }>(
        this.dataSource,
        sealedEventsSql(
          's.position > $1',
          'ORDER BY s.position LIMIT $2',
          `, l.occurred_at <> date_trunc('milliseconds', l.occurred_at) AS sub_ms`,
        ),
        [from, batchSize],
      );
      for (const row of rows) {
        const envelope = rowToEnvelope(row, this.service);
        const broken = verifier.check(envelope);
        if (broken) return { ok: false, position: broken.position, reason: broken.reason, count: verifier.count };
        const extra = metadataProblem(row.metadata);
        if (extra) return { ok: false, position: envelope.position, reason: extra, count: verifier.count - 1 };
        if (row.sub_ms) {
          return {
            ok: false,
            position: envelope.position,
            reason: 'occurred_at was changed below the hashed millisecond precision',
            count: verifier.count - 1,
          };
        }
      }
      options.onProgress?.({ checked: verifier.count, total });
      if (rows.length < batchSize) break;
      from = Number(rows[rows.length - 1].position);
    }
    const head = verifier.count > 0 ? verifier.head : null;
    const published = await queryOne<{ position: string | null }>(
      this.dataSource,
      'SELECT max(position) AS position FROM relay_checkpoints',
    );
    const publishedUpTo = Number(published?.position ?? 0);
    const headPosition = head?.position ?? 0;
    if (publishedUpTo > headPosition) {
      return {
        ok: false,
        position: headPosition + 1,
        reason: `position ${headPosition + 1} is missing: the relay already published up to ${publishedUpTo}`,
        count: verifier.count,
      };
    }
    return { ok: true, count: verifier.count, head };
  }
}

const METADATA_KEYS = new Set(['correlationId', 'causationId', 'actor']);
const ACTOR_KEYS = new Set(['clientId', 'subject']);

function metadataProblem(metadata: unknown): string | null {
  if (typeof metadata !== 'object' || metadata === null) return 'metadata is not an object';
  const keys = Object.keys(metadata);
  const stray = keys.filter((k) => !METADATA_KEYS.has(k));
  if (stray.length > 0) return `metadata has keys outside the envelope: ${stray.join(', ')}`;
  const actor = (metadata as { actor?: unknown }).actor;
  if (typeof actor !== 'object' || actor === null) return 'metadata.actor is not an object';
  const strayActor = Object.keys(actor).filter((k) => !ACTOR_KEYS.has(k));
  if (strayActor.length > 0) return `metadata.actor has keys outside the envelope: ${strayActor.join(', ')}`;
  return null;
}

function checkExpectedVersion(expected: ExpectedVersion): void {
  if (expected === 'any' || expected === 'no-stream') return;
  if (!Number.isInteger(expected) || expected < 0) {
    throw new InvalidArgumentError(`expected version must be an integer >= 0, 'no-stream' or 'any'`);
  }
}

function expectedNumber(expected: number | 'no-stream'): number {
  return expected === 'no-stream' ? 0 : expected;
}
