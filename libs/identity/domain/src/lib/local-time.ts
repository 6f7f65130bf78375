/**
 * Local time in Asia/Ho_Chi_Minh, which has been a fixed UTC+07:00 without daylight saving
 * since 1975: computed from the offset, never from the machine's time zone.
 */
const VIETNAM_OFFSET_MS = 7 * 60 * 60 * 1000;

/** The local date (`YYYY-MM-DD`, +07:00) of an ISO-8601 instant; null when it does not parse. */
export function localDateOf(instant: string): string | null {
  const ms = Date.parse(instant);
  return Number.isNaN(ms) ? null : new Date(ms + VIETNAM_OFFSET_MS).toISOString().slice(0, 10);
}
