import type { EventEnvelope, ServiceName } from '@d06/contracts';
import { normalizeActor, type RecordedEvent, type StoredMetadata } from './recorded-event';

/**
 * Column list used by every reader. `occurred_at` is formatted by Postgres into exactly the
 * `Date.prototype.toISOString()` form the writer hashed, which is both faster than parsing a
 * Date per row in JS and independent of the reader's time zone.
 */
export const EVENT_COLUMNS = `seq, position, stream_id, stream_version, event_id, type, schema_version, data, metadata,
  to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS occurred_at, prev_hash, hash`;

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
