import type { NoticeSubmittedData } from '@d06/contracts';
import type { RecordedEvent } from '@d06/event-sourcing';
import { submittedRow } from './notices.projection';

function event(data: Partial<NoticeSubmittedData>): RecordedEvent<'NoticeSubmitted', NoticeSubmittedData> {
  return {
    eventId: '00000000-0000-4000-8000-000000000001',
    service: 'lodging',
    type: 'NoticeSubmitted',
    schemaVersion: 1,
    streamId: 'n',
    streamVersion: 1,
    position: null,
    occurredAt: '2030-01-01T00:00:00.000Z',
    correlationId: 'c',
    causationId: null,
    actor: { clientId: 'portal' },
    prevHash: null,
    hash: null,
    data: {
      noticeId: 'n',
      establishmentId: 'e',
      wardCode: '00004',
      arrivalAt: '2026-03-02T00:30:00+07:00',
      expectedDepartureAt: null,
      room: null,
      receivedAt: '2026-03-02T01:00:00+07:00',
      dueBy: '2026-03-02T12:30:00+07:00',
      late: false,
      guests: [
        { guestNo: 1, nationality: 'VNM', personalId: '001090012345', fullName: null, dateOfBirth: null, dueBy: '2026-03-02T23:00:00+07:00', verified: true },
        { guestNo: 2, nationality: 'FRA', passportNumber: 'C1234567', fullName: 'M D', dateOfBirth: '1988-11-03', dueBy: '2026-03-02T12:30:00+07:00', verified: false },
      ],
      ...data,
    },
  };
}

describe('notices projection row', () => {
  it('given an arrival at 00:30 local (still the day before in UTC), then it counts for the local date', () => {
    expect(submittedRow(event({})).arrival_day).toBe('2026-03-02');
    expect(submittedRow(event({ arrivalAt: '2026-03-01T16:59:59Z' })).arrival_day).toBe('2026-03-01');
    expect(submittedRow(event({ arrivalAt: '2026-03-01T17:00:00Z' })).arrival_day).toBe('2026-03-02');
  });

  it('given Vietnamese and foreign guests, then the counts come from the event alone, whatever the day it is replayed', () => {
    expect(submittedRow(event({ late: true }))).toMatchObject({ guest_count: 2, foreign_count: 1, late: true, version: 1, ward_code: '00004' });
  });
});
