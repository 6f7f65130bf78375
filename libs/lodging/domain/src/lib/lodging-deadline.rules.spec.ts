import fc from 'fast-check';
import {
  foreignGuestDueBy,
  formatLocalInstant,
  guestDueBy,
  isNoticeLate,
  noticeDueBy,
  vietnameseGuestDueBy,
} from './lodging-deadline.rules';

describe('lodging deadline rules (Asia/Ho_Chi_Minh = UTC+07:00)', () => {
  describe('Vietnamese guest', () => {
    it.each([
      ['arriving 22:59 local: 23:00 the same day', '2026-11-27T22:59:00+07:00', '2026-11-27T23:00:00+07:00'],
      ['arriving 22:59:59.999 local: 23:00 the same day', '2026-11-27T22:59:59.999+07:00', '2026-11-27T23:00:00+07:00'],
      ['arriving 23:00 local: 08:00 the next day', '2026-11-27T23:00:00+07:00', '2026-11-28T08:00:00+07:00'],
      ['arriving 23:30 local: 08:00 the next day', '2026-11-27T23:30:00+07:00', '2026-11-28T08:00:00+07:00'],
      ['arriving 07:59 local: 23:00 the same day', '2026-11-28T07:59:00+07:00', '2026-11-28T23:00:00+07:00'],
      ['arriving 00:30 local (after midnight): 23:00 that day', '2026-11-28T00:30:00+07:00', '2026-11-28T23:00:00+07:00'],
      ['31 Jan 23:30 local: 1 Feb 08:00', '2026-01-31T23:30:00+07:00', '2026-02-01T08:00:00+07:00'],
      ['28 Feb 23:10 local (common year): 1 Mar 08:00', '2026-02-28T23:10:00+07:00', '2026-03-01T08:00:00+07:00'],
      ['28 Feb 23:10 local (leap year): 29 Feb 08:00', '2028-02-28T23:10:00+07:00', '2028-02-29T08:00:00+07:00'],
      ['31 Dec 23:59 local: 1 Jan 08:00 the next year', '2026-12-31T23:59:00+07:00', '2027-01-01T08:00:00+07:00'],
      ['given in UTC, 15:59Z = 22:59 local', '2026-11-27T15:59:00Z', '2026-11-27T23:00:00+07:00'],
      ['given in UTC, 16:30Z = 23:30 local', '2026-11-27T16:30:00Z', '2026-11-28T08:00:00+07:00'],
      ['given in UTC, 17:30Z on the 27th = 00:30 local on the 28th', '2026-11-27T17:30:00Z', '2026-11-28T23:00:00+07:00'],
      ['given at another offset, 18:00+02:00 = 23:00 local', '2026-11-27T18:00:00+02:00', '2026-11-28T08:00:00+07:00'],
    ])('%s', (_label, arrivalAt, dueBy) => {
      expect(vietnameseGuestDueBy(arrivalAt)).toBe(dueBy);
      expect(guestDueBy(arrivalAt, 'VIETNAMESE')).toBe(dueBy);
    });

    it('is due within 23 hours, and later than arrival (property)', () => {
      fc.assert(
        fc.property(fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2099, 11, 31) }), (ms) => {
          const arrivalAt = new Date(ms).toISOString();
          const due = Date.parse(vietnameseGuestDueBy(arrivalAt));
          expect(due).toBeGreaterThan(ms);
          expect(due - ms).toBeLessThanOrEqual(23 * 3600 * 1000);
          expect(vietnameseGuestDueBy(arrivalAt)).toMatch(/T(23|08):00:00\+07:00$/);
        }),
      );
    });
  });

  describe('foreign guest', () => {
    it.each([
      ['12 h after arrival', '2026-11-27T09:15:00+07:00', '2026-11-27T21:15:00+07:00'],
      ['across the local day end', '2026-11-27T20:00:00+07:00', '2026-11-28T08:00:00+07:00'],
      ['across a month and year end', '2026-12-31T22:30:00+07:00', '2027-01-01T10:30:00+07:00'],
      ['given in UTC, written in local time', '2026-11-27T13:00:00Z', '2026-11-28T08:00:00+07:00'],
      ['keeps milliseconds', '2026-11-27T09:15:00.250+07:00', '2026-11-27T21:15:00.250+07:00'],
    ])('%s', (_label, arrivalAt, dueBy) => {
      expect(foreignGuestDueBy(arrivalAt)).toBe(dueBy);
      expect(guestDueBy(arrivalAt, 'FOREIGN')).toBe(dueBy);
    });

    it('takes another limit for remote areas', () => {
      expect(foreignGuestDueBy('2026-11-27T20:00:00+07:00', 24)).toBe('2026-11-28T20:00:00+07:00');
    });
  });

  it('formats instants at +07:00 whatever the input offset', () => {
    expect(formatLocalInstant(Date.parse('2026-11-27T16:00:00Z'))).toBe('2026-11-27T23:00:00+07:00');
    expect(formatLocalInstant(Date.parse('2026-11-27T17:00:00Z'))).toBe('2026-11-28T00:00:00+07:00');
  });

  it('takes the earliest guest deadline as the notice deadline, comparing instants', () => {
    expect(noticeDueBy(['2026-11-27T23:00:00+07:00', '2026-11-27T21:15:00+07:00'])).toBe('2026-11-27T21:15:00+07:00');
    // 15:00Z = 22:00 local, earlier than 23:00 local even though it sorts after it as text
    expect(noticeDueBy(['2026-11-27T23:00:00+07:00', '2026-11-27T15:00:00Z'])).toBe('2026-11-27T15:00:00Z');
    expect(() => noticeDueBy([])).toThrow(RangeError);
  });

  it('is late only when received strictly after the deadline', () => {
    expect(isNoticeLate('2026-11-27T23:00:00+07:00', '2026-11-27T23:00:00+07:00')).toBe(false);
    expect(isNoticeLate('2026-11-27T16:00:00.001Z', '2026-11-27T23:00:00+07:00')).toBe(true);
    expect(isNoticeLate('2026-11-27T22:00:00+07:00', '2026-11-27T23:00:00+07:00')).toBe(false);
  });

  it('refuses a time that does not parse', () => {
    expect(() => vietnameseGuestDueBy('yesterday')).toThrow(RangeError);
  });
});
