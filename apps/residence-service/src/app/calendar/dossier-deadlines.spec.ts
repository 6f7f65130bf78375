import { PROCEDURES, type Procedure } from '@d06/contracts';
import { PROCEDURE_TIME_LIMITS, createWorkingDayCalendar } from '@d06/reference-data';

/**
 * The due date of each procedure for fixed receipt times, through the calendar the service
 * uses (CONTRACT.md §2.4: received on a non-working day = received on the next working day;
 * the limit counts whole working days after the day of receipt; dueDate is the last of them).
 */
describe('dossier deadlines per procedure', () => {
  const calendar = createWorkingDayCalendar();
  const dueDateOf = (receivedAt: string, procedure: Procedure) => calendar.dueDate(new Date(receivedAt), PROCEDURE_TIME_LIMITS[procedure]);

  // Friday 13 Feb 2026, the last working day before Tết Bính Ngọ (16-20 Feb off).
  const beforeTet: Record<Procedure, string> = {
    ABSENCE_DECLARATION: '2026-02-23',
    TEMPORARY_DEREGISTRATION: '2026-02-24',
    TEMPORARY_REGISTRATION: '2026-02-25',
    TEMPORARY_EXTENSION: '2026-02-25',
    PERMANENT_DEREGISTRATION: '2026-02-27',
    PERMANENT_REGISTRATION: '2026-03-03',
  };
  it.each(PROCEDURES)('given a receipt on Friday 13 Feb 2026 16:30 local, when %s is due, then Tết and the weekends do not count', (procedure) => {
    expect(dueDateOf('2026-02-13T16:30:00+07:00', procedure)).toBe(beforeTet[procedure]);
  });

  // Saturday 25 Apr 2026: counts from Tuesday 28 (Monday 27 is the day off for Hùng Kings'
  // day on a Sunday), then 30 April and 1 May are holidays.
  const aroundMayDay: Record<Procedure, string> = {
    ABSENCE_DECLARATION: '2026-04-29',
    TEMPORARY_DEREGISTRATION: '2026-05-04',
    TEMPORARY_REGISTRATION: '2026-05-05',
    TEMPORARY_EXTENSION: '2026-05-05',
    PERMANENT_DEREGISTRATION: '2026-05-07',
    PERMANENT_REGISTRATION: '2026-05-11',
  };
  it.each(PROCEDURES)('given a receipt on Saturday 25 Apr 2026, when %s is due, then it counts from the next working day', (procedure) => {
    expect(dueDateOf('2026-04-25T09:00:00+07:00', procedure)).toBe(aroundMayDay[procedure]);
  });

  it('given a receipt at 17:30 UTC on a Friday, when due, then it is Saturday local and counts from the next working day', () => {
    // 2026-02-13T17:30Z is 00:30 on Saturday 14 Feb in Hanoi.
    expect(dueDateOf('2026-02-13T17:30:00Z', 'ABSENCE_DECLARATION')).toBe('2026-02-24');
    expect(dueDateOf('2026-02-13T16:59:59Z', 'ABSENCE_DECLARATION')).toBe('2026-02-23');
  });

  it('given an extra official day off, when due, then the deadline moves past it', () => {
    const extended = createWorkingDayCalendar({
      entries: [{ date: '2026-02-23', kind: 'day-off', name: 'test day off', source: 'unit test' }],
    });
    expect(extended.dueDate(new Date('2026-02-13T16:30:00+07:00'), PROCEDURE_TIME_LIMITS.ABSENCE_DECLARATION)).toBe('2026-02-24');
  });
});
