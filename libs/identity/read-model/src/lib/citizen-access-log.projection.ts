import type { EntityManager } from 'typeorm';
import type { AuditEvent, CitizenDataAccessedData } from '@d06/contracts';
import { defineProjection, type RecordedEvent } from '@d06/event-sourcing';

/** A `citizen_access_log` row as the bulk insert receives it. */
export interface AccessLogRow {
  id: string;
  personal_id: string;
  accessed_at: string;
  client_id: string;
  purpose: string | null;
  fields: string[];
  channel: string;
  correlation_id: string;
}

export function accessLogRow(eventId: string, data: CitizenDataAccessedData): AccessLogRow {
  return {
    id: eventId,
    personal_id: data.personalId,
    accessed_at: data.accessedAt,
    client_id: data.clientId,
    purpose: data.purpose,
    fields: [...data.fields],
    channel: data.channel,
    correlation_id: data.correlationId,
  };
}

// Keyed on the event id: applying an access record twice (replay over a live table) adds nothing.
const INSERT_SQL = `
INSERT INTO citizen_access_log (id, personal_id, accessed_at, client_id, purpose, fields, channel, correlation_id)
SELECT r.id, r.personal_id, r.accessed_at, r.client_id, r.purpose, r.fields, r.channel, r.correlation_id
  FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, personal_id text, accessed_at timestamptz, client_id text, purpose text,
                                          fields jsonb, channel text, correlation_id text)
ON CONFLICT (id) DO NOTHING`;

/** `citizen_access_log`: every read of a citizen's data (CONTRACT.md §2.6 access log). */
export const citizenAccessLogProjection = defineProjection<AuditEvent>({
  name: 'citizen_access_log',
  tables: ['citizen_access_log'],
  eventTypes: ['CitizenDataAccessed'],
  async applyBatch(events: readonly RecordedEvent<AuditEvent['type']>[], manager: EntityManager) {
    // Only CitizenDataAccessed reaches this projection, written by the access-log decider.
    const rows = events.map((e) => accessLogRow(e.eventId, e.data as CitizenDataAccessedData));
    if (rows.length > 0) await manager.query(INSERT_SQL, [JSON.stringify(rows)]);
  },
});
