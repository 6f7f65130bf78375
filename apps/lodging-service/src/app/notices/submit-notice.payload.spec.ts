import { parseSubmitNotice } from './submit-notice.payload';

const ESTABLISHMENT = '9b2e4f60-1c3d-4a5b-8e7f-0a1b2c3d4e5f';
const valid = {
  establishmentId: ESTABLISHMENT,
  arrivalAt: '2026-03-02T14:30:00+07:00',
  expectedDepartureAt: '2026-03-05T12:00:00+07:00',
  room: '305',
  guests: [
    { personalId: '001090012345', fullName: 'Nguyễn Văn A', dateOfBirth: '1990-05-01' },
    { passportNumber: 'C1234567', nationality: 'FRA', fullName: 'Marie Dupont', dateOfBirth: '1988-11-03' },
  ],
};

function fieldsOf(raw: unknown): string[] {
  const parsed = parseSubmitNotice(raw);
  return parsed.ok ? [] : parsed.errors.map((e) => e.field);
}

describe('SubmitNotice payload shape', () => {
  it('given a well-formed notice with a Vietnamese and a foreign guest, when parsed, then it is accepted as given', () => {
    expect(parseSubmitNotice(valid)).toEqual({ ok: true, payload: valid });
  });

  it('given no expectedDepartureAt or room, when parsed, then both are null', () => {
    const parsed = parseSubmitNotice({ establishmentId: ESTABLISHMENT, arrivalAt: valid.arrivalAt, guests: [{ personalId: '001090012345' }] });
    expect(parsed).toEqual({
      ok: true,
      payload: { establishmentId: ESTABLISHMENT, arrivalAt: valid.arrivalAt, expectedDepartureAt: null, room: null, guests: [{ personalId: '001090012345' }] },
    });
  });

  it('given something that is not an object, when parsed, then it is refused', () => {
    expect(fieldsOf('notice')).toEqual(['']);
    expect(fieldsOf(null)).toEqual(['']);
    expect(fieldsOf([valid])).toEqual(['']);
  });

  it('given bad top-level fields, when parsed, then every one is named', () => {
    expect(fieldsOf({ establishmentId: 'x', arrivalAt: '2026-03-02 14:30', expectedDepartureAt: 5, room: '   ', guests: [] })).toEqual([
      'establishmentId',
      'arrivalAt',
      'expectedDepartureAt',
      'room',
      'guests',
    ]);
  });

  it('given an arrival without an offset, when parsed, then it is refused (a local time alone is ambiguous)', () => {
    expect(fieldsOf({ ...valid, arrivalAt: '2026-03-02T14:30:00' })).toEqual(['arrivalAt']);
  });

  it('given 201 guests, when parsed, then guests is refused; given 200, accepted', () => {
    const guest = (i: number) => ({ passportNumber: `P${String(i).padStart(7, '0')}`, nationality: 'KOR', fullName: `Guest ${i}`, dateOfBirth: '1990-01-01' });
    expect(fieldsOf({ ...valid, guests: Array.from({ length: 201 }, (_, i) => guest(i)) })).toEqual(['guests']);
    expect(parseSubmitNotice({ ...valid, guests: Array.from({ length: 200 }, (_, i) => guest(i)) }).ok).toBe(true);
  });

  it('given a guest with both personalId and passport, or neither, when parsed, then that guest is refused', () => {
    expect(fieldsOf({ ...valid, guests: [{ personalId: '001090012345', passportNumber: 'C1234567' }, { fullName: 'X' }] })).toEqual([
      'guests[0]',
      'guests[1]',
    ]);
  });

  it('given a personalId that breaks the rules or disagrees with the date of birth, when parsed, then it is a field error', () => {
    expect(fieldsOf({ ...valid, guests: [{ personalId: '12345' }] })).toEqual(['guests[0].personalId']);
    expect(fieldsOf({ ...valid, guests: [{ personalId: '003090012345' }] })).toEqual(['guests[0].personalId']);
    expect(fieldsOf({ ...valid, guests: [{ personalId: '001090012345', dateOfBirth: '1991-05-01' }] })).toEqual(['guests[0].personalId']);
    expect(fieldsOf({ ...valid, guests: [{ personalId: '001090012345', dateOfBirth: '1990-02-30' }] })).toEqual(['guests[0].dateOfBirth']);
  });

  it('given a foreign guest with a bad passport, nationality VNM or lower case, no name or date, when parsed, then each is named', () => {
    expect(fieldsOf({ ...valid, guests: [{ passportNumber: 'C1', nationality: 'VNM', fullName: 'A', dateOfBirth: '1990-01-01' }] })).toEqual([
      'guests[0].passportNumber',
      'guests[0].nationality',
    ]);
    expect(fieldsOf({ ...valid, guests: [{ passportNumber: 'C1234567', nationality: 'fra' }] })).toEqual([
      'guests[0].nationality',
      'guests[0].fullName',
      'guests[0].dateOfBirth',
    ]);
  });
});
