import { isValidLocalDate } from '@d06/contracts';

/** A calendar day in Asia/Ho_Chi_Minh, written `YYYY-MM-DD` (CONTRACT §2). */
export type LocalDate = string;

/**
 * Asia/Ho_Chi_Minh has kept UTC+07:00 without daylight saving since 1975, so a fixed offset
 * gives the same answer as the tz database while not depending on the host's TZ or ICU data.
 */
const HO_CHI_MINH_OFFSET_MS = 7 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The local date (Asia/Ho_Chi_Minh) of an instant, e.g. 2025-01-03T16:30:00Z -> 2025-01-03. */
export function localDateOf(instant: Date): LocalDate {
  const time = instant instanceof Date ? instant.getTime() : Number.NaN;
  if (Number.isNaN(time)) throw new RangeError('localDateOf needs a valid Date.');
  return new Date(time + HO_CHI_MINH_OFFSET_MS).toISOString().slice(0, 10);
}

export function assertLocalDate(value: unknown, what = 'date'): asserts value is LocalDate {
  if (!isValidLocalDate(value)) {
    throw new RangeError(`The ${what} must be a real date written YYYY-MM-DD, got ${JSON.stringify(value)}.`);
  }
}

// Local dates are handled as days since 1970-01-01 in UTC: the offset has already been applied
// when the date was taken, so only whole days remain.
function dayNumberOf(date: LocalDate): number {
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / DAY_MS;
}

function localDateOfDayNumber(dayNumber: number): LocalDate {
  return new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);
}

export function addCalendarDays(date: LocalDate, days: number): LocalDate {
  return localDateOfDayNumber(dayNumberOf(date) + days);
}

/** 0 = Sunday ... 6 = Saturday. */
export function dayOfWeek(date: LocalDate): number {
  return new Date(dayNumberOf(date) * DAY_MS).getUTCDay();
}

export function yearOf(date: LocalDate): number {
  return Number(date.slice(0, 4));
}
