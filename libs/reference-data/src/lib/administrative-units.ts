import type { FieldError } from '@d06/contracts';
import units from '../data/vn-administrative-units-2025.json';

/**
 * Vietnam's administrative units after the 1 July 2025 reorganisation: 34 provinces (2-digit
 * codes) and 3,321 communes, wards and special zones (5-digit codes), GSO codes, from
 * `src/data/vn-administrative-units-2025.json` (provenance in src/data/README.md).
 * Addresses recorded before the reorganisation carry old codes and are refused here on purpose:
 * CONTRACT §2.2 takes only the current codes for new input.
 */
export interface Province {
  readonly code: string;
  readonly name: string;
}

export interface Ward {
  readonly code: string;
  readonly name: string;
  readonly provinceCode: string;
}

interface RawProvince {
  Code: string;
  FullName: string;
  Wards: readonly { Code: string; FullName: string; ProvinceCode: string }[];
}

const PROVINCES: readonly Province[] = Object.freeze(
  (units as readonly RawProvince[]).map((p) => Object.freeze({ code: p.Code, name: p.FullName })),
);
const PROVINCE_BY_CODE: ReadonlyMap<string, Province> = new Map(PROVINCES.map((p) => [p.code, p]));
const WARDS_BY_PROVINCE: ReadonlyMap<string, readonly Ward[]> = new Map(
  (units as readonly RawProvince[]).map((p) => [
    p.Code,
    Object.freeze(p.Wards.map((w) => Object.freeze({ code: w.Code, name: w.FullName, provinceCode: w.ProvinceCode }))),
  ]),
);
const WARD_BY_CODE: ReadonlyMap<string, Ward> = new Map(
  [...WARDS_BY_PROVINCE.values()].flat().map((w) => [w.code, w]),
);

export function listProvinces(): readonly Province[] {
  return PROVINCES;
}

export function findProvince(code: string): Province | undefined {
  return PROVINCE_BY_CODE.get(code);
}

export function findWard(code: string): Ward | undefined {
  return WARD_BY_CODE.get(code);
}

/** The communes, wards and special zones of a province; empty for an unknown code. */
export function listWards(provinceCode: string): readonly Ward[] {
  return WARDS_BY_PROVINCE.get(provinceCode) ?? [];
}

const PROVINCE_CODE_PATTERN = /^[0-9]{2}$/;
const WARD_CODE_PATTERN = /^[0-9]{5}$/;
export const ADDRESS_DETAIL_MAX_LENGTH = 500;

/**
 * The field errors of an Address `{provinceCode, wardCode, detail}` (CONTRACT §2.2), empty when
 * valid; every one is a 400. `field` prefixes the errors' fields (`address`,
 * `permanentAddress`, ...). Unknown keys are left to the HTTP edge, which whitelists DTOs.
 */
export function validateAddress(value: unknown, field = 'address'): FieldError[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return [{ field, message: 'Address must be an object with provinceCode, wardCode and detail.' }];
  }
  const { provinceCode, wardCode, detail } = value as Record<string, unknown>;
  const errors: FieldError[] = [];

  let province: Province | undefined;
  if (typeof provinceCode !== 'string' || !PROVINCE_CODE_PATTERN.test(provinceCode)) {
    errors.push({ field: `${field}.provinceCode`, message: 'Province code must be a string of 2 digits.' });
  } else {
    province = findProvince(provinceCode);
    if (!province) {
      errors.push({
        field: `${field}.provinceCode`,
        message: `Unknown province code ${provinceCode}: not one of the 34 provinces since 1 July 2025.`,
      });
    }
  }

  if (typeof wardCode !== 'string' || !WARD_CODE_PATTERN.test(wardCode)) {
    errors.push({ field: `${field}.wardCode`, message: 'Ward code must be a string of 5 digits.' });
  } else {
    const ward = findWard(wardCode);
    if (!ward) {
      errors.push({
        field: `${field}.wardCode`,
        message: `Unknown ward code ${wardCode}: not one of the communes and wards since 1 July 2025.`,
      });
    } else if (province && ward.provinceCode !== province.code) {
      errors.push({
        field: `${field}.wardCode`,
        message: `Ward ${wardCode} (${ward.name}) is not in province ${province.code} (${province.name}).`,
      });
    }
  }

  if (typeof detail !== 'string') {
    errors.push({ field: `${field}.detail`, message: 'Address detail must be a string.' });
  } else if (detail.trim() === '') {
    errors.push({ field: `${field}.detail`, message: 'Address detail must not be empty.' });
  } else if ([...detail.normalize('NFC')].length > ADDRESS_DETAIL_MAX_LENGTH) {
    // Counted in code points after NFC, so that a Vietnamese letter counts once whether it was
    // typed precomposed or as a base letter plus combining marks.
    errors.push({
      field: `${field}.detail`,
      message: `Address detail must be at most ${ADDRESS_DETAIL_MAX_LENGTH} characters.`,
    });
  }
  return errors;
}
