import fc from 'fast-check';
import { addDays, addYears, isLate, lateFrom, localDateOf, residenceEffectOf, wardOfDossier } from './dossier.rules';

const HOME = { provinceCode: '66', wardCode: '24133', detail: '12 Lê Duẩn' };
const ROOM = { provinceCode: '79', wardCode: '26734', detail: '5 Nguyễn Huệ' };

describe('dossier rules', () => {
  describe('isLate (end of dueDate in Asia/Ho_Chi_Minh)', () => {
    it('is on time until local midnight that ends the due date, late from it', () => {
      expect(isLate('2026-12-31', '2026-12-31T23:59:59.999+07:00')).toBe(false);
      expect(isLate('2026-12-31', '2027-01-01T00:00:00+07:00')).toBe(true);
      expect(isLate('2026-12-31', '2026-12-31T16:59:59Z')).toBe(false);
      expect(isLate('2026-12-31', '2026-12-31T17:00:00Z')).toBe(true);
      expect(isLate('2026-12-31', '2026-12-30T09:00:00+07:00')).toBe(false);
    });

    it('crosses month ends and leap days', () => {
      expect(lateFrom('2028-02-28')).toBe('2028-02-29T00:00:00+07:00');
      expect(lateFrom('2026-02-28')).toBe('2026-03-01T00:00:00+07:00');
      expect(lateFrom('2026-12-31')).toBe('2027-01-01T00:00:00+07:00');
    });

    it('agrees with lateFrom for any date (property)', () => {
      const dates = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
      fc.assert(
        fc.property(dates, (dueDate) => {
          const boundary = Date.parse(lateFrom(dueDate));
          expect(isLate(dueDate, new Date(boundary).toISOString())).toBe(true);
          expect(isLate(dueDate, new Date(boundary - 1).toISOString())).toBe(false);
        }),
      );
    });
  });

  it('adds days and years on local dates', () => {
    expect(addDays('2026-12-10', -15)).toBe('2026-11-25');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addYears('2026-11-27', 2)).toBe('2028-11-27');
    expect(addYears('2028-02-29', 2)).toBe('2030-02-28');
    expect(addYears('2028-02-29', 4)).toBe('2032-02-29');
  });

  it('takes the local date of an instant at +07:00', () => {
    expect(localDateOf('2026-11-27T16:59:59Z')).toBe('2026-11-27');
    expect(localDateOf('2026-11-27T17:00:00Z')).toBe('2026-11-28');
    expect(localDateOf('not a time')).toBeNull();
  });

  it('puts a dossier in its address ward, else the permanent ward, else none', () => {
    expect(wardOfDossier(ROOM, HOME)).toBe(ROOM.wardCode);
    expect(wardOfDossier(null, HOME)).toBe(HOME.wardCode);
    expect(wardOfDossier(null, null)).toBeNull();
  });

  it('maps each procedure to its residence effect', () => {
    expect(residenceEffectOf('PERMANENT_REGISTRATION', HOME, null)).toEqual({ kind: 'PERMANENT', address: HOME, validUntil: null });
    expect(residenceEffectOf('TEMPORARY_REGISTRATION', ROOM, '2027-01-01')).toEqual({ kind: 'TEMPORARY', address: ROOM, validUntil: '2027-01-01' });
    expect(residenceEffectOf('TEMPORARY_EXTENSION', ROOM, '2028-01-01')).toEqual({ kind: 'TEMPORARY', address: ROOM, validUntil: '2028-01-01' });
    expect(residenceEffectOf('PERMANENT_DEREGISTRATION', HOME, null)).toEqual({ kind: 'PERMANENT', address: null, validUntil: null });
    expect(residenceEffectOf('TEMPORARY_DEREGISTRATION', ROOM, null)).toEqual({ kind: 'TEMPORARY', address: null, validUntil: null });
    expect(residenceEffectOf('ABSENCE_DECLARATION', null, null)).toBeNull();
  });
});
