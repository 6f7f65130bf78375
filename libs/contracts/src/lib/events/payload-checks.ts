/**
 * The small hand-written checks the event payload validators are built from (no schema
 * library). A check looks at one value, and appends `"<path>: <what is wrong>"` to `errors`
 * for every problem it finds; it never throws. Objects tolerate fields they do not know
 * (a newer producer may add fields without a new schema version), but every known field must
 * have exactly the documented type.
 *
 * Internal to `libs/contracts/src/lib/events`: not exported from the package.
 */

import { UUID_PATTERN } from '../uuid';
export type Check = (value: unknown, path: string, errors: string[]) => void;

/** What a `parseXEvent` function returns: the typed event, or every problem found in `data`. */
export type EventParseResult<E> = { ok: true; event: E } | { ok: false; errors: string[] };

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return value.length > 40 ? `"${value.slice(0, 40)}..."` : JSON.stringify(value);
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

function fail(errors: string[], path: string, expected: string, value: unknown): void {
  errors.push(`${path}: expected ${expected}, got ${describe(value)}`);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Any string (possibly empty). */
export const anyString: Check = (value, path, errors) => {
  if (typeof value !== 'string') fail(errors, path, 'a string', value);
};

/** A string with at least one non-space character. */
export const nonBlank: Check = (value, path, errors) => {
  if (typeof value !== 'string' || value.trim() === '') fail(errors, path, 'a non-blank string', value);
};

export function matching(re: RegExp, description: string): Check {
  return (value, path, errors) => {
    if (typeof value !== 'string' || !re.test(value)) fail(errors, path, description, value);
  };
}

export const boolean: Check = (value, path, errors) => {
  if (typeof value !== 'boolean') fail(errors, path, 'a boolean', value);
};

export function integer(min: number, max = Number.MAX_SAFE_INTEGER): Check {
  return (value, path, errors) => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      fail(errors, path, `an integer from ${min} to ${max}`, value);
    }
  };
}

export function oneOf<T extends string>(values: readonly T[]): Check {
  return (value, path, errors) => {
    if (typeof value !== 'string' || !(values as readonly string[]).includes(value)) {
      fail(errors, path, `one of ${values.join(', ')}`, value);
    }
  };
}

export function nullable(check: Check): Check {
  return (value, path, errors) => {
    if (value !== null) check(value, path, errors);
  };
}

export function arrayOf(item: Check, minLength = 0, maxLength = Number.MAX_SAFE_INTEGER): Check {
  return (value, path, errors) => {
    if (!Array.isArray(value)) return fail(errors, path, 'an array', value);
    if (value.length < minLength || value.length > maxLength) {
      errors.push(`${path}: expected ${minLength} to ${maxLength} items, got ${value.length}`);
    }
    value.forEach((v, i) => item(v, `${path}[${i}]`, errors));
  };
}

/**
 * An object with the `required` fields (each must be present; `null` only where the field's
 * check allows it) and the `optional` ones (absent or `undefined` is fine, else checked).
 * Unknown fields are tolerated.
 */
export function object(required: Record<string, Check>, optional: Record<string, Check> = {}): Check {
  return (value, path, errors) => {
    if (!isRecord(value)) return fail(errors, path, 'an object', value);
    for (const [field, check] of Object.entries(required)) {
      if (!(field in value) || value[field] === undefined) errors.push(`${path}.${field}: required`);
      else check(value[field], `${path}.${field}`, errors);
    }
    for (const [field, check] of Object.entries(optional)) {
      if (value[field] !== undefined) check(value[field], `${path}.${field}`, errors);
    }
  };
}

/** Every check must pass (e.g. a shape and a cross-field rule). */
export function allOf(...checks: Check[]): Check {
  return (value, path, errors) => {
    for (const check of checks) check(value, path, errors);
  };
}

// ---------------------------------------------------------------------------------------------
// Formats shared by the events of every context.

function isCalendarDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate(); // day 0 of the next month = last day of m
  return d <= days;
}

const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** A calendar date `YYYY-MM-DD` that exists (no 30 February). */
export const localDate: Check = (value, path, errors) => {
  const m = typeof value === 'string' ? LOCAL_DATE.exec(value) : null;
  if (!m || !isCalendarDate(Number(m[1]), Number(m[2]), Number(m[3]))) {
    fail(errors, path, 'a date YYYY-MM-DD', value);
  }
};

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-](\d{2}):(\d{2}))$/;
/**
 * An RFC 3339 instant with its offset (`Z` or `±HH:MM`), seconds required, fraction optional:
 * `2026-11-27T23:00:00+07:00`. A local time without an offset is refused: it is ambiguous.
 */
export const instant: Check = (value, path, errors) => {
  const m = typeof value === 'string' ? INSTANT.exec(value) : null;
  const ok =
    m !== null &&
    isCalendarDate(Number(m[1]), Number(m[2]), Number(m[3])) &&
    Number(m[4]) <= 23 &&
    Number(m[5]) <= 59 &&
    Number(m[6]) <= 59 &&
    (m[9] === undefined || (Number(m[9]) <= 23 && Number(m[10]) <= 59)) &&
    !Number.isNaN(Date.parse(m[0]));
  if (!ok) fail(errors, path, 'an ISO-8601 instant with offset (e.g. 2026-11-27T23:00:00+07:00)', value);
};

/** A UUID in its canonical 8-4-4-4-12 hexadecimal form (any version, either case). */
export const uuid = matching(UUID_PATTERN, 'a uuid');

/**
 * The 12-digit personal identification number. Only its form is checked here; what the
 * digits mean (province, century, gender) is checked where it is first accepted.
 */
export const personalId = matching(/^\d{12}$/, 'a 12-digit personal id');

/**
 * `Address` (CONTRACT.md §2.2). Codes are checked as non-blank strings, not against the list
 * of administrative units: events keep what was recorded, including pre-2025 codes.
 */
export const address: Check = object({ provinceCode: nonBlank, wardCode: nonBlank, detail: anyString });

/**
 * Runs the check registered for `type` over `data`; the building block of every
 * `parseXEvent`. The cast is sound because the check describes exactly the event's `data`.
 */
export function parseWith<E>(checks: Readonly<Record<string, Check>>, context: string, type: string, data: unknown): EventParseResult<E> {
  if (typeof type !== 'string' || !Object.prototype.hasOwnProperty.call(checks, type)) {
    return { ok: false, errors: [`type: not a known ${context} event type: ${describe(type)}`] };
  }
  const errors: string[] = [];
  checks[type](data, 'data', errors);
  return errors.length > 0 ? { ok: false, errors } : { ok: true, event: { type, data } as E };
}
