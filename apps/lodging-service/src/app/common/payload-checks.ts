import { isValidLocalDate, type FieldError } from '@d06/contracts';

/**
 * Shape checks of RPC payloads. The gateway has validated the HTTP body already, but what
 * reaches the service is a Kafka message: anyone who can write the topic can send anything, so
 * each field is checked again here and a bad one is a VALIDATION_FAILED (400) with field errors.
 */

export type Fields = Record<string, unknown>;

export function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-](\d{2}):(\d{2}))$/;

export { isUuid } from '@d06/contracts';
import { isUuid } from '@d06/contracts';

/** RFC 3339 with an offset (`Z` or `±HH:MM`), seconds required: a local time alone is ambiguous. */
export function isInstant(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = INSTANT.exec(value);
  if (!m || !isValidLocalDate(`${m[1]}-${m[2]}-${m[3]}`)) return false;
  if (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6]) > 59) return false;
  if (m[9] !== undefined && (Number(m[9]) > 23 || Number(m[10]) > 59)) return false;
  return !Number.isNaN(Date.parse(value));
}

/** A string with something besides white space, at most `max` characters. */
export function isText(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.trim() !== '' && [...value].length <= max;
}

/** Collects field errors while reading a payload. */
export class PayloadReader {
  readonly errors: FieldError[] = [];

  fail(field: string, message: string): void {
    this.errors.push({ field, message });
  }

  uuid(fields: Fields, name: string, prefix = ''): string {
    const v = fields[name];
    if (!isUuid(v)) this.fail(`${prefix}${name}`, 'must be a uuid');
    return typeof v === 'string' ? v : '';
  }

  instant(fields: Fields, name: string, prefix = ''): string {
    const v = fields[name];
    if (!isInstant(v)) this.fail(`${prefix}${name}`, 'must be an RFC 3339 date-time with offset, e.g. 2026-03-02T14:30:00+07:00');
    return typeof v === 'string' ? v : '';
  }

  optionalInstant(fields: Fields, name: string): string | null {
    const v = fields[name];
    if (v === undefined || v === null) return null;
    return this.instant(fields, name);
  }

  text(fields: Fields, name: string, max: number, prefix = ''): string {
    const v = fields[name];
    if (!isText(v, max)) this.fail(`${prefix}${name}`, `must be a non-blank string of at most ${max} characters`);
    return typeof v === 'string' ? v : '';
  }

  optionalText(fields: Fields, name: string, max: number, prefix = ''): string | null {
    const v = fields[name];
    if (v === undefined || v === null) return null;
    return this.text(fields, name, max, prefix);
  }

  localDate(fields: Fields, name: string, prefix = ''): string {
    const v = fields[name];
    if (!isValidLocalDate(v)) this.fail(`${prefix}${name}`, 'must be a real date written YYYY-MM-DD');
    return typeof v === 'string' ? v : '';
  }

  get ok(): boolean {
    return this.errors.length === 0;
  }
}
