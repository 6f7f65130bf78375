import type { AccessLogEntry, AccessLogPage } from '@d06/contracts';
import { encodeAccessLogCursor, type AccessLogCursor } from './access-log-cursor';
import { isoInstantSql, type SqlTarget } from './sql-target';

interface AccessLogEntryRow {
  id: string;
  at: string;
  client_id: string;
  purpose: string | null;
  fields: string[];
  channel: string;
  correlation_id: string;
}

const PAGE_SQL = `
SELECT id, ${isoInstantSql('accessed_at')} AS at, client_id, purpose, fields, channel, correlation_id
  FROM citizen_access_log
 WHERE personal_id = $1
   AND ($2::timestamptz IS NULL OR (accessed_at, id) < ($2::timestamptz, $3::uuid))
 ORDER BY accessed_at DESC, id DESC
 LIMIT $4`;

export interface AccessLogQuery {
  personalId: string;
  limit: number;
  /** Continue after this entry (decoded from the previous page's `nextCursor`). */
  after: AccessLogCursor | null;
}

/** Reads of a citizen's data, newest first, `limit` at a time. */
export async function findAccessLogPage(target: SqlTarget, query: AccessLogQuery): Promise<AccessLogPage> {
  // One more than asked tells whether another page follows without a count.
  const rows: AccessLogEntryRow[] = await target.query(PAGE_SQL, [
    query.personalId,
    query.after?.at ?? null,
    query.after?.id ?? null,
    query.limit + 1,
  ]);
  const page = rows.slice(0, query.limit);
  const items: AccessLogEntry[] = page.map((r) => ({
    at: r.at,
    clientId: r.client_id,
    purpose: r.purpose,
    fields: r.fields,
    channel: r.channel,
    correlationId: r.correlation_id,
  }));
  const last = page[page.length - 1];
  const nextCursor = rows.length > query.limit && last ? encodeAccessLogCursor({ at: last.at, id: last.id }) : null;
  return { items, nextCursor };
}
