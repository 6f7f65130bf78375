import { addCalendarDays, dayOfWeek } from './local-date';
import { parseOfficialDaysFile, SHIPPED_OFFICIAL_DAYS } from './official-days';

describe('shipped official days', () => {
  const entries = SHIPPED_OFFICIAL_DAYS.entries;

  it('given the shipped file, then it covers 2025, 2026 and 2027, and 2027 says no announcement was found', () => {
    expect([...new Set(entries.map((e) => e.date.slice(0, 4)))]).toEqual(['2025', '2026', '2027']);
    for (const entry of entries.filter((e) => e.date.startsWith('2027'))) {
      expect(entry.source).toBe('statutory only; official announcement not found');
    }
  });

  it('given the shipped file, then every make-up working day is a Saturday and every day off a weekday', () => {
    for (const entry of entries) {
      const weekday = dayOfWeek(entry.date);
      if (entry.kind === 'working-day') expect({ date: entry.date, weekday }).toEqual({ date: entry.date, weekday: 6 });
      else expect({ date: entry.date, weekend: weekday === 0 || weekday === 6 }).toEqual({ date: entry.date, weekend: false });
    }
  });

  it('given the shipped file, then each year gives as many make-up Saturdays as swapped days off', () => {
    // The swaps keep the number of days worked: one "worked on Saturday ..." day off per make-up day.
    for (const year of ['2025', '2026', '2027']) {
      const ofYear = entries.filter((e) => e.date.startsWith(year));
      const makeUps = ofYear.filter((e) => e.kind === 'working-day').length;
      const swapped = ofYear.filter((e) => e.kind === 'day-off' && /worked on Saturday/.test(e.name)).length;
      expect({ year, makeUps }).toEqual({ year, makeUps: swapped });
    }
  });
});

describe('parseOfficialDaysFile', () => {
  it('given a well-formed file, when parsed, then a frozen copy comes back', () => {
    const file = { entries: [{ date: '2026-11-24', kind: 'day-off', name: 'x', source: 's', note: 'n' }] };
    const parsed = parseOfficialDaysFile(file);
    expect(parsed).toEqual(file);
    expect(Object.isFrozen(parsed.entries[0])).toBe(true);
    file.entries[0].date = addCalendarDays('2026-11-24', 1);
    expect(parsed.entries[0]?.date).toBe('2026-11-24');
  });

  it('given several problems, when parsed, then one error lists them all with the origin', () => {
    expect(() =>
      parseOfficialDaysFile({ entries: [{ date: 'x', kind: 'y', name: '', source: 's', extra: 1 }] }, 'holidays.json'),
    ).toThrow(
      'holidays.json is malformed: entries[0] has unknown key "extra" (allowed: date, kind, name, source, note); ' +
        'entries[0].date must be a real date written YYYY-MM-DD, got "x"; ' +
        'entries[0].kind must be "day-off" or "working-day", got "y"; ' +
        'entries[0].name must be a non-empty string, got "".',
    );
  });
});
