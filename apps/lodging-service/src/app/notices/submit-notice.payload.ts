import { VIETNAMESE_NATIONALITY, validatePersonalId, isValidLocalDate, type GuestInput, type SubmitNoticePayload, type FieldError } from '@d06/contracts';
import { MAX_GUESTS_PER_NOTICE } from '@d06/lodging-domain';
import { PayloadReader, isObject, type Fields } from '../common/payload-checks';

export const ROOM_MAX = 50;
export const GUEST_NAME_MAX = 200;
const PASSPORT_NUMBER = /^[A-Za-z0-9]{5,20}$/;
const ALPHA3 = /^[A-Z]{3}$/;

export type ParsedNotice = { ok: true; payload: SubmitNoticePayload } | { ok: false; errors: FieldError[] };

function vietnameseGuest(r: PayloadReader, g: Fields, prefix: string): GuestInput {
  const fullName = r.optionalText(g, 'fullName', GUEST_NAME_MAX, prefix);
  let dateOfBirth: string | null = null;
  if (g['dateOfBirth'] !== undefined && g['dateOfBirth'] !== null) dateOfBirth = r.localDate(g, 'dateOfBirth', prefix);
  const personalId = g['personalId'];
  // Digits 4-6 encode the birth year: a date of birth that contradicts them is a 400.
  r.errors.push(
    ...validatePersonalId(personalId, {
      field: `${prefix}personalId`,
      ...(dateOfBirth !== null && isValidLocalDate(dateOfBirth) ? { dateOfBirth } : {}),
    }),
  );
  return {
    personalId: typeof personalId === 'string' ? personalId : '',
    ...(fullName !== null ? { fullName } : {}),
    ...(dateOfBirth !== null ? { dateOfBirth } : {}),
  };
}

function foreignGuest(r: PayloadReader, g: Fields, prefix: string): GuestInput {
  const passportNumber = g['passportNumber'];
  if (typeof passportNumber !== 'string' || !PASSPORT_NUMBER.test(passportNumber)) {
    r.fail(`${prefix}passportNumber`, 'must be 5 to 20 letters or digits');
  }
  const nationality = g['nationality'];
  if (typeof nationality !== 'string' || !ALPHA3.test(nationality)) {
    r.fail(`${prefix}nationality`, 'must be an ISO 3166-1 alpha-3 code in capitals, e.g. FRA');
  } else if (nationality === VIETNAMESE_NATIONALITY) {
    r.fail(`${prefix}nationality`, 'Vietnamese guests are identified by personalId, not by passport');
  }
  const fullName = r.text(g, 'fullName', GUEST_NAME_MAX, prefix);
  const dateOfBirth = r.localDate(g, 'dateOfBirth', prefix);
  return {
    passportNumber: typeof passportNumber === 'string' ? passportNumber : '',
    nationality: typeof nationality === 'string' ? nationality : '',
    fullName,
    dateOfBirth,
  };
}

/** The shape of a `SubmitNotice` payload (CONTRACT.md §2.5), every problem listed at once. */
export function parseSubmitNotice(raw: unknown): ParsedNotice {
  if (!isObject(raw)) return { ok: false, errors: [{ field: '', message: 'the payload must be an object' }] };
  const r = new PayloadReader();
  const establishmentId = r.uuid(raw, 'establishmentId');
  const arrivalAt = r.instant(raw, 'arrivalAt');
  const expectedDepartureAt = r.optionalInstant(raw, 'expectedDepartureAt');
  const room = r.optionalText(raw, 'room', ROOM_MAX);
  const rawGuests = raw['guests'];
  const guests: GuestInput[] = [];
  if (!Array.isArray(rawGuests) || rawGuests.length === 0 || rawGuests.length > MAX_GUESTS_PER_NOTICE) {
    r.fail('guests', `must be an array of 1 to ${MAX_GUESTS_PER_NOTICE} guests`);
  } else {
    rawGuests.forEach((g: unknown, i) => {
      const prefix = `guests[${i}].`;
      if (!isObject(g)) {
        r.fail(`guests[${i}]`, 'must be an object');
        return;
      }
      const hasPersonalId = g['personalId'] !== undefined;
      const hasPassport = g['passportNumber'] !== undefined;
      if (hasPersonalId && hasPassport) {
        r.fail(`guests[${i}]`, 'give either personalId (Vietnamese guests) or passportNumber (foreign guests), not both');
        return;
      }
      if (!hasPersonalId && !hasPassport) {
        r.fail(`guests[${i}]`, 'needs personalId (Vietnamese guests) or passportNumber, nationality, fullName and dateOfBirth (foreign guests)');
        return;
      }
      guests.push(hasPersonalId ? vietnameseGuest(r, g, prefix) : foreignGuest(r, g, prefix));
    });
  }
  if (!r.ok) return { ok: false, errors: r.errors };
  return { ok: true, payload: { establishmentId, arrivalAt, expectedDepartureAt, room, guests } };
}
