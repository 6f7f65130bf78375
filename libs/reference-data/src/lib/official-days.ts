import { isValidLocalDate } from '@d06/contracts';
import shippedOfficialDays from '../data/vn-official-days.json';
import type { LocalDate } from './local-date';

/**
 * Days the government announces each year on top of the statutory holidays: where the 5 Tết
 * days and the day next to 2 September fall, compensatory days, and swaps of a weekday off for
 * a Saturday worked (DOMAIN.md "Working days"). They change every year, so they live in data:
 * the shipped `vn-official-days.json`, plus a file of the same shape an app may load at start-up.
 */
export type OfficialDayKind = 'day-off' | 'working-day';

export const OFFICIAL_DAY_KINDS: readonly OfficialDayKind[] = Object.freeze(['day-off', 'working-day']);

export interface OfficialDay {
  readonly date: LocalDate;
  readonly kind: OfficialDayKind;
  readonly name: string;
  /** The announcement it comes from, or "statutory only; ..." when none was found. */
  readonly source: string;
  readonly note?: string;
}

export interface OfficialDaysFile {
  readonly description?: string;
  readonly entries: readonly OfficialDay[];
}

const FILE_KEYS: ReadonlySet<string> = new Set(['description', 'entries']);
const ENTRY_KEYS: ReadonlySet<string> = new Set(['date', 'kind', 'name', 'source', 'note']);

/**
 * Checks the shape of an official-days file (typically `JSON.parse` of a file named in an app's
 * config) and returns it typed. Throws one Error listing every problem, so that a bad file stops
 * the app at start-up with a message an operator can act on. Unknown keys are refused because
 * they are most likely typos of a known one.
 */
export function parseOfficialDaysFile(value: unknown, origin = 'official days file'): OfficialDaysFile {
  const problems: string[] = [];
  if (!isPlainObject(value)) {
    throw new Error(`${origin} is malformed: expected an object {"entries": [...]}, got ${describe(value)}.`);
  }
  for (const key of Object.keys(value)) {
    if (!FILE_KEYS.has(key)) problems.push(`unknown key "${key}" (allowed: ${[...FILE_KEYS].join(', ')})`);
  }
  if (value['description'] !== undefined && typeof value['description'] !== 'string') {
    problems.push('"description" must be a string');
  }
  const entries = value['entries'];
  if (!Array.isArray(entries)) {
    problems.push(`"entries" must be an array, got ${describe(entries)}`);
  } else {
    const firstIndexOfDate = new Map<string, number>();
    entries.forEach((entry: unknown, index) => {
      const at = `entries[${index}]`;
      if (!isPlainObject(entry)) {
        problems.push(`${at} must be an object, got ${describe(entry)}`);
        return;
      }
      for (const key of Object.keys(entry)) {
        if (!ENTRY_KEYS.has(key)) problems.push(`${at} has unknown key "${key}" (allowed: ${[...ENTRY_KEYS].join(', ')})`);
      }
      const date = entry['date'];
      if (!isValidLocalDate(date)) {
        problems.push(`${at}.date must be a real date written YYYY-MM-DD, got ${describe(date)}`);
      } else if (firstIndexOfDate.has(date)) {
        problems.push(`${at}.date ${date} is already given by entries[${firstIndexOfDate.get(date)}]`);
      } else {
        firstIndexOfDate.set(date, index);
      }
      if (!OFFICIAL_DAY_KINDS.includes(entry['kind'] as OfficialDayKind)) {
        problems.push(`${at}.kind must be "day-off" or "working-day", got ${describe(entry['kind'])}`);
      }
      for (const key of ['name', 'source'] as const) {
        const text = entry[key];
        if (typeof text !== 'string' || text.trim() === '') {
          problems.push(`${at}.${key} must be a non-empty string, got ${describe(text)}`);
        }
      }
      if (entry['note'] !== undefined && typeof entry['note'] !== 'string') {
        problems.push(`${at}.note must be a string when present, got ${describe(entry['note'])}`);
      }
    });
  }
  if (problems.length > 0) throw new Error(`${origin} is malformed: ${problems.join('; ')}.`);
  // Every field was checked above; the cast only tells the compiler so. Copying drops nothing
  // (unknown keys were refused) and leaves the caller's object free to change.
  const checked = value as unknown as OfficialDaysFile;
  return Object.freeze({
    ...(checked.description === undefined ? {} : { description: checked.description }),
    entries: Object.freeze(checked.entries.map((entry) => Object.freeze({ ...entry }))),
  });
}

/** The days shipped with this release (see src/data/README.md for the sources). */
export const SHIPPED_OFFICIAL_DAYS: OfficialDaysFile = parseOfficialDaysFile(
  shippedOfficialDays,
  'vn-official-days.json',
);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  const json = JSON.stringify(value);
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}
