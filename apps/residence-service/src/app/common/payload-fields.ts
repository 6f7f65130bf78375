import { isUuid, isValidLocalDate, type FieldError } from '@d06/contracts';

/**
 * Field checks of the RPC payloads. The gateway has validated the HTTP shape already, but a
 * Kafka message is input like any other (DESIGN.md rule 5): each check adds the problems of one
 * field to `errors` and returns the value typed, or undefined when it is missing or wrong.
 */
export type Payload = Record<string, unknown>;

export function asPayload(raw: unknown, errors: FieldError[]): Payload {
  if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) return raw as Payload;
  errors.push({ field: '', message: 'the payload must be a JSON object' });
  return {};
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

const isAbsent = (v: unknown): v is null | undefined => v === undefined || v === null;

/** A uuid, lower-cased (stream ids are stored that way). */
export function uuidField(p: Payload, field: string, errors: FieldError[]): string | undefined {
  const v = p[field];
  if (isUuid(v)) return v.toLowerCase();
  errors.push({ field, message: `${field} must be a UUID` });
  return undefined;
}

export function oneOfField<T extends string>(p: Payload, field: string, allowed: readonly T[], errors: FieldError[]): T | undefined {
  const v = p[field];
  if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T;
  errors.push({ field, message: `${field} must be one of ${allowed.join(', ')}` });
  return undefined;
}

/** An optional local date: null when absent. */
export function optionalDateField(p: Payload, field: string, errors: FieldError[]): string | null {
  const v = p[field];
  if (isAbsent(v)) return null;
  if (isValidLocalDate(v)) return v;
  errors.push({ field, message: `${field} must be a real date written YYYY-MM-DD` });
  return null;
}

export function dateField(p: Payload, field: string, errors: FieldError[]): string | undefined {
  const v = p[field];
  if (isValidLocalDate(v)) return v;
  errors.push({ field, message: `${field} must be a real date written YYYY-MM-DD` });
  return undefined;
}

/** Optional free text of 1 to `max` characters (NFC code points), no control characters; null when absent. */
export function optionalTextField(p: Payload, field: string, max: number, errors: FieldError[]): string | null {
  const v = p[field];
  if (isAbsent(v)) return null;
  if (typeof v === 'string') {
    const length = [...v.normalize('NFC')].length;
    if (length >= 1 && length <= max && v.trim() !== '' && !CONTROL.test(v)) return v;
  }
  errors.push({ field, message: `${field} must be text of 1 to ${max} characters` });
  return null;
}
