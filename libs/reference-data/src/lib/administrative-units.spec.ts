import { findProvince, findWard, listProvinces, listWards, validateAddress } from './administrative-units';

// Phường Tân An, Đắk Lắk: the model ward of DOMAIN.md, code after the 2025 reorganisation.
const TAN_AN = { provinceCode: '66', wardCode: '24163', detail: '12 Lê Duẩn' };

describe('administrative units', () => {
  it('given the 2025 data, when loaded, then there are 34 provinces and 3,321 wards, each code unique', () => {
    const provinces = listProvinces();
    expect(provinces).toHaveLength(34);
    expect(new Set(provinces.map((p) => p.code)).size).toBe(34);
    const wards = provinces.flatMap((p) => listWards(p.code));
    expect(wards).toHaveLength(3321);
    expect(new Set(wards.map((w) => w.code)).size).toBe(3321);
    expect(wards.every((w) => /^[0-9]{5}$/.test(w.code) && findWard(w.code) === w)).toBe(true);
  });

  it('given a province code, when looked up, then the current province is found and a merged one is not', () => {
    expect(findProvince('66')).toEqual({ code: '66', name: 'Tỉnh Đắk Lắk' });
    expect(findProvince('01')).toEqual({ code: '01', name: 'Thành phố Hà Nội' });
    expect(findProvince('67')).toBeUndefined(); // Đắk Nông, merged into Lâm Đồng on 1 July 2025
    expect(findProvince('1')).toBeUndefined();
    expect(listWards('67')).toEqual([]);
  });

  it('given a ward code, when looked up, then it comes with its name and province', () => {
    expect(findWard('24163')).toEqual({ code: '24163', name: 'Phường Tân An', provinceCode: '66' });
    expect(findWard('00004')).toEqual({ code: '00004', name: 'Phường Ba Đình', provinceCode: '01' });
    expect(findWard('99999')).toBeUndefined();
  });
});

describe('validateAddress', () => {
  it('given a ward inside its province and a detail, when validated, then there are no errors', () => {
    expect(validateAddress(TAN_AN)).toEqual([]);
    expect(validateAddress({ ...TAN_AN, detail: 'x'.repeat(500) })).toEqual([]);
  });

  it.each([null, 'Tân An', 42, ['66', '24163', 'x']])('given %p, when validated, then it is not an address', (value) => {
    expect(validateAddress(value)).toEqual([
      { field: 'address', message: 'Address must be an object with provinceCode, wardCode and detail.' },
    ]);
  });

  it('given an unknown province code, when validated, then the province code is refused', () => {
    expect(validateAddress({ ...TAN_AN, provinceCode: '67' })).toEqual([
      {
        field: 'address.provinceCode',
        message: 'Unknown province code 67: not one of the 34 provinces since 1 July 2025.',
      },
    ]);
  });

  it('given an unknown ward code, when validated, then the ward code is refused', () => {
    expect(validateAddress({ ...TAN_AN, wardCode: '99999' })).toEqual([
      {
        field: 'address.wardCode',
        message: 'Unknown ward code 99999: not one of the communes and wards since 1 July 2025.',
      },
    ]);
  });

  it('given a ward of another province, when validated, then the ward is refused as outside the province', () => {
    expect(validateAddress({ ...TAN_AN, wardCode: '00004' })).toEqual([
      {
        field: 'address.wardCode',
        message: 'Ward 00004 (Phường Ba Đình) is not in province 66 (Tỉnh Đắk Lắk).',
      },
    ]);
  });

  it.each([
    ['provinceCode', 66, 'address.provinceCode', 'Province code must be a string of 2 digits.'],
    ['provinceCode', '066', 'address.provinceCode', 'Province code must be a string of 2 digits.'],
    ['provinceCode', undefined, 'address.provinceCode', 'Province code must be a string of 2 digits.'],
    ['wardCode', '2416', 'address.wardCode', 'Ward code must be a string of 5 digits.'],
    ['wardCode', 24163, 'address.wardCode', 'Ward code must be a string of 5 digits.'],
    ['detail', undefined, 'address.detail', 'Address detail must be a string.'],
    ['detail', '', 'address.detail', 'Address detail must not be empty.'],
    ['detail', '   ', 'address.detail', 'Address detail must not be empty.'],
    ['detail', 'x'.repeat(501), 'address.detail', 'Address detail must be at most 500 characters.'],
  ])('given %s = %p, when validated, then %s is refused', (key, value, field, message) => {
    expect(validateAddress({ ...TAN_AN, [key]: value })).toEqual([{ field, message }]);
  });

  it('given 500 Vietnamese letters typed with combining marks, when validated, then each counts once', () => {
    const decomposed = 'ễ'.normalize('NFD').repeat(500);
    expect(decomposed.length).toBe(1500);
    expect(validateAddress({ ...TAN_AN, detail: decomposed })).toEqual([]);
  });

  it('given an unknown province and a ward elsewhere, when validated, then only the province is reported', () => {
    expect(validateAddress({ ...TAN_AN, provinceCode: '99' }).map((e) => e.field)).toEqual(['address.provinceCode']);
  });

  it('given a field name, when validated, then the errors are under it', () => {
    expect(validateAddress({ provinceCode: '66', wardCode: '00004', detail: '' }, 'permanentAddress')).toEqual([
      expect.objectContaining({ field: 'permanentAddress.wardCode' }),
      expect.objectContaining({ field: 'permanentAddress.detail' }),
    ]);
  });
});
