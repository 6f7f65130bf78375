/**
 * The opaque cursor of an access-log page: the (accessed_at, id) of the last entry returned,
 * base64url so that it travels in a query string and a header untouched.
 */
export interface AccessLogCursor {
  /** `accessed_at` of the last entry, ISO-8601 with milliseconds (`...Z`). */
  at: string;
  /** Its row id (the event id). */
  id: string;
}

const AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function encodeAccessLogCursor(cursor: AccessLogCursor): string {
  return Buffer.from(`${cursor.at}|${cursor.id}`, 'utf8').toString('base64url');
}

/** The cursor, or null when `value` is not one this service handed out. */
export function decodeAccessLogCursor(value: string): AccessLogCursor | null {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(value)) return null;
  const [at, id, ...rest] = Buffer.from(value, 'base64url').toString('utf8').split('|');
  if (rest.length > 0 || at === undefined || id === undefined) return null;
  if (!AT.test(at) || Number.isNaN(Date.parse(at)) || !UUID.test(id)) return null;
  return { at, id };
}
