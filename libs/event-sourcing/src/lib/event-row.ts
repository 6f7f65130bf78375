import type { EventEnvelope, ServiceName } from '@d06/contracts';
import { normalizeActor, type RecordedEvent, type StoredMetadata } from './recorded-event';

/**
 * The columns every reader selects, as an EventRow. `occurred_at` is formatted by Postgres into
 * exactly the `Date.prototype.toISOString()` form the writer hashed, which is both faster than
 * parsing a Date per row in JS and independent of the reader's time zone. `log` and `seal` are
 * the prefixes of the event_log and event_seals columns (`''` on the `events` view); `seal: null`
 * reads rows known to be unsealed from event_log alone.
 */
function eventColumns(log: string, seal: string | null): string {
  const sealed = (column: string, type: string) => (seal === null ? `NULL::${type} AS ${column}` : `${seal}${column}`);
  return `${log}seq, ${sealed('position', 'bigint')}, ${log}stream_id, ${log}stream_version, ${log}event_id, ${log}type,
    ${log}schema_version, ${log}data, ${log}metadata,
    to_char(${log}occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS occurred_at,
    ${sealed('prev_hash', 'text')}, ${sealed('hash', 'text')}`;
}

/** EventRow columns of the `events` view (operators' queries, tests). */
export const EVENT_COLUMNS = eventColumns('', '');

/** EventRow columns straight from `event_log`, for rows known to be unsealed (the sealer's batch). */
export const UNSEALED_EVENT_COLUMNS = eventColumns('', null);

/**
 * Sealed events in position order, read from `event_seals` (its primary key gives the order and
 * the range) with one `event_log` lookup per row. `OFFSET 0` keeps each lookup a nested-loop
 * probe: left to the planner, a fresh table without statistics once got a hash join over the
 * whole log for every batch. `where` and `tail` may use `s.` (seals) and `l.` (log) columns.
 */
export function sealedEventsSql(where: string, tail: string, extraColumns = ''): string {
  return `SELECT ${eventColumns('l.', 's.')}${extraColumns}
    FROM event_seals s CROSS JOIN LATERAL (SELECT * FROM event_log WHERE event_log.seq = s.seq OFFSET 0) l
   WHERE ${where} ${tail}`;
}

/** A stream's events, sealed or not, with the same forced per-row probe into `event_seals`. */
export const STREAM_EVENTS_SQL = `SELECT ${eventColumns('l.', 's.')}
    FROM event_log l
    LEFT JOIN LATERAL (SELECT position, prev_hash, hash FROM event_seals WHERE event_seals.seq = l.seq OFFSET 0) s ON true
   WHERE l.stream_id = $1 AND l.stream_version > $2 ORDER BY l.stream_version`;

export interface EventRow {
  seq: string;
  position: string | null;
  stream_id: string;
  stream_version: number;
  event_id: string;
  type: string;
  schema_version: number;
  data: unknown;
  metadata: StoredMetadata;
  occurred_at: string;
  prev_hash: string | null;
  hash: string | null;
}

export function rowToRecorded(row: EventRow, service: ServiceName): RecordedEvent {
  const meta = row.metadata;
  return {
    eventId: row.event_id,
    service,
    type: row.type,
    schemaVersion: row.schema_version,
    streamId: row.stream_id,
    streamVersion: row.stream_version,
    position: row.position === null ? null : Number(row.position),
    occurredAt: row.occurred_at,
    correlationId: meta.correlationId,
    causationId: meta.causationId ?? null,
    actor: normalizeActor(meta.actor),
    data: row.data,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/** For rows read with `position IS NOT NULL`: the full envelope of CONTRACT.md §3. */
export function rowToEnvelope(row: EventRow, service: ServiceName): EventEnvelope {
  const recorded = rowToRecorded(row, service);
  if (recorded.position === null || recorded.prevHash === null || recorded.hash === null) {
    throw new Error(`event ${row.event_id} is not sealed`);
  }
  return { ...recorded, position: recorded.position, prevHash: recorded.prevHash, hash: recorded.hash };
}
