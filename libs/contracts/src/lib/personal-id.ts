import type { FieldError } from './rpc';

/**
 * The 12-digit personal identification number (số định danh cá nhân): Decree 137/2015 art. 13,
 * Circular 07/2016 art. 7, Circular 59/2021, Law on Identification 2023 art. 12; CONTRACT §2.2.
 *
 *   digits 1-3  province where the birth was registered (one of the 63 pre-2025 codes)
 *   digit  4    gender and century of birth
 *   digits 5-6  last two digits of the birth year
 *   digits 7-12 random; there is no check digit, so nothing more can be checked offline
 */

export type PersonalIdGender = 'MALE' | 'FEMALE';

export interface BirthRegistrationProvince {
  readonly code: string;
  readonly name: string;
}

/**
 * The 63 pre-2025 province codes (DOMAIN.md). They stay valid after the 2025 merger of
 * provinces because a personal ID is issued for life and never re-coded. Codes for births
 * registered abroad exist but their list is not published: callers that learn them pass them in
 * `extraRegistrationCodes` rather than editing this list.
 */
export const BIRTH_REGISTRATION_PROVINCE_CODES: readonly BirthRegistrationProvince[] = Object.freeze([
  { code: '001', name: 'Hà Nội' },
  { code: '002', name: 'Hà Giang' },
  { code: '004', name: 'Cao Bằng' },
  { code: '006', name: 'Bắc Kạn' },
  { code: '008', name: 'Tuyên Quang' },
  { code: '010', name: 'Lào Cai' },
  { code: '011', name: 'Điện Biên' },
  { code: '012', name: 'Lai Châu' },
  { code: '014', name: 'Sơn La' },
  { code: '015', name: 'Yên Bái' },
  { code: '017', name: 'Hòa Bình' },
  { code: '019', name: 'Thái Nguyên' },
  { code: '020', name: 'Lạng Sơn' },
  { code: '022', name: 'Quảng Ninh' },
  { code: '024', name: 'Bắc Giang' },
  { code: '025', name: 'Phú Thọ' },
  { code: '026', name: 'Vĩnh Phúc' },
  { code: '027', name: 'Bắc Ninh' },
  { code: '030', name: 'Hải Dương' },
  { code: '031', name: 'Hải Phòng' },
  { code: '033', name: 'Hưng Yên' },
  { code: '034', name: 'Thái Bình' },
  { code: '035', name: 'Hà Nam' },
  { code: '036', name: 'Nam Định' },
  { code: '037', name: 'Ninh Bình' },
  { code: '038', name: 'Thanh Hóa' },
  { code: '040', name: 'Nghệ An' },
  { code: '042', name: 'Hà Tĩnh' },
  { code: '044', name: 'Quảng Bình' },
  { code: '045', name: 'Quảng Trị' },
  { code: '046', name: 'Thừa Thiên Huế' },
  { code: '048', name: 'Đà Nẵng' },
  { code: '049', name: 'Quảng Nam' },
  { code: '051', name: 'Quảng Ngãi' },
  { code: '052', name: 'Bình Định' },
  { code: '054', name: 'Phú Yên' },
  { code: '056', name: 'Khánh Hòa' },
  { code: '058', name: 'Ninh Thuận' },
  { code: '060', name: 'Bình Thuận' },
  { code: '062', name: 'Kon Tum' },
  { code: '064', name: 'Gia Lai' },
  { code: '066', name: 'Đắk Lắk' },
  { code: '067', name: 'Đắk Nông' },
  { code: '068', name: 'Lâm Đồng' },
  { code: '070', name: 'Bình Phước' },
  { code: '072', name: 'Tây Ninh' },
  { code: '074', name: 'Bình Dương' },
  { code: '075', name: 'Đồng Nai' },
  { code: '077', name: 'Bà Rịa-Vũng Tàu' },
  { code: '079', name: 'Hồ Chí Minh City' },
  { code: '080', name: 'Long An' },
  { code: '082', name: 'Tiền Giang' },
  { code: '083', name: 'Bến Tre' },
  { code: '084', name: 'Trà Vinh' },
  { code: '086', name: 'Vĩnh Long' },
  { code: '087', name: 'Đồng Tháp' },
  { code: '089', name: 'An Giang' },
  { code: '091', name: 'Kiên Giang' },
  { code: '092', name: 'Cần Thơ' },
  { code: '093', name: 'Hậu Giang' },
  { code: '094', name: 'Sóc Trăng' },
  { code: '095', name: 'Bạc Liêu' },
  { code: '096', name: 'Cà Mau' },
]);

const PROVINCE_NAME_BY_CODE: ReadonlyMap<string, string> = new Map(
  BIRTH_REGISTRATION_PROVINCE_CODES.map(({ code, name }) => [code, name]),
);

/** The years digit 4 can encode: 0/1 for 1900-1999 up to 8/9 for 2300-2399. */
export const PERSONAL_ID_FIRST_BIRTH_YEAR = 1900;
export const PERSONAL_ID_LAST_BIRTH_YEAR = 2399;

const PERSONAL_ID_PATTERN = /^[0-9]{12}$/;
const LOCAL_DATE_PATTERN = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;

/** True for a `YYYY-MM-DD` string naming a real day of the (proleptic) Gregorian calendar. */
export function isValidLocalDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = LOCAL_DATE_PATTERN.exec(value);
  if (!match) return false;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

function daysInMonth(year: number, month: number): number {
  switch (month) {
    case 2:
      return isLeapYear(year) ? 29 : 28;
    case 4:
    case 6:
    case 9:
    case 11:
      return 30;
    default:
      return 31;
  }
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Digit 4 for a birth year and gender, e.g. (1990, 'FEMALE') -> 1, (2005, 'MALE') -> 2. */
export function birthYearCenturyDigit(year: number, gender: PersonalIdGender): number {
  if (!Number.isInteger(year) || year < PERSONAL_ID_FIRST_BIRTH_YEAR || year > PERSONAL_ID_LAST_BIRTH_YEAR) {
    throw new RangeError(
      `A personal ID encodes birth years ${PERSONAL_ID_FIRST_BIRTH_YEAR}-${PERSONAL_ID_LAST_BIRTH_YEAR}, not ${year}.`,
    );
  }
  const centuryIndex = Math.floor((year - PERSONAL_ID_FIRST_BIRTH_YEAR) / 100);
  return centuryIndex * 2 + genderOffset(gender);
}

function genderOffset(gender: PersonalIdGender): 0 | 1 {
  switch (gender) {
    case 'MALE':
      return 0;
    case 'FEMALE':
      return 1;
    default: {
      const unhandled: never = gender;
      throw new Error(`unhandled gender: ${String(unhandled)}`);
    }
  }
}

function genderOfDigit(digit: number): PersonalIdGender {
  return digit % 2 === 0 ? 'MALE' : 'FEMALE';
}

function firstYearOfDigit(digit: number): number {
  return PERSONAL_ID_FIRST_BIRTH_YEAR + Math.floor(digit / 2) * 100;
}

export interface PersonalIdParts {
  /** digits 1-3 */
  provinceCode: string;
  /** undefined for a code accepted only through `extraRegistrationCodes` */
  provinceName: string | undefined;
  /** from digit 4 */
  gender: PersonalIdGender;
  /** digit 4's century plus digits 5-6: the two digits alone fit any of five centuries */
  birthYear: number;
  /** digits 7-12 */
  serial: string;
}

/** The parts of a well-formed personal ID, or undefined when it breaks a rule. */
export function describePersonalId(
  id: unknown,
  opts: { extraRegistrationCodes?: readonly string[] } = {},
): PersonalIdParts | undefined {
  if (validatePersonalId(id, opts).length > 0 || typeof id !== 'string') return undefined;
  const provinceCode = id.slice(0, 3);
  const centuryDigit = Number(id[3]);
  return {
    provinceCode,
    provinceName: PROVINCE_NAME_BY_CODE.get(provinceCode),
    gender: genderOfDigit(centuryDigit),
    birthYear: firstYearOfDigit(centuryDigit) + Number(id.slice(4, 6)),
    serial: id.slice(6),
  };
}

export interface PersonalIdValidationOptions {
  /** When given, must be a real YYYY-MM-DD date agreeing with digits 4-6. */
  dateOfBirth?: string;
  /** When given, must agree with digit 4. */
  gender?: PersonalIdGender;
  /** Field name for errors about the ID itself; default `personalId`. */
  field?: string;
  /** Registration codes accepted besides the 63 provinces (births registered abroad). */
  extraRegistrationCodes?: readonly string[];
}

/**
 * The rule violations of a personal ID, as field errors (CONTRACT §2.2: each is a 400); empty
 * when valid. An unreadable dateOfBirth or gender is reported on its sibling field (the ID
 * field's last segment replaced, e.g. `guests[2].personalId` -> `guests[2].dateOfBirth`),
 * disagreement with the number on the ID field.
 */
export function validatePersonalId(id: unknown, opts: PersonalIdValidationOptions = {}): FieldError[] {
  const field = opts.field ?? 'personalId';
  if (typeof id !== 'string' || !PERSONAL_ID_PATTERN.test(id)) {
    return [{ field, message: 'Personal ID must be exactly 12 ASCII digits.' }];
  }

  const errors: FieldError[] = [];
  const provinceCode = id.slice(0, 3);
  if (!PROVINCE_NAME_BY_CODE.has(provinceCode) && !(opts.extraRegistrationCodes ?? []).includes(provinceCode)) {
    errors.push({
      field,
      message: `Personal ID digits 1-3 must be a birth registration province code; ${provinceCode} is not one.`,
    });
  }

  const centuryDigit = Number(id[3]);
  const yearDigits = id.slice(4, 6);

  if (opts.dateOfBirth !== undefined) {
    if (!isValidLocalDate(opts.dateOfBirth)) {
      errors.push({
        field: siblingField(field, 'dateOfBirth'),
        message: 'Date of birth must be a real date written YYYY-MM-DD.',
      });
    } else {
      const birthYear = Number(opts.dateOfBirth.slice(0, 4));
      const firstYear = firstYearOfDigit(centuryDigit);
      if (birthYear < firstYear || birthYear > firstYear + 99) {
        errors.push({
          field,
          message: `Personal ID digit 4 (${centuryDigit}) means born in ${firstYear}-${firstYear + 99}, but the date of birth is in ${birthYear}.`,
        });
      }
      if (yearDigits !== opts.dateOfBirth.slice(2, 4)) {
        errors.push({
          field,
          message: `Personal ID digits 5-6 (${yearDigits}) must be the last two digits of the birth year ${birthYear}.`,
        });
      }
    }
  }

  if (opts.gender !== undefined) {
    if (opts.gender !== 'MALE' && opts.gender !== 'FEMALE') {
      errors.push({ field: siblingField(field, 'gender'), message: 'PersonalIdGender must be MALE or FEMALE.' });
    } else if (genderOfDigit(centuryDigit) !== opts.gender) {
      errors.push({
        field,
        message: `Personal ID digit 4 (${centuryDigit}) means ${genderOfDigit(centuryDigit)}, but the gender given is ${opts.gender}.`,
      });
    }
  }

  return errors;
}

export function isValidPersonalId(id: unknown, opts: PersonalIdValidationOptions = {}): id is string {
  return validatePersonalId(id, opts).length === 0;
}

function siblingField(field: string, name: string): string {
  const dot = field.lastIndexOf('.');
  return dot < 0 ? name : `${field.slice(0, dot + 1)}${name}`;
}
