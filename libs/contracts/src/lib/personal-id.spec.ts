import fc from 'fast-check';
import {
  BIRTH_REGISTRATION_PROVINCE_CODES,
  birthYearCenturyDigit,
  describePersonalId,
  type PersonalIdGender,
  isValidLocalDate,
  isValidPersonalId,
  validatePersonalId,
} from './personal-id';

const LISTED_CODES = new Set(BIRTH_REGISTRATION_PROVINCE_CODES.map((p) => p.code));

interface ValidTriple {
  id: string;
  dateOfBirth: string;
  gender: PersonalIdGender;
}

/** Valid (id, dateOfBirth, gender) triples over every listed province and encodable year. */
const validTriple: fc.Arbitrary<ValidTriple> = fc
  .record({
    provinceCode: fc.constantFrom(...LISTED_CODES),
    gender: fc.constantFrom<PersonalIdGender>('MALE', 'FEMALE'),
    birth: fc.date({
      min: new Date(Date.UTC(1900, 0, 1)),
      max: new Date(Date.UTC(2399, 11, 31)),
      noInvalidDate: true,
    }),
    serial: fc.integer({ min: 0, max: 999_999 }),
  })
  .map(({ provinceCode, gender, birth, serial }) => {
    const dateOfBirth = birth.toISOString().slice(0, 10);
    const year = Number(dateOfBirth.slice(0, 4));
    const id =
      provinceCode +
      String(birthYearCenturyDigit(year, gender)) +
      dateOfBirth.slice(2, 4) +
      String(serial).padStart(6, '0');
    return { id, dateOfBirth, gender };
  });

function withDigit(id: string, position: number, digit: string): string {
  return id.slice(0, position) + digit + id.slice(position + 1);
}

describe('personal ID: properties', () => {
  it('given a generated valid (id, dateOfBirth, gender) triple, when validated, then there are no errors', () => {
    fc.assert(
      fc.property(validTriple, ({ id, dateOfBirth, gender }) => {
        expect(validatePersonalId(id, { dateOfBirth, gender })).toEqual([]);
        expect(isValidPersonalId(id, { dateOfBirth, gender })).toBe(true);
      }),
    );
  });

  it('given a valid triple, when any single digit changes, then it is refused exactly when it breaks a rule', () => {
    fc.assert(
      fc.property(validTriple, ({ id, dateOfBirth, gender }) => {
        for (let position = 0; position < 12; position++) {
          for (const digit of '0123456789') {
            if (digit === id[position]) continue;
            const mutated = withDigit(id, position, digit);
            const errors = validatePersonalId(mutated, { dateOfBirth, gender });
            // Digits 1-3 break a rule only when they leave the list; digit 4 always changes the
            // gender or the century; 5-6 always change the year; 7-12 are free.
            const shouldBeAccepted =
              position < 3 ? LISTED_CODES.has(mutated.slice(0, 3)) : position >= 6;
            if (shouldBeAccepted) {
              expect({ mutated, errors }).toEqual({ mutated, errors: [] });
            } else {
              expect(errors.length).toBeGreaterThan(0);
              expect(errors.every((e) => e.field === 'personalId')).toBe(true);
            }
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('given a valid id without date of birth or gender, when digits 4-12 change, then it is still accepted', () => {
    fc.assert(
      fc.property(validTriple, fc.integer({ min: 3, max: 11 }), fc.integer({ min: 0, max: 9 }), (t, position, digit) => {
        expect(validatePersonalId(withDigit(t.id, position, String(digit)))).toEqual([]);
      }),
    );
  });

  it('given a valid triple, when described, then the parts give back the province, gender and birth year', () => {
    fc.assert(
      fc.property(validTriple, ({ id, dateOfBirth, gender }) => {
        expect(describePersonalId(id)).toEqual({
          provinceCode: id.slice(0, 3),
          provinceName: BIRTH_REGISTRATION_PROVINCE_CODES.find((p) => p.code === id.slice(0, 3))?.name,
          gender,
          birthYear: Number(dateOfBirth.slice(0, 4)),
          serial: id.slice(6),
        });
      }),
    );
  });

  it('given any string that is not 12 ASCII digits, when validated, then the format error is the only error', () => {
    fc.assert(
      fc.property(
        fc.string().filter((s) => !/^[0-9]{12}$/.test(s)),
        (s) => {
          expect(validatePersonalId(s, { dateOfBirth: '1990-01-01', gender: 'MALE' })).toEqual([
            { field: 'personalId', message: 'Personal ID must be exactly 12 ASCII digits.' },
          ]);
        },
      ),
    );
  });
});

describe('personal ID: examples', () => {
  // 066 Đắk Lắk, digit 4 = 1 (female, 1900s), 90 -> born 1990.
  const ID = '066190123456';

  it('given a valid id, date of birth and gender, when validated, then there are no errors', () => {
    expect(validatePersonalId(ID, { dateOfBirth: '1990-05-17', gender: 'FEMALE' })).toEqual([]);
    expect(validatePersonalId('001203000001', { dateOfBirth: '2003-12-31', gender: 'MALE' })).toEqual([]);
    expect(validatePersonalId('096999999999', { dateOfBirth: '2399-01-01', gender: 'FEMALE' })).toEqual([]);
  });

  it.each([
    ['a number', 66190123456],
    ['null', null],
    ['undefined', undefined],
    ['11 digits', '06619012345'],
    ['13 digits', '0661901234567'],
    ['a space', '066190 23456'],
    ['a letter', '06619012345A'],
    ['full-width digits', '０６６１９０１２３４５６'],
    ['Arabic-Indic digits', '٠٦٦١٩٠١٢٣٤٥٦'],
    ['surrounding whitespace', ' 066190123456 '],
  ])('given %s, when validated, then it must be exactly 12 ASCII digits', (_what, id) => {
    expect(validatePersonalId(id)).toEqual([
      { field: 'personalId', message: 'Personal ID must be exactly 12 ASCII digits.' },
    ]);
    expect(isValidPersonalId(id)).toBe(false);
  });

  it.each(['000', '003', '097', '099', '100', '999'])(
    'given province code %s, not one of the 63, when validated, then digits 1-3 are refused',
    (code) => {
      expect(validatePersonalId(code + '190123456')).toEqual([
        {
          field: 'personalId',
          message: `Personal ID digits 1-3 must be a birth registration province code; ${code} is not one.`,
        },
      ]);
    },
  );

  it('given a code for a birth registered abroad, when it is passed as an extra code, then it is accepted', () => {
    expect(validatePersonalId('900190123456')).toHaveLength(1);
    expect(validatePersonalId('900190123456', { extraRegistrationCodes: ['900'] })).toEqual([]);
    expect(describePersonalId('900190123456', { extraRegistrationCodes: ['900'] })?.provinceName).toBeUndefined();
  });

  it('given digit 4 for the 1900s and a birth in 2090, when validated, then the century disagrees', () => {
    expect(validatePersonalId(ID, { dateOfBirth: '2090-05-17' })).toEqual([
      {
        field: 'personalId',
        message: 'Personal ID digit 4 (1) means born in 1900-1999, but the date of birth is in 2090.',
      },
    ]);
  });

  it('given digits 5-6 of 90 and a birth in 1991, when validated, then the year digits disagree', () => {
    expect(validatePersonalId(ID, { dateOfBirth: '1991-05-17' })).toEqual([
      {
        field: 'personalId',
        message: 'Personal ID digits 5-6 (90) must be the last two digits of the birth year 1991.',
      },
    ]);
  });

  it('given a birth before 1900, when validated, then no digit 4 can match it', () => {
    expect(validatePersonalId('066099123456', { dateOfBirth: '1899-12-31' })).toEqual([
      {
        field: 'personalId',
        message: 'Personal ID digit 4 (0) means born in 1900-1999, but the date of birth is in 1899.',
      },
    ]);
  });

  it('given digit 4 for a woman and gender MALE, when validated, then the gender disagrees', () => {
    expect(validatePersonalId(ID, { gender: 'MALE' })).toEqual([
      {
        field: 'personalId',
        message: 'Personal ID digit 4 (1) means FEMALE, but the gender given is MALE.',
      },
    ]);
  });

  it('given several rules broken at once, when validated, then each is reported', () => {
    expect(validatePersonalId('003290123456', { dateOfBirth: '1991-01-01', gender: 'FEMALE' })).toHaveLength(4);
  });

  it.each(['1990-02-30', '1990-2-3', '17/05/1990', '1990-05-17T00:00:00Z', ''])(
    'given the date of birth %p, not a real YYYY-MM-DD date, when validated, then the date of birth is refused',
    (dateOfBirth) => {
      expect(validatePersonalId(ID, { dateOfBirth })).toEqual([
        { field: 'dateOfBirth', message: 'Date of birth must be a real date written YYYY-MM-DD.' },
      ]);
    },
  );

  it('given an unknown gender from untyped input, when validated, then the gender is refused', () => {
    expect(validatePersonalId(ID, { gender: 'OTHER' as PersonalIdGender })).toEqual([
      { field: 'gender', message: 'PersonalIdGender must be MALE or FEMALE.' },
    ]);
  });

  it('given a nested field name, when validated, then errors name that field and its siblings', () => {
    expect(validatePersonalId('12', { field: 'guests[2].personalId' })).toEqual([
      { field: 'guests[2].personalId', message: 'Personal ID must be exactly 12 ASCII digits.' },
    ]);
    expect(validatePersonalId(ID, { field: 'guests[2].personalId', dateOfBirth: '1990-13-01' })).toEqual([
      { field: 'guests[2].dateOfBirth', message: 'Date of birth must be a real date written YYYY-MM-DD.' },
    ]);
  });
});

describe('birthYearCenturyDigit', () => {
  it.each<[number, PersonalIdGender, number]>([
    [1900, 'MALE', 0],
    [1999, 'FEMALE', 1],
    [2000, 'MALE', 2],
    [2099, 'FEMALE', 3],
    [2100, 'MALE', 4],
    [2150, 'FEMALE', 5],
    [2200, 'MALE', 6],
    [2299, 'FEMALE', 7],
    [2300, 'MALE', 8],
    [2399, 'FEMALE', 9],
  ])('given %i and %s, when encoded, then digit 4 is %i', (year, gender, digit) => {
    expect(birthYearCenturyDigit(year, gender)).toBe(digit);
  });

  it.each([1899, 2400, 1990.5, Number.NaN])('given the year %p, when encoded, then it is out of range', (year) => {
    expect(() => birthYearCenturyDigit(year, 'MALE')).toThrow(RangeError);
  });
});

describe('describePersonalId', () => {
  it('given a valid id, when described, then the century digit resolves the two-digit year', () => {
    expect(describePersonalId('079203001234')).toEqual({
      provinceCode: '079',
      provinceName: 'Hồ Chí Minh City',
      gender: 'MALE',
      birthYear: 2003,
      serial: '001234',
    });
    expect(describePersonalId('079103001234')?.birthYear).toBe(1903);
  });

  it('given an id that breaks a rule, when described, then there is nothing to describe', () => {
    expect(describePersonalId('003203001234')).toBeUndefined();
    expect(describePersonalId('07920300123')).toBeUndefined();
    expect(describePersonalId(79203001234)).toBeUndefined();
  });
});

describe('BIRTH_REGISTRATION_PROVINCE_CODES', () => {
  it('given DOMAIN.md, then it lists 63 distinct 3-digit codes from 001 Hà Nội to 096 Cà Mau', () => {
    expect(BIRTH_REGISTRATION_PROVINCE_CODES).toHaveLength(63);
    expect(LISTED_CODES.size).toBe(63);
    expect([...LISTED_CODES].every((c) => /^0[0-9]{2}$/.test(c))).toBe(true);
    expect(BIRTH_REGISTRATION_PROVINCE_CODES[0]).toEqual({ code: '001', name: 'Hà Nội' });
    expect(BIRTH_REGISTRATION_PROVINCE_CODES[62]).toEqual({ code: '096', name: 'Cà Mau' });
  });
});

describe('isValidLocalDate', () => {
  it.each(['2024-02-29', '2000-02-29', '2025-12-31', '1900-01-01', '2025-04-30'])(
    'given %s, then it is a real date',
    (s) => {
      expect(isValidLocalDate(s)).toBe(true);
    },
  );

  it.each([
    '1900-02-29',
    '2023-02-29',
    '2025-04-31',
    '2025-13-01',
    '2025-00-10',
    '2025-01-00',
    '2025-1-01',
    ' 2025-01-01',
    '2025-01-01T00:00',
    '２０２５-01-01',
    20250101,
    null,
  ])('given %p, then it is not', (s) => {
    expect(isValidLocalDate(s)).toBe(false);
  });

  it('given any real day, when written as YYYY-MM-DD, then it is valid', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date(Date.UTC(1, 0, 1)), max: new Date(Date.UTC(9999, 11, 31)), noInvalidDate: true }),
        (d) => {
          expect(isValidLocalDate(d.toISOString().slice(0, 10))).toBe(true);
        },
      ),
    );
  });
});
