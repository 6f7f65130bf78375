import {
  parseGetAccessLog,
  parseGetCitizen,
  parseGetStream,
  parseRecordDeath,
  parseRegisterCitizen,
  parseShareCitizen,
  parseVerifyCitizen,
} from './identity-payloads';

const HANOI = { provinceCode: '01', wardCode: '00004', detail: 'Số 12 phố Điện Biên Phủ' };
const AN = { personalId: '001090012345', fullName: 'Nguyễn Văn An', dateOfBirth: '1990-05-17', gender: 'MALE' };

function fieldsOf(result: { ok: boolean; errors?: { field: string }[] }): string[] {
  return result.ok ? [] : (result.errors ?? []).map((e) => e.field);
}

describe('RegisterCitizen payload', () => {
  it('given a well-formed citizen with an address, then it parses and keeps only the address fields', () => {
    const result = parseRegisterCitizen({ ...AN, permanentAddress: { ...HANOI, extra: 'x' } });
    expect(result).toEqual({ ok: true, value: { ...AN, permanentAddress: HANOI } });
  });

  it('given no address (absent or null), then permanentAddress is null', () => {
    expect(parseRegisterCitizen(AN)).toEqual({ ok: true, value: { ...AN, permanentAddress: null } });
    expect(parseRegisterCitizen({ ...AN, permanentAddress: null })).toEqual({ ok: true, value: { ...AN, permanentAddress: null } });
  });

  it('given a payload that is not an object, then it is refused as a whole', () => {
    expect(fieldsOf(parseRegisterCitizen('x'))).toEqual(['payload']);
    expect(fieldsOf(parseRegisterCitizen(null))).toEqual(['payload']);
    expect(fieldsOf(parseRegisterCitizen([AN]))).toEqual(['payload']);
  });

  it('given a malformed personal ID or one with an unknown province, then personalId is refused', () => {
    expect(fieldsOf(parseRegisterCitizen({ ...AN, personalId: '00109001234' }))).toEqual(['personalId']);
    expect(fieldsOf(parseRegisterCitizen({ ...AN, personalId: '003090012345' }))).toEqual(['personalId']);
  });

  it('given a date of birth or gender disagreeing with the number, then personalId is refused', () => {
    expect(fieldsOf(parseRegisterCitizen({ ...AN, dateOfBirth: '1991-05-17' }))).toEqual(['personalId']);
    expect(fieldsOf(parseRegisterCitizen({ ...AN, dateOfBirth: '2090-05-17' }))).toEqual(['personalId']);
    expect(fieldsOf(parseRegisterCitizen({ ...AN, gender: 'FEMALE' }))).toEqual(['personalId']);
  });

  it('given unreadable fields, then each is reported on its own field and not twice', () => {
    const result = parseRegisterCitizen({ personalId: AN.personalId, fullName: '  ', dateOfBirth: '1990-02-30', gender: 'X' });
    expect(fieldsOf(result).sort()).toEqual(['dateOfBirth', 'fullName', 'gender']);
  });

  it('given a name over 200 characters or with control characters, then fullName is refused', () => {
    expect(fieldsOf(parseRegisterCitizen({ ...AN, fullName: 'a'.repeat(201) }))).toEqual(['fullName']);
    expect(fieldsOf(parseRegisterCitizen({ ...AN, fullName: 'An\u0000' }))).toEqual(['fullName']);
  });

  it('given an address with an unknown ward or a ward of another province, then the address field is refused', () => {
    expect(fieldsOf(parseRegisterCitizen({ ...AN, permanentAddress: { ...HANOI, wardCode: '99999' } }))).toEqual(['permanentAddress.wardCode']);
    expect(fieldsOf(parseRegisterCitizen({ ...AN, permanentAddress: { ...HANOI, wardCode: '24163' } }))).toEqual(['permanentAddress.wardCode']);
  });
});

describe('GetCitizen, RecordDeath and GetStream payloads', () => {
  it('given a lookup with and without a purpose, then purpose is the text or null', () => {
    expect(parseGetCitizen({ personalId: AN.personalId, purpose: 'kiểm tra' })).toEqual({ ok: true, value: { personalId: AN.personalId, purpose: 'kiểm tra' } });
    expect(parseGetCitizen({ personalId: AN.personalId, purpose: null })).toEqual({ ok: true, value: { personalId: AN.personalId, purpose: null } });
    expect(fieldsOf(parseGetCitizen({ personalId: AN.personalId, purpose: 'x'.repeat(201) }))).toEqual(['purpose']);
  });

  it('given a death without a real date, then dateOfDeath is refused', () => {
    expect(parseRecordDeath({ personalId: AN.personalId, dateOfDeath: '2026-01-15' }).ok).toBe(true);
    expect(fieldsOf(parseRecordDeath({ personalId: AN.personalId, dateOfDeath: '15/01/2026' }))).toEqual(['dateOfDeath']);
    expect(fieldsOf(parseRecordDeath({ personalId: AN.personalId }))).toEqual(['dateOfDeath']);
  });

  it('given a stream id, then it must be non-blank text', () => {
    expect(parseGetStream({ streamId: 'access-001090012345' })).toEqual({ ok: true, value: { streamId: 'access-001090012345' } });
    expect(fieldsOf(parseGetStream({ streamId: '' }))).toEqual(['streamId']);
    expect(fieldsOf(parseGetStream({}))).toEqual(['streamId']);
  });
});

describe('VerifyCitizen payload', () => {
  it('given only a personal ID, then the claim has no other field', () => {
    expect(parseVerifyCitizen({ personalId: AN.personalId })).toEqual({ ok: true, value: { personalId: AN.personalId } });
  });

  it('given every field, then every field is in the claim', () => {
    expect(parseVerifyCitizen(AN)).toEqual({ ok: true, value: AN });
  });

  it('given a date of birth disagreeing with the number, then personalId is refused (a format error, not a mismatch)', () => {
    expect(fieldsOf(parseVerifyCitizen({ personalId: AN.personalId, dateOfBirth: '1985-01-01' }))).toEqual(['personalId']);
  });

  it('given a blank name or an unknown gender, then that field is refused', () => {
    expect(fieldsOf(parseVerifyCitizen({ personalId: AN.personalId, fullName: ' ' }))).toEqual(['fullName']);
    expect(fieldsOf(parseVerifyCitizen({ personalId: AN.personalId, gender: 'male' }))).toEqual(['gender']);
  });
});

describe('ShareCitizen and GetAccessLog payloads', () => {
  it('given a purpose and a field list, then both are kept', () => {
    const value = { personalId: AN.personalId, purpose: 'Xác minh hồ sơ', fields: ['personalId', 'fullName'] };
    expect(parseShareCitizen(value)).toEqual({ ok: true, value });
  });

  it('given no purpose or no field list, then those are refused', () => {
    expect(fieldsOf(parseShareCitizen({ personalId: AN.personalId, fields: ['fullName'] }))).toEqual(['purpose']);
    expect(fieldsOf(parseShareCitizen({ personalId: AN.personalId, purpose: 'p', fields: 'fullName' }))).toEqual(['fields']);
    expect(fieldsOf(parseShareCitizen({ personalId: AN.personalId, purpose: 'p', fields: [1] }))).toEqual(['fields']);
  });

  it('given a limit outside 1-1000 or a cursor this service did not hand out, then they are refused', () => {
    expect(parseGetAccessLog({ personalId: AN.personalId, limit: 50, cursor: null })).toEqual({
      ok: true,
      value: { personalId: AN.personalId, limit: 50, after: null },
    });
    expect(fieldsOf(parseGetAccessLog({ personalId: AN.personalId, limit: 0 }))).toEqual(['limit']);
    expect(fieldsOf(parseGetAccessLog({ personalId: AN.personalId, limit: 1.5 }))).toEqual(['limit']);
    expect(fieldsOf(parseGetAccessLog({ personalId: AN.personalId, limit: 10, cursor: 'bm9wZQ' }))).toEqual(['cursor']);
  });
});
