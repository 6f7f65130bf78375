import { type KnownCitizen, isVietnameseGuestVerified } from './guest-verification.rules';

const known: KnownCitizen = { status: 'ALIVE', fullName: 'Trần Thị Bích Ngọc', dateOfBirth: '2001-09-02' };

describe('isVietnameseGuestVerified', () => {
  it('needs a known, living citizen', () => {
    expect(isVietnameseGuestVerified({}, known)).toBe(true);
    expect(isVietnameseGuestVerified({}, null)).toBe(false);
    expect(isVietnameseGuestVerified({}, { ...known, status: 'DECEASED' })).toBe(false);
  });

  it('compares names after NFC, case folding and white-space collapsing', () => {
    expect(isVietnameseGuestVerified({ fullName: '  TRẦN   thị bích\tNGỌC ' }, known)).toBe(true);
    expect(isVietnameseGuestVerified({ fullName: 'Tra\u0302\u0300n Thi\u0323 Bi\u0301ch Ngo\u0323c' }, known)).toBe(true);
    expect(isVietnameseGuestVerified({ fullName: 'Tran Thi Bich Ngoc' }, known)).toBe(false);
  });

  it('compares dates of birth exactly', () => {
    expect(isVietnameseGuestVerified({ dateOfBirth: '2001-09-02' }, known)).toBe(true);
    expect(isVietnameseGuestVerified({ dateOfBirth: '2001-09-03' }, known)).toBe(false);
  });

  it('treats null and blank values as not given', () => {
    expect(isVietnameseGuestVerified({ fullName: null, dateOfBirth: null }, known)).toBe(true);
    expect(isVietnameseGuestVerified({ fullName: ' ', dateOfBirth: '' }, known)).toBe(true);
  });
});
