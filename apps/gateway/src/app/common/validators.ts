import { registerDecorator, type ValidationArguments, type ValidationOptions } from 'class-validator';
import { isValidLocalDate, validatePersonalId, type FieldError } from '@d06/contracts';
import { findWard, validateAddress } from '@d06/reference-data';

/**
 * Field validators for the HTTP shapes of CONTRACT.md §2, built on the shared rules of
 * @d06/contracts and @d06/reference-data so the gateway and the services agree on them.
 */

function define(name: string, validate: (value: unknown, args: ValidationArguments) => boolean, message: (args: ValidationArguments) => string, options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name,
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message, ...options },
      validator: { validate },
    });
}

function siblingValue(args: ValidationArguments, property: string | undefined): unknown {
  return property ? (args.object as Record<string, unknown>)[property] : undefined;
}

/** The errors about the number itself (format, province, agreement with the siblings). */
function personalIdErrors(value: unknown, args: ValidationArguments, dateOfBirthProperty?: string, genderProperty?: string): FieldError[] {
  const dateOfBirth = siblingValue(args, dateOfBirthProperty);
  const gender = siblingValue(args, genderProperty);
  const errors = validatePersonalId(value, {
    field: args.property,
    // A malformed sibling is reported by its own validator; only a readable one is compared.
    ...(isValidLocalDate(dateOfBirth) ? { dateOfBirth } : {}),
    ...(gender === 'MALE' || gender === 'FEMALE' ? { gender } : {}),
  });
  return errors.filter((e) => e.field === args.property);
}

/**
 * A 12-digit personal ID (CONTRACT.md §2.2) that agrees with the date of birth and gender given
 * in the named sibling properties, when those are given.
 */
export function IsPersonalId(siblings: { dateOfBirth?: string; gender?: string } = {}, options?: ValidationOptions): PropertyDecorator {
  return define(
    'isPersonalId',
    (value, args) => personalIdErrors(value, args, siblings.dateOfBirth, siblings.gender).length === 0,
    (args) => personalIdErrors(args.value, args, siblings.dateOfBirth, siblings.gender).map((e) => e.message).join(' ') || 'Personal ID is not valid.',
    options,
  );
}

/** A real calendar date written `YYYY-MM-DD`. */
export function IsLocalDate(options?: ValidationOptions): PropertyDecorator {
  return define('isLocalDate', (value) => isValidLocalDate(value), (args) => `${args.property} must be a real date written YYYY-MM-DD.`, options);
}

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-](\d{2}):(\d{2}))$/;

/** RFC 3339 date-time with an offset (`Z` or `±HH:MM`), seconds required. */
export function isInstant(value: unknown): value is string {
  const m = typeof value === 'string' ? INSTANT.exec(value) : null;
  return (
    m !== null &&
    isValidLocalDate(`${m[1]}-${m[2]}-${m[3]}`) &&
    Number(m[4]) <= 23 &&
    Number(m[5]) <= 59 &&
    Number(m[6]) <= 59 &&
    (m[9] === undefined || (Number(m[9]) <= 23 && Number(m[10]) <= 59)) &&
    !Number.isNaN(Date.parse(m[0]))
  );
}

export function IsInstant(options?: ValidationOptions): PropertyDecorator {
  return define('isInstant', isInstant, (args) => `${args.property} must be an RFC 3339 date-time with offset, e.g. 2026-03-02T14:30:00+07:00.`, options);
}

/**
 * One part of an Address (provinceCode, wardCode or detail), checked with the whole address by
 * @d06/reference-data: official 2025 codes, ward inside the province, detail length.
 */
export function IsAddressPart(options?: ValidationOptions): PropertyDecorator {
  const errorsOf = (args: ValidationArguments) => validateAddress(args.object, 'address').filter((e) => e.field === `address.${args.property}`);
  return define(
    'isAddressPart',
    (_value, args) => errorsOf(args).length === 0,
    (args) => errorsOf(args).map((e) => e.message).join(' ') || `${args.property} is not valid.`,
    options,
  );
}

/** A 5-digit ward or commune code of the 2025 administrative units. */
export function IsWardCode(options?: ValidationOptions): PropertyDecorator {
  return define(
    'isWardCode',
    (value) => typeof value === 'string' && /^\d{5}$/.test(value) && findWard(value) !== undefined,
    (args) => `${args.property} must be the 5-digit code of a ward or commune since 1 July 2025.`,
    options,
  );
}

export { isUuid } from '@d06/contracts';
import { isUuid } from '@d06/contracts';

export function IsUuidString(options?: ValidationOptions): PropertyDecorator {
  return define('isUuidString', isUuid, (args) => `${args.property} must be a UUID.`, options);
}

/** Free text: a string of 1..max characters (code points after NFC), not only white space, no control characters. */
export function IsText(max: number, options?: ValidationOptions): PropertyDecorator {
  return define(
    'isText',
    (value) => {
      if (typeof value !== 'string') return false;
      const length = [...value.normalize('NFC')].length;
      // eslint-disable-next-line no-control-regex
      return length >= 1 && length <= max && value.trim() !== '' && !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(value);
    },
    (args) => `${args.property} must be text of 1 to ${max} characters.`,
    options,
  );
}

/** Same-object check: `property` (a local date) is on or before `other`. */
export function IsNotAfter(other: string, options?: ValidationOptions): PropertyDecorator {
  return define(
    'isNotAfter',
    (value, args) => {
      const end = siblingValue(args, other);
      return !isValidLocalDate(value) || !isValidLocalDate(end) || value <= end;
    },
    (args) => `${args.property} must be on or before ${other}.`,
    options,
  );
}

function isPresent(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/** Fails when `other` is also present: the two are alternatives. */
export function NotWith(other: string, options?: ValidationOptions): PropertyDecorator {
  return define('notWith', (_value, args) => !isPresent(siblingValue(args, other)), (args) => `Give either ${args.property} or ${other}, not both.`, options);
}

/** Fails when `other` is absent: this property only makes sense with it. */
export function OnlyWith(other: string, options?: ValidationOptions): PropertyDecorator {
  return define('onlyWith', (_value, args) => isPresent(siblingValue(args, other)), (args) => `${args.property} goes with ${other}.`, options);
}
