import type { CitizenVerificationRecord } from '@d06/identity-read-model';
import { verificationMatches } from './citizen-verification';

const alive: CitizenVerificationRecord = { status: 'ALIVE', fullNameNormalized: 'nguyễn văn an', dateOfBirth: '1990-05-17', gender: 'MALE' };
const id = '001090012345';

describe('verification', () => {
  it('given a living citizen, when every given field agrees, then it matches', () => {
    expect(verificationMatches(alive, { personalId: id })).toBe(true);
    expect(verificationMatches(alive, { personalId: id, fullName: 'Nguyễn Văn An', dateOfBirth: '1990-05-17', gender: 'MALE' })).toBe(true);
  });

  it('given a name typed decomposed, in capitals and with extra spaces, then it still matches', () => {
    expect(verificationMatches(alive, { personalId: id, fullName: '  NGUYE\u0302\u0303N   văn\u00a0AN ' })).toBe(true);
  });

  it('given one field that disagrees, then it does not match', () => {
    expect(verificationMatches(alive, { personalId: id, fullName: 'Nguyễn Văn Ân' })).toBe(false);
    expect(verificationMatches(alive, { personalId: id, fullName: 'Nguyen Van An' })).toBe(false);
    expect(verificationMatches(alive, { personalId: id, dateOfBirth: '1990-05-18' })).toBe(false);
    expect(verificationMatches(alive, { personalId: id, gender: 'FEMALE' })).toBe(false);
  });

  it('given an unknown or a deceased citizen, then both answer the same plain false', () => {
    expect(verificationMatches(null, { personalId: id })).toBe(false);
    expect(verificationMatches({ ...alive, status: 'DECEASED' }, { personalId: id, fullName: 'Nguyễn Văn An' })).toBe(false);
  });
});
