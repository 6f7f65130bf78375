import {
  CITIZEN_GENDERS,
  isValidLocalDate,
  validatePersonalId,
  type Address,
  type CitizenGender,
  type FieldError,
} from '@d06/contracts';
import { decodeAccessLogCursor, type AccessLogCursor } from '@d06/identity-read-model';
import { validateAddress } from '@d06/reference-data';

/**
 * The shape checks of the identity service's requests. The gateway validated the HTTP body
 * already, but what arrives here is a Kafka message anyone on the broker could have written:
 * every field is checked again, and a request that breaks its format is answered
 * VALIDATION_FAILED with the field errors (never a stack trace, never a half-applied command).
 */
export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

export const MAX_NAME_LENGTH = 200;
export const MAX_PURPOSE_LENGTH = 200;
export const MAX_ACCESS_LOG_LIMIT = 1000;
export const MAX_SHARED_FIELDS = 50;
const MAX_STREAM_ID_LENGTH = 300;

// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Collects the field errors of one payload while reading its fields. */
class FieldReader {
  readonly errors: FieldError[] = [];
  constructor(private readonly source: Record<string, unknown>) {}

  present(field: string): boolean {
    return this.source[field] !== undefined && this.source[field] !== null;
  }

  raw(field: string): unknown {
    return this.source[field];
  }

  fail(field: string, message: string): undefined {
    this.errors.push({ field, message });
    return undefined;
  }

  /** Text of 1 to `max` characters (after NFC), not blank, without control characters. */
  text(field: string, max: number): string | undefined {
    const value = this.source[field];
    if (!this.present(field)) return this.fail(field, 'is required');
    if (typeof value !== 'string') return this.fail(field, 'must be a string');
    const length = [...value.normalize('NFC')].length;
    if (value.trim() === '' || length > max || CONTROL_CHARACTERS.test(value)) {
      return this.fail(field, `must be text of 1 to ${max} characters`);
    }
    return value;
  }

  optionalText(field: string, max: number): string | undefined {
    return this.present(field) ? this.text(field, max) : undefined;
  }

  localDate(field: string): string | undefined {
    const value = this.source[field];
    if (!this.present(field)) return this.fail(field, 'is required');
    return isValidLocalDate(value) ? value : this.fail(field, 'must be a real date written YYYY-MM-DD');
  }

  optionalLocalDate(field: string): string | undefined {
    return this.present(field) ? this.localDate(field) : undefined;
  }

  gender(field: string): CitizenGender | undefined {
    const value = this.source[field];
    if (!this.present(field)) return this.fail(field, 'is required');
    return (CITIZEN_GENDERS as readonly unknown[]).includes(value) ? (value as CitizenGender) : this.fail(field, 'must be MALE or FEMALE');
  }

  optionalGender(field: string): CitizenGender | undefined {
    return this.present(field) ? this.gender(field) : undefined;
  }

  /**
   * The personal ID, its rules (CONTRACT.md §2.2), and its agreement with a date of birth and
   * gender when those are given and readable (unreadable ones were reported on their own field).
   */
  personalId(agreeWith: { dateOfBirth?: string; gender?: CitizenGender } = {}, field = 'personalId'): string | undefined {
    const value = this.source[field];
    const errors = validatePersonalId(value, { field, ...agreeWith });
    if (errors.length > 0) {
      this.errors.push(...errors);
      return undefined;
    }
    return value as string;
  }

  result<T>(build: () => T): Parsed<T> {
    return this.errors.length > 0 ? { ok: false, errors: this.errors } : { ok: true, value: build() };
  }
}

function reader(payload: unknown): FieldReader | Parsed<never> {
  return isRecord(payload) ? new FieldReader(payload) : { ok: false, errors: [{ field: 'payload', message: 'must be an object' }] };
}

function agreement(dateOfBirth: string | undefined, gender: CitizenGender | undefined) {
  return { ...(dateOfBirth !== undefined ? { dateOfBirth } : {}), ...(gender !== undefined ? { gender } : {}) };
}

export interface RegisterCitizenInput {
  personalId: string;
  fullName: string;
  dateOfBirth: string;
  gender: CitizenGender;
  permanentAddress: Address | null;
}

export function parseRegisterCitizen(payload: unknown): Parsed<RegisterCitizenInput> {
  const r = reader(payload);
  if (!(r instanceof FieldReader)) return r;
  const fullName = r.text('fullName', MAX_NAME_LENGTH);
  const dateOfBirth = r.localDate('dateOfBirth');
  const gender = r.gender('gender');
  const personalId = r.personalId(agreement(dateOfBirth, gender));
  let permanentAddress: Address | null = null;
  if (r.present('permanentAddress')) {
    const raw = r.raw('permanentAddress');
    const errors = validateAddress(raw, 'permanentAddress');
    if (errors.length > 0) r.errors.push(...errors);
    else {
      // Only the three fields of an Address go into the event, whatever else the message carried.
      const { provinceCode, wardCode, detail } = raw as Address;
      permanentAddress = { provinceCode, wardCode, detail };
    }
  }
  return r.result(() => ({
    personalId: personalId as string,
    fullName: fullName as string,
    dateOfBirth: dateOfBirth as string,
    gender: gender as CitizenGender,
    permanentAddress,
  }));
}

export interface GetCitizenInput {
  personalId: string;
  purpose: string | null;
}

export function parseGetCitizen(payload: unknown): Parsed<GetCitizenInput> {
  const r = reader(payload);
  if (!(r instanceof FieldReader)) return r;
  const personalId = r.personalId();
  const purpose = r.optionalText('purpose', MAX_PURPOSE_LENGTH);
  return r.result(() => ({ personalId: personalId as string, purpose: purpose ?? null }));
}

export interface RecordDeathInput {
  personalId: string;
  dateOfDeath: string;
}

export function parseRecordDeath(payload: unknown): Parsed<RecordDeathInput> {
  const r = reader(payload);
  if (!(r instanceof FieldReader)) return r;
  const personalId = r.personalId();
  const dateOfDeath = r.localDate('dateOfDeath');
  return r.result(() => ({ personalId: personalId as string, dateOfDeath: dateOfDeath as string }));
}

/** A verification claim: the personal ID and any of name, date of birth, gender to compare. */
export interface VerifyCitizenInput {
  personalId: string;
  fullName?: string;
  dateOfBirth?: string;
  gender?: CitizenGender;
}

export function parseVerifyCitizen(payload: unknown): Parsed<VerifyCitizenInput> {
  const r = reader(payload);
  if (!(r instanceof FieldReader)) return r;
  const fullName = r.optionalText('fullName', MAX_NAME_LENGTH);
  const dateOfBirth = r.optionalLocalDate('dateOfBirth');
  const gender = r.optionalGender('gender');
  const personalId = r.personalId(agreement(dateOfBirth, gender));
  return r.result(() => ({
    personalId: personalId as string,
    ...(fullName !== undefined ? { fullName } : {}),
    ...(dateOfBirth !== undefined ? { dateOfBirth } : {}),
    ...(gender !== undefined ? { gender } : {}),
  }));
}

export interface ShareCitizenInput {
  personalId: string;
  purpose: string;
  fields: string[];
}

export function parseShareCitizen(payload: unknown): Parsed<ShareCitizenInput> {
  const r = reader(payload);
  if (!(r instanceof FieldReader)) return r;
  const personalId = r.personalId();
  const purpose = r.text('purpose', MAX_PURPOSE_LENGTH);
  const raw = r.raw('fields');
  let fields: string[] | undefined;
  if (!Array.isArray(raw) || raw.length > MAX_SHARED_FIELDS || !raw.every((f) => typeof f === 'string' && f.trim() !== '' && f.length <= 100)) {
    r.fail('fields', `must be a list of at most ${MAX_SHARED_FIELDS} field names`);
  } else {
    fields = raw as string[];
  }
  return r.result(() => ({ personalId: personalId as string, purpose: purpose as string, fields: fields as string[] }));
}

export interface GetAccessLogInput {
  personalId: string;
  limit: number;
  after: AccessLogCursor | null;
}

export function parseGetAccessLog(payload: unknown): Parsed<GetAccessLogInput> {
  const r = reader(payload);
  if (!(r instanceof FieldReader)) return r;
  const personalId = r.personalId();
  const limit = r.raw('limit');
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_ACCESS_LOG_LIMIT) {
    r.fail('limit', `must be an integer from 1 to ${MAX_ACCESS_LOG_LIMIT}`);
  }
  let after: AccessLogCursor | null = null;
  if (r.present('cursor')) {
    const raw = r.raw('cursor');
    after = typeof raw === 'string' ? decodeAccessLogCursor(raw) : null;
    if (after === null) r.fail('cursor', 'must be the nextCursor of a previous page');
  }
  return r.result(() => ({ personalId: personalId as string, limit: limit as number, after }));
}

export interface GetStreamInput {
  streamId: string;
}

export function parseGetStream(payload: unknown): Parsed<GetStreamInput> {
  const r = reader(payload);
  if (!(r instanceof FieldReader)) return r;
  const streamId = r.text('streamId', MAX_STREAM_ID_LENGTH);
  return r.result(() => ({ streamId: streamId as string }));
}
