/**
 * When a lodging notice is due (CONTRACT.md §2.5; DOMAIN.md "Lodging notices"):
 * - a Vietnamese guest arriving before 23:00 local: by 23:00 local the same day;
 *   arriving at or after 23:00: by 08:00 local the next day (Law on Residence art. 30);
 * - a foreign guest: within 12 hours of arrival (Law 47/2014/QH13 art. 33; 24 h in remote areas,
 *   which the caller may pass as `hours`).
 * The notice is due at the earliest of its guests' deadlines, and late when received after it.
 *
 * Local time is Asia/Ho_Chi_Minh, a fixed UTC+07:00 (no daylight saving since 1975): computed
 * from the offset, never from the machine's time zone. Deadlines come out as ISO strings with
 * the +07:00 offset, e.g. `2026-11-27T23:00:00+07:00`.
 */

const VIETNAM_OFFSET_MS = 7 * 60 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;

/** Vietnamese guests arriving at or after this local hour are due the next morning. */
export const LATE_ARRIVAL_HOUR = 23;
/** The local hour the next morning by which late-arriving Vietnamese guests are due. */
export const NEXT_MORNING_HOUR = 8;
/** Hours after arrival within which a foreign guest is due (24 in remote areas). */
export const FOREIGN_GUEST_HOURS = 12;

function toMs(instant: string): number {
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) throw new RangeError(`not an ISO-8601 instant: ${JSON.stringify(instant)}`);
  return ms;
}

/** An instant (epoch ms) as local time with its offset: `2026-11-27T23:00:00+07:00` (milliseconds only when not zero). */
export function formatLocalInstant(epochMs: number): string {
  const iso = new Date(epochMs + VIETNAM_OFFSET_MS).toISOString(); // YYYY-MM-DDTHH:mm:ss.sssZ, shifted to local
  const millis = iso.slice(19, 23);
  return `${iso.slice(0, 19)}${millis === '.000' ? '' : millis}+07:00`;
}

/** Deadline of a Vietnamese guest arriving at `arrivalAt` (an ISO instant with any offset). */
export function vietnameseGuestDueBy(arrivalAt: string): string {
  const local = new Date(toMs(arrivalAt) + VIETNAM_OFFSET_MS);
  const [y, m, d] = [local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate()];
  const dueLocal =
    local.getUTCHours() < LATE_ARRIVAL_HOUR ? Date.UTC(y, m, d, LATE_ARRIVAL_HOUR) : Date.UTC(y, m, d + 1, NEXT_MORNING_HOUR);
  return formatLocalInstant(dueLocal - VIETNAM_OFFSET_MS);
}

/** Deadline of a foreign guest arriving at `arrivalAt`: `hours` (12) after arrival. */
export function foreignGuestDueBy(arrivalAt: string, hours = FOREIGN_GUEST_HOURS): string {
  return formatLocalInstant(toMs(arrivalAt) + hours * HOUR_MS);
}

/** Deadline of one guest. */
export function guestDueBy(arrivalAt: string, guest: 'VIETNAMESE' | 'FOREIGN'): string {
  return guest === 'VIETNAMESE' ? vietnameseGuestDueBy(arrivalAt) : foreignGuestDueBy(arrivalAt);
}

/** The notice's deadline: the earliest of its guests' (compared as instants, not as strings). */
export function noticeDueBy(guestDueBys: readonly string[]): string {
  if (guestDueBys.length === 0) throw new RangeError('a notice has at least one guest');
  return guestDueBys.reduce((earliest, dueBy) => (toMs(dueBy) < toMs(earliest) ? dueBy : earliest));
}

/** A notice is late when received strictly after its deadline. */
export function isNoticeLate(receivedAt: string, dueBy: string): boolean {
  return toMs(receivedAt) > toMs(dueBy);
}
