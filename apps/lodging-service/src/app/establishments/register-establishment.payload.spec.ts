import { parseRegisterEstablishment } from './register-establishment.handler';
import { parseRecordDeparture } from '../notices/record-departure.handler';

const address = { provinceCode: '01', wardCode: '00004', detail: '12 Hàng Bạc' };

describe('RegisterEstablishment and RecordDeparture payload shapes', () => {
  it('given a valid establishment, when parsed, then it is accepted with only the known fields', () => {
    expect(parseRegisterEstablishment({ name: 'Khách sạn Hoàn Kiếm', kind: 'HOTEL', address: { ...address, extra: 1 }, other: true })).toEqual({
      ok: true,
      payload: { name: 'Khách sạn Hoàn Kiếm', kind: 'HOTEL', address },
    });
  });

  it('given a blank name, an unknown kind and a ward outside the province, when parsed, then each is a field error', () => {
    const parsed = parseRegisterEstablishment({ name: ' ', kind: 'CASTLE', address: { ...address, provinceCode: '66' } });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.reply).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    const errors = (parsed.reply as { error: { errors: { field: string }[] } }).error.errors.map((e) => e.field);
    expect(errors).toEqual(['name', 'kind', 'address.wardCode']);
  });

  it('given a departure with a bad notice id or time, when parsed, then both are named', () => {
    const parsed = parseRecordDeparture({ noticeId: 'n-1', departedAt: 'yesterday' });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect((parsed.reply as { error: { errors: { field: string }[] } }).error.errors.map((e) => e.field)).toEqual(['noticeId', 'departedAt']);
  });
});
