import type { ResidenceProcedure } from '@d06/contracts';
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { addCalendarDays, localDateOf } from './local-date';
import type { OfficialDaysFile } from './official-days';
import { type Procedure, PROCEDURE_TIME_LIMITS, PROCEDURES } from './procedure-time-limits';
import { createWorkingDayCalendar, type WorkingDayCalendar } from './working-day-calendar';

const calendar = createWorkingDayCalendar();

/** An instant given as a local (UTC+07:00) wall-clock time, e.g. local('2025-03-07 23:30'). */
function local(dateTime: string): Date {
  return new Date(`${dateTime.replace(' ', 'T')}:00+07:00`);
}

/** "W" for a working day, "-" for a day off, one letter per day from `from`. */
function pattern(cal: WorkingDayCalendar, from: string, days: number): string {
  let out = '';
  for (let i = 0; i < days; i++) out += cal.isWorkingDay(addCalendarDays(from, i)) ? 'W' : '-';
  return out;
}

describe('working-day calendar: Tết', () => {
  it('given Tết Ất Tỵ 2025 (off Sat 25/1 - Sun 2/2), when the days are checked, then 27-31 January are off', () => {
    //                                   Mon 20/1 ..... Sun 26/1 ..... Sun 2/2 ..... Fri 7/2
    expect(pattern(calendar, '2025-01-20', 19)).toBe('WWWWW--' + '-------' + 'WWWWW');
    expect(calendar.describeDay('2025-01-27')).toMatchObject({ working: false, reason: 'official-day-off' });
    expect(calendar.describeDay('2025-02-03')).toMatchObject({ working: true, reason: 'weekday' });
  });

  it('given a dossier received on the Friday before Tết 2025, when the limits run, then they resume on 3 February', () => {
    expect(calendar.dueDate(local('2025-01-24 10:00'), 1)).toBe('2025-02-03');
    expect(calendar.dueDate(local('2025-01-24 10:00'), 7)).toBe('2025-02-11');
  });

  it('given a dossier received during Tết 2025, when the limit runs, then it counts as received on Monday 3 February', () => {
    expect(calendar.dueDate(local('2025-01-29 09:00'), 1)).toBe('2025-02-04');
    expect(calendar.dueDate(local('2025-02-02 23:59'), 3)).toBe('2025-02-06');
  });

  it('given Tết Bính Ngọ 2026 (off Sat 14/2 - Sun 22/2), when the days are checked, then 16-20 February are off', () => {
    //                                   Mon 9/2 ..... Sun 15/2 ..... Sun 22/2 ..... Fri 27/2
    expect(pattern(calendar, '2026-02-09', 19)).toBe('WWWWW--' + '-------' + 'WWWWW');
    expect(calendar.dueDate(local('2026-02-13 16:00'), 3)).toBe('2026-02-25');
    expect(calendar.dueDate(local('2026-02-17 08:00'), 1)).toBe('2026-02-24');
  });

  it('given Tết Đinh Mùi 2027 with no announcement, when the days are checked, then the statutory days and compensatory days are off', () => {
    //                                   Mon 1/2 .. Thu 4/2, Fri 5/2 - Thu 11/2 off, Fri 12/2
    expect(pattern(calendar, '2027-02-01', 12)).toBe('WWWW' + '-------' + 'W');
  });
});

describe('working-day calendar: 30 April - 1 May', () => {
  it('given 2025 (Friday 2/5 swapped with Saturday 26/4), when the days are checked, then 26/4 is worked and 30/4-4/5 are off', () => {
    //                                   Sat 26/4, Sun, Mon, Tue, Wed 30/4 .. Sun 4/5, Mon 5/5
    expect(pattern(calendar, '2025-04-26', 10)).toBe('W-WW' + '-----' + 'W');
    expect(calendar.describeDay('2025-04-26')).toMatchObject({ working: true, reason: 'official-working-day' });
    expect(calendar.describeDay('2025-04-30')).toMatchObject({ working: false, reason: 'public-holiday' });
    expect(calendar.describeDay('2025-05-02')).toMatchObject({ working: false, reason: 'official-day-off' });
  });

  it('given a dossier received on the make-up Saturday 26/4/2025, when the limit runs, then that Saturday is the day of receipt', () => {
    expect(calendar.dueDate(local('2025-04-26 09:00'), 1)).toBe('2025-04-28');
  });

  it('given a dossier received on Friday 25/4/2025, when a 1-day limit runs, then it ends on the make-up Saturday', () => {
    expect(calendar.dueDate(local('2025-04-25 09:00'), 1)).toBe('2025-04-26');
  });

  it('given a dossier received on Tuesday 29/4/2025, when a 1-day limit runs, then it ends after the break', () => {
    expect(calendar.dueDate(local('2025-04-29 15:00'), 1)).toBe('2025-05-05');
  });

  it('given 2026 (Hùng Kings on Sunday 26/4, compensated on Monday 27/4), when the days are checked, then 27/4 and 30/4-1/5 are off', () => {
    //                                   Sat 25/4 .. Mon 27/4, Tue, Wed, Thu 30/4 .. Sun 3/5, Mon 4/5
    expect(pattern(calendar, '2026-04-25', 10)).toBe('---' + 'WW' + '----' + 'W');
  });
});

describe('working-day calendar: 2 September', () => {
  it('given 2025 (off Sat 30/8 - Tue 2/9), when the days are checked, then 1/9 and 2/9 are off and 3/9 is worked', () => {
    expect(pattern(calendar, '2025-08-29', 6)).toBe('W' + '----' + 'W');
    expect(calendar.describeDay('2025-09-01')).toMatchObject({ reason: 'official-day-off' });
    expect(calendar.describeDay('2025-09-02')).toMatchObject({ reason: 'public-holiday' });
  });

  it('given 2026 (off Sat 29/8 - Wed 2/9, Monday 31/8 swapped with Saturday 22/8), when the days are checked, then so it is', () => {
    expect(calendar.isWorkingDay('2026-08-22')).toBe(true);
    expect(pattern(calendar, '2026-08-28', 7)).toBe('W' + '-----' + 'W');
    expect(calendar.dueDate(local('2026-08-28 10:00'), 1)).toBe('2026-09-03');
  });

  it('given 2027 with no announcement, when the days are checked, then 2/9 and the assumed adjacent 3/9 are off', () => {
    expect(pattern(calendar, '2027-09-01', 6)).toBe('W' + '----' + 'W');
  });
});

describe('working-day calendar: receipt time and day', () => {
  it('given 23:30 local on a Friday (16:30 UTC), when the local date is taken, then it is that Friday', () => {
    const receivedAt = new Date('2025-03-07T16:30:00Z');
    expect(localDateOf(receivedAt)).toBe('2025-03-07');
    expect(calendar.dueDate(receivedAt, 1)).toBe('2025-03-10');
  });

  it('given 00:30 local on the Saturday (17:30 UTC Friday), when the limit runs, then it counts from Monday', () => {
    const receivedAt = new Date('2025-03-07T17:30:00Z');
    expect(localDateOf(receivedAt)).toBe('2025-03-08');
    expect(calendar.dueDate(receivedAt, 1)).toBe('2025-03-11');
  });

  it('given the last and first millisecond around local midnight, when the local date is taken, then it changes at 17:00 UTC', () => {
    expect(localDateOf(new Date('2025-03-07T16:59:59.999Z'))).toBe('2025-03-07');
    expect(localDateOf(new Date('2025-03-07T17:00:00.000Z'))).toBe('2025-03-08');
  });

  it.each([
    ['a Saturday', '2025-03-08 09:00', '2025-03-11'],
    ['a Sunday', '2025-03-09 21:00', '2025-03-11'],
    ['Hùng Kings day, Monday 7/4/2025', '2025-04-07 09:00', '2025-04-09'],
    ["New Year's Day 2025", '2025-01-01 09:00', '2025-01-03'],
  ])('given a dossier received on %s, when a 1-day limit runs, then it counts as received on the next working day', (_what, at, due) => {
    expect(calendar.dueDate(local(at), 1)).toBe(due);
  });

  it('given a dossier received on the make-up Saturday 10/1/2026, when a 1-day limit runs, then that Saturday is the day of receipt', () => {
    expect(calendar.isWorkingDay('2026-01-10')).toBe(true);
    expect(calendar.dueDate(local('2026-01-10 09:00'), 1)).toBe('2026-01-12');
  });

  it('given a limit of 0 working days, when the due date is asked, then it is the (next) working day of receipt', () => {
    expect(calendar.dueDate(local('2025-03-07 10:00'), 0)).toBe('2025-03-07');
    expect(calendar.dueDate(local('2025-03-08 10:00'), 0)).toBe('2025-03-10');
  });
});

describe('working-day calendar: year boundary', () => {
  it('given a dossier received on 31/12/2025, when the limits run, then they skip New Year 2026 (1/1, swapped 2/1) and count the make-up 10/1', () => {
    expect(pattern(calendar, '2025-12-31', 6)).toBe('W' + '----' + 'W');
    expect(calendar.dueDate(local('2025-12-31 10:00'), 1)).toBe('2026-01-05');
    expect(calendar.dueDate(local('2025-12-31 10:00'), 7)).toBe('2026-01-12');
  });

  it('given a dossier received at 23:30 local on 31/12/2026, when a 1-day limit runs, then it ends on Monday 4/1/2027', () => {
    expect(calendar.dueDate(new Date('2026-12-31T16:30:00Z'), 1)).toBe('2027-01-04');
  });

  it('given 00:30 local on 1/1/2027 (still 2026 in UTC), when the limit runs, then the receipt is on the holiday', () => {
    const receivedAt = new Date('2026-12-31T17:30:00Z');
    expect(localDateOf(receivedAt)).toBe('2027-01-01');
    expect(calendar.dueDate(receivedAt, 1)).toBe('2027-01-05');
  });
});

describe('working-day calendar: procedure time limits', () => {
  // Friday 24/4/2026 09:00 local: then Hùng Kings' compensatory Monday 27/4, 30/4 and 1/5 are off.
  const receivedAt = local('2026-04-24 09:00');

  it.each<[Procedure, number, string]>([
    ['ABSENCE_DECLARATION', 1, '2026-04-28'],
    ['TEMPORARY_DEREGISTRATION', 2, '2026-04-29'],
    ['TEMPORARY_REGISTRATION', 3, '2026-05-04'],
    ['TEMPORARY_EXTENSION', 3, '2026-05-04'],
    ['PERMANENT_DEREGISTRATION', 5, '2026-05-06'],
    ['PERMANENT_REGISTRATION', 7, '2026-05-08'],
  ])('given %s received on Friday 24/4/2026, when its limit of %i working days runs, then it is due on %s', (procedure, limit, due) => {
    expect(PROCEDURE_TIME_LIMITS[procedure]).toBe(limit);
    expect(calendar.dueDate(receivedAt, PROCEDURE_TIME_LIMITS[procedure])).toBe(due);
  });

  it('given the contracts, then every residence procedure has a time limit and no other', () => {
    const limits: Readonly<Record<ResidenceProcedure, number>> = PROCEDURE_TIME_LIMITS;
    const procedures: readonly ResidenceProcedure[] = PROCEDURES;
    expect(Object.keys(limits).sort()).toEqual([...procedures].sort());
    expect(PROCEDURES).toHaveLength(6);
  });
});

describe('working-day calendar: date-holidays', () => {
  it.each([
    ['2025-02-03', 'Party founding day'],
    ['2025-05-12', "Buddha's birthday"],
    ['2025-11-20', "Teachers' Day"],
    ['2026-10-20', "Vietnamese Women's Day"],
  ])('given %s (%s, an observance), when checked, then it is a working day', (date) => {
    expect(calendar.describeDay(date)).toMatchObject({ working: true, reason: 'weekday' });
  });

  it.each(['2025-01-01', '2025-04-07', '2026-04-30', '2026-05-01', '2026-09-02', '2027-01-01', '2027-04-16', '2027-04-30'])(
    'given the statutory holiday %s, when checked, then it is a public holiday',
    (date) => {
      expect(calendar.describeDay(date)).toMatchObject({ working: false, reason: 'public-holiday' });
    },
  );

  it('given hosts in different time zones, when date-holidays lists the VN public holidays, then the local dates are the same', () => {
    // The calendar's own arithmetic is in UTC with a fixed +07:00 offset; date-holidays is the
    // only part that could read the host's TZ. TZ is read once per process, hence a child each.
    const script = `
      const Holidays = require(${JSON.stringify(require.resolve('date-holidays'))});
      const h = new Holidays('VN', { timezone: 'Asia/Ho_Chi_Minh' });
      const out = [];
      for (const y of [2025, 2026, 2027, 2028]) for (const x of h.getHolidays(y)) {
        if (x.type === 'public') out.push([x.date, x.end.getTime() - x.start.getTime()]);
      }
      process.stdout.write(JSON.stringify(out));`;
    const holidaysIn = (tz: string): unknown =>
      JSON.parse(execFileSync(process.execPath, ['-e', script], { env: { ...process.env, TZ: tz }, encoding: 'utf8' }));
    const reference = holidaysIn('Asia/Ho_Chi_Minh');
    expect(reference).toContainEqual(['2026-02-16 00:00:00', 5 * 86_400_000]);
    for (const tz of ['UTC', 'America/Los_Angeles', 'Pacific/Kiritimati', 'Pacific/Pago_Pago']) {
      expect({ tz, holidays: holidaysIn(tz) }).toEqual({ tz, holidays: reference });
    }
  });
});

describe('working-day calendar: extra official days file', () => {
  // Vietnamese Culture Day 24/11 as a day off, with a make-up Saturday: what a file could add.
  const extra: OfficialDaysFile = {
    description: 'test additions',
    entries: [
      { date: '2026-11-24', kind: 'day-off', name: 'Ngày Văn hóa Việt Nam', source: 'test' },
      { date: '2026-11-28', kind: 'working-day', name: 'Make-up working Saturday', source: 'test' },
    ],
  };

  it('given an extra file, when the calendar is built with it, then it adds a day off and a make-up working day', () => {
    const extended = createWorkingDayCalendar(extra);
    expect(pattern(calendar, '2026-11-23', 6)).toBe('WWWWW-');
    expect(pattern(extended, '2026-11-23', 6)).toBe('W-WWWW');
    expect(calendar.dueDate(local('2026-11-23 10:00'), 1)).toBe('2026-11-24');
    expect(extended.dueDate(local('2026-11-23 10:00'), 1)).toBe('2026-11-25');
    expect(extended.dueDate(local('2026-11-27 10:00'), 1)).toBe('2026-11-28');
    expect(extended.describeDay('2026-11-24')).toMatchObject({ name: 'Ngày Văn hóa Việt Nam', source: 'test' });
  });

  it('given an extra entry for a date the shipped file has, when the calendar is built, then the extra entry wins', () => {
    const extended = createWorkingDayCalendar({
      entries: [{ date: '2026-01-10', kind: 'day-off', name: 'make-up cancelled', source: 'test' }],
    });
    expect(extended.isWorkingDay('2026-01-10')).toBe(false);
    expect(calendar.isWorkingDay('2026-01-10')).toBe(true);
  });

  it('given an extra file for 2028, when asked, then the calendar knows 2028 is covered', () => {
    expect([2025, 2026, 2027, 2028].map((y) => calendar.hasOfficialDaysFor(y))).toEqual([true, true, true, false]);
    const extended = createWorkingDayCalendar({
      entries: [{ date: '2028-01-03', kind: 'day-off', name: 'x', source: 'test' }],
    });
    expect(extended.hasOfficialDaysFor(2028)).toBe(true);
  });

  it.each<[string, unknown, string]>([
    ['not an object', 'entries', 'expected an object'],
    ['an array', [], 'expected an object'],
    ['without entries', {}, '"entries" must be an array'],
    ['with a misspelt key', { entries: [], entires: [] }, 'unknown key "entires"'],
    ['with an impossible date', { entries: [{ date: '2026-02-30', kind: 'day-off', name: 'x', source: 's' }] }, 'entries[0].date must be a real date'],
    ['with an unknown kind', { entries: [{ date: '2026-02-03', kind: 'holiday', name: 'x', source: 's' }] }, 'entries[0].kind must be "day-off" or "working-day"'],
    ['with an empty name', { entries: [{ date: '2026-02-03', kind: 'day-off', name: ' ', source: 's' }] }, 'entries[0].name must be a non-empty string'],
    ['without a source', { entries: [{ date: '2026-02-03', kind: 'day-off', name: 'x' }] }, 'entries[0].source must be a non-empty string'],
    [
      'with a date given twice',
      {
        entries: [
          { date: '2026-02-03', kind: 'day-off', name: 'x', source: 's' },
          { date: '2026-02-03', kind: 'working-day', name: 'y', source: 's' },
        ],
      },
      'entries[1].date 2026-02-03 is already given by entries[0]',
    ],
  ])('given an extra file %s, when the calendar is built, then it throws naming the problem', (_what, file, message) => {
    expect(() => createWorkingDayCalendar(file as OfficialDaysFile)).toThrow(message);
    expect(() => createWorkingDayCalendar(file as OfficialDaysFile)).toThrow(/^extra official days file is malformed: /);
  });

  it('given an extra file that leaves no working day for months, when a limit runs into it, then it fails instead of looping', () => {
    const entries = Array.from({ length: 400 }, (_, i) => ({
      date: addCalendarDays('2030-01-01', i),
      kind: 'day-off' as const,
      name: 'x',
      source: 'test',
    }));
    expect(() => createWorkingDayCalendar({ entries }).addWorkingDays('2029-12-31', 1)).toThrow(/No working day within/);
  });
});

describe('working-day calendar: arithmetic', () => {
  it('given a date and a count, when working days are added, then negative counts go back and 0 stays', () => {
    expect(calendar.addWorkingDays('2025-02-03', -1)).toBe('2025-01-24');
    expect(calendar.addWorkingDays('2025-02-01', 0)).toBe('2025-02-01');
    expect(calendar.addWorkingDays('2025-02-01', 1)).toBe('2025-02-03');
  });

  it('given bad input, when asked, then it throws a RangeError', () => {
    expect(() => calendar.isWorkingDay('2025-02-30')).toThrow(RangeError);
    expect(() => calendar.isWorkingDay('2025-2-3')).toThrow(RangeError);
    expect(() => calendar.addWorkingDays('2025-02-03', 1.5)).toThrow(RangeError);
    expect(() => calendar.dueDate(new Date('not a date'), 1)).toThrow(RangeError);
    expect(() => calendar.dueDate(local('2025-03-07 10:00'), -1)).toThrow(RangeError);
  });

  it('given any day of 2025-2027 and a count, when working days are added, then exactly that many working days lie in between', () => {
    const dates = fc.integer({ min: 0, max: 3 * 365 }).map((i) => addCalendarDays('2025-01-01', i));
    fc.assert(
      fc.property(dates, fc.integer({ min: 1, max: 40 }), (date, n) => {
        const result = calendar.addWorkingDays(date, n);
        expect(calendar.isWorkingDay(result)).toBe(true);
        let counted = 0;
        for (let d = addCalendarDays(date, 1); d <= result; d = addCalendarDays(d, 1)) {
          if (calendar.isWorkingDay(d)) counted++;
        }
        expect(counted).toBe(n);
        expect(calendar.addWorkingDays(result, -n) <= date).toBe(true);
      }),
    );
  });

  it('given any receipt instant, when the due date is computed, then it is a working day after the receipt and grows with the limit', () => {
    const instants = fc.date({ min: new Date('2025-01-01T00:00:00Z'), max: new Date('2027-12-01T00:00:00Z'), noInvalidDate: true });
    fc.assert(
      fc.property(instants, fc.integer({ min: 1, max: 10 }), (receivedAt, n) => {
        const due = calendar.dueDate(receivedAt, n);
        expect(calendar.isWorkingDay(due)).toBe(true);
        expect(due > localDateOf(receivedAt)).toBe(true);
        expect(calendar.dueDate(receivedAt, n + 1) > due).toBe(true);
      }),
    );
  });
});
