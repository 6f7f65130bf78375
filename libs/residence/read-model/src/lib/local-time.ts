import { localDateOf } from '@d06/reference-data';

/**
 * Asia/Ho_Chi_Minh has kept UTC+07:00 without daylight saving since 1975: local times are
 * computed from the offset, never from the machine's time zone.
 */
const VIETNAM_OFFSET_MS = 7 * 60 * 60 * 1000;

/** An instant as RFC 3339 local time with its offset, e.g. `2026-03-02T09:15:00.000+07:00`. */
export function formatLocalInstant(instant: Date | string): string {
  const ms = typeof instant === 'string' ? Date.parse(instant) : instant.getTime();
  if (Number.isNaN(ms)) throw new RangeError(`not an instant: ${JSON.stringify(instant)}`);
  return `${new Date(ms + VIETNAM_OFFSET_MS).toISOString().slice(0, 23)}+07:00`;
}

/**
 * The local date of an ISO-8601 instant taken from an event. Read models derive days from the
 * event's own times (never the clock), so a replay puts every dossier on the same day again.
 */
export function localDateOfInstant(instant: string): string {
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) throw new RangeError(`not an instant: ${JSON.stringify(instant)}`);
  return localDateOf(new Date(ms));
}
