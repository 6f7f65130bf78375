import Holidays from 'date-holidays';
import { addCalendarDays, assertLocalDate, dayOfWeek, type LocalDate, localDateOf, yearOf } from './local-date';
import { type OfficialDay, type OfficialDaysFile, parseOfficialDaysFile, SHIPPED_OFFICIAL_DAYS } from './official-days';

/**
 * Working days for the time limits of administrative procedures (CONTRACT §2.4, DOMAIN.md):
 * Monday to Friday, less the statutory public holidays (Labour Code 2019 art. 112, computed by
 * `date-holidays`, lunar dates included), less the days off and plus the make-up working days
 * the government announces (official-days files). For one date the first rule that speaks wins:
 * an official entry (an extra file's over the shipped one), then a public holiday, then the
 * weekday.
 */
export type DayReason = 'weekday' | 'weekend' | 'public-holiday' | 'official-day-off' | 'official-working-day';

export interface DayInfo {
  date: LocalDate;
  working: boolean;
  reason: DayReason;
  /** The holiday's or official entry's name. */
  name?: string;
  source?: string;
}

export interface WorkingDayCalendar {
  isWorkingDay(date: LocalDate): boolean;
  /** Whether `date` is a working day, and which rule says so. */
  describeDay(date: LocalDate): DayInfo;
  /**
   * The working day that lies `workingDays` working days after `date` (before it when
   * negative); `date` itself need not be a working day. 0 returns `date` unchanged.
   */
  addWorkingDays(date: LocalDate, workingDays: number): LocalDate;
  /**
   * The local date by which a dossier received at `receivedAt` must be resolved: the receipt's
   * local date, moved to the next working day when it is not one, plus `workingDays` whole
   * working days after it (CONTRACT §2.4). A decision is late when its local date is after this.
   */
  dueDate(receivedAt: Date, workingDays: number): LocalDate;
  /**
   * Whether any official entry covers `year`. Without one the calendar knows only the statutory
   * holidays, with `date-holidays`' guess of the Tết days and no day next to 2 September:
   * apps should warn at start-up when the current or next year is not covered.
   */
  hasOfficialDaysFor(year: number): boolean;
}

/**
 * A calendar from the shipped official days plus, optionally, an extra file of the same shape
 * (parsed JSON from the path in an app's config; its entries override the shipped ones for the
 * same date). Throws when the extra file is malformed.
 */
export function createWorkingDayCalendar(extra?: OfficialDaysFile): WorkingDayCalendar {
  const officialByDate = new Map<LocalDate, OfficialDay>();
  for (const entry of SHIPPED_OFFICIAL_DAYS.entries) officialByDate.set(entry.date, entry);
  if (extra !== undefined) {
    for (const entry of parseOfficialDaysFile(extra, 'extra official days file').entries) {
      officialByDate.set(entry.date, entry);
    }
  }
  const officialYears = new Set([...officialByDate.keys()].map(yearOf));

  function describeDay(date: LocalDate): DayInfo {
    assertLocalDate(date);
    const official = officialByDate.get(date);
    if (official) {
      switch (official.kind) {
        case 'day-off':
          return { date, working: false, reason: 'official-day-off', name: official.name, source: official.source };
        case 'working-day':
          return { date, working: true, reason: 'official-working-day', name: official.name, source: official.source };
        default: {
          const unhandled: never = official.kind;
          throw new Error(`unhandled official day kind: ${String(unhandled)}`);
        }
      }
    }
    const holiday = publicHolidaysOf(yearOf(date)).get(date);
    if (holiday !== undefined) {
      return { date, working: false, reason: 'public-holiday', name: holiday, source: 'date-holidays VN (public)' };
    }
    const weekday = dayOfWeek(date);
    return weekday === 0 || weekday === 6
      ? { date, working: false, reason: 'weekend' }
      : { date, working: true, reason: 'weekday' };
  }

  function isWorkingDay(date: LocalDate): boolean {
    return describeDay(date).working;
  }

  function addWorkingDays(date: LocalDate, workingDays: number): LocalDate {
    assertLocalDate(date);
    if (!Number.isSafeInteger(workingDays)) {
      throw new RangeError(`The number of working days must be an integer, got ${workingDays}.`);
    }
    const step = workingDays < 0 ? -1 : 1;
    let remaining = Math.abs(workingDays);
    let current = date;
    let daysSinceWorkingDay = 0;
    while (remaining > 0) {
      current = addCalendarDays(current, step);
      if (isWorkingDay(current)) {
        remaining--;
        daysSinceWorkingDay = 0;
      } else if (++daysSinceWorkingDay > MAX_DAYS_WITHOUT_WORK) {
        // Only a broken extra file can get here; better a clear error than an endless loop.
        throw new Error(`No working day within ${MAX_DAYS_WITHOUT_WORK} days of ${current}: check the official days.`);
      }
    }
    return current;
  }

  function dueDate(receivedAt: Date, workingDays: number): LocalDate {
    if (!Number.isSafeInteger(workingDays) || workingDays < 0) {
      throw new RangeError(`A time limit must be a whole number of working days, got ${workingDays}.`);
    }
    const receivedOn = localDateOf(receivedAt);
    const countedFrom = isWorkingDay(receivedOn) ? receivedOn : addWorkingDays(receivedOn, 1);
    return addWorkingDays(countedFrom, workingDays);
  }

  return {
    isWorkingDay,
    describeDay,
    addWorkingDays,
    dueDate,
    hasOfficialDaysFor: (year) => officialYears.has(year),
  };
}

const MAX_DAYS_WITHOUT_WORK = 60;

/**
 * Statutory holidays of a year by local date. Only type 'public': the VN data of date-holidays
 * also lists observances (Party founding day, Teachers' Day, ...) that are working days. Spans
 * (the 5-day Tết entry) are expanded day by day. Cached per year for the process: the result
 * depends on the year alone.
 */
function publicHolidaysOf(year: number): ReadonlyMap<LocalDate, string> {
  let holidays = publicHolidaysByYear.get(year);
  if (!holidays) {
    holidays = new Map();
    const spans = vietnamHolidays()
      .getHolidays(year)
      .filter((holiday) => holiday.type === 'public')
      .map((holiday) => ({
        // `date` is already local to Asia/Ho_Chi_Minh; start/end give the span's length.
        first: holiday.date.slice(0, 10),
        days: Math.max(1, Math.round((holiday.end.getTime() - holiday.start.getTime()) / 86_400_000)),
        name: holiday.name,
      }))
      // A one-day holiday inside a span (mùng 1 inside the 5 Tết days) names its day.
      .sort((a, b) => a.days - b.days);
    for (const { first, days, name } of spans) {
      for (let i = 0; i < days; i++) {
        const date = addCalendarDays(first, i);
        if (!holidays.has(date)) holidays.set(date, days === 1 ? name : `${name} (day ${i + 1} of ${days})`);
      }
    }
    publicHolidaysByYear.set(year, holidays);
  }
  return holidays;
}

const publicHolidaysByYear = new Map<number, Map<LocalDate, string>>();
let holidaysVN: Holidays | undefined;

function vietnamHolidays(): Holidays {
  holidaysVN ??= new Holidays('VN', { timezone: 'Asia/Ho_Chi_Minh' });
  return holidaysVN;
}
