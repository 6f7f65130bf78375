import { type NoticeEvent, type NoticeSubmitted, accept, parseLodgingEvent } from '@d06/contracts';
import { givenWhenThen } from '@d06/testing';
import type { KnownCitizen } from './guest-verification.rules';
import {
  type ForeignGuestInput,
  type RecordDeparture,
  type SubmitNotice,
  type VietnameseGuestInput,
  noticeDecider,
} from './notice.decider';

const NOTICE = '9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const ESTABLISHMENT = '3d6f0a8e-1b2c-4d5e-8f90-a1b2c3d4e5f6';
const WARD = '24133';
const ARRIVAL = '2026-11-27T21:40:00+07:00';
const NOW = '2026-11-27T22:10:00+07:00';

const an: KnownCitizen = { status: 'ALIVE', fullName: 'Nguyễn Văn An', dateOfBirth: '1990-05-12' };
const vn = (over: Partial<VietnameseGuestInput> = {}): VietnameseGuestInput => ({ personalId: '066090012345', knownCitizen: an, ...over });
const tourist: ForeignGuestInput = { passportNumber: 'X1234567', nationality: 'USA', fullName: 'John Smith', dateOfBirth: '1985-03-02' };

const submit = (over: Partial<SubmitNotice> = {}): SubmitNotice => ({
  type: 'SubmitNotice',
  noticeId: NOTICE,
  establishmentId: ESTABLISHMENT,
  establishment: { wardCode: WARD },
  arrivalAt: ARRIVAL,
  expectedDepartureAt: '2026-11-29T12:00:00+07:00',
  room: '204',
  guests: [vn(), tourist],
  now: NOW,
  ...over,
});

const decider = givenWhenThen(noticeDecider);

function submitted(over: Partial<SubmitNotice> = {}): NoticeSubmitted {
  const result = decider.given().when(submit(over));
  if (!result.ok || result.events[0].type !== 'NoticeSubmitted') throw new Error(`expected a NoticeSubmitted, got ${JSON.stringify(result)}`);
  return result.events[0];
}

function verifiedFlag(guest: VietnameseGuestInput): boolean {
  return submitted({ guests: [guest] }).data.guests[0].verified;
}

function refusal(code: string) {
  return { ok: false, error: { code } };
}

describe('notice decider', () => {
  describe('SubmitNotice', () => {
    it('records the notice with each guest deadline and verification', () => {
      const result = decider.given().when(submit());
      const expected: NoticeEvent = {
        type: 'NoticeSubmitted',
        data: {
          noticeId: NOTICE,
          establishmentId: ESTABLISHMENT,
          wardCode: WARD,
          arrivalAt: ARRIVAL,
          expectedDepartureAt: '2026-11-29T12:00:00+07:00',
          room: '204',
          receivedAt: NOW,
          dueBy: '2026-11-27T23:00:00+07:00',
          late: false,
          guests: [
            {
              guestNo: 1,
              nationality: 'VNM',
              personalId: '066090012345',
              fullName: null,
              dateOfBirth: null,
              dueBy: '2026-11-27T23:00:00+07:00',
              verified: true,
            },
            {
              guestNo: 2,
              nationality: 'USA',
              passportNumber: 'X1234567',
              fullName: 'John Smith',
              dateOfBirth: '1985-03-02',
              dueBy: '2026-11-28T09:40:00+07:00',
              verified: false,
            },
          ],
        },
      };
      expect(result).toEqual(accept(expected));
      expect(parseLodgingEvent(expected.type, expected.data)).toEqual({ ok: true, event: expected });
    });

    it('is late when received after the earliest guest deadline', () => {
      expect(submitted({ now: '2026-11-27T23:00:00+07:00' }).data.late).toBe(false);
      expect(submitted({ now: '2026-11-27T23:00:01+07:00' }).data).toMatchObject({ late: true, dueBy: '2026-11-27T23:00:00+07:00' });
    });

    it('takes a foreign guest deadline when it is the earliest', () => {
      const data = submitted({ arrivalAt: '2026-11-27T08:00:00+07:00', now: '2026-11-27T21:00:00+07:00' }).data;
      expect(data).toMatchObject({ dueBy: '2026-11-27T20:00:00+07:00', late: true });
    });

    it('gives a guest arriving after 23:00 until 08:00 the next morning', () => {
      const data = submitted({ guests: [vn()], arrivalAt: '2026-01-31T23:30:00+07:00', now: '2026-02-01T07:59:00+07:00' }).data;
      expect(data).toMatchObject({ dueBy: '2026-02-01T08:00:00+07:00', late: false });
    });

    describe('verification of Vietnamese guests', () => {
      it('verifies a living citizen without name or date of birth given', () => {
        expect(verifiedFlag(vn())).toBe(true);
      });

      it('verifies a name written differently (NFC, case, spaces) and the right date of birth', () => {
        const decomposed = 'NGUYE\u0302\u0303N  văn\u00a0an '; // "NGUYỄN" with combining marks, a no-break space
        const guest = vn({ fullName: decomposed, dateOfBirth: '1990-05-12' });
        expect(verifiedFlag(guest)).toBe(true);
        expect(submitted({ guests: [guest] }).data.guests[0]).toMatchObject({ fullName: decomposed, dateOfBirth: '1990-05-12' });
      });

      it('does not verify an unknown personalId, but accepts the notice', () => {
        expect(verifiedFlag(vn({ knownCitizen: null }))).toBe(false);
      });

      it('does not verify a deceased citizen', () => {
        expect(verifiedFlag(vn({ knownCitizen: { ...an, status: 'DECEASED' } }))).toBe(false);
      });

      it('does not verify another name or another date of birth', () => {
        expect(verifiedFlag(vn({ fullName: 'Nguyễn Văn Ân' }))).toBe(false);
        expect(verifiedFlag(vn({ fullName: 'Nguyen Van An' }))).toBe(false);
        expect(verifiedFlag(vn({ dateOfBirth: '1990-05-13' }))).toBe(false);
      });

      it('never verifies a foreign guest', () => {
        expect(submitted({ guests: [tourist] }).data.guests[0].verified).toBe(false);
      });
    });

    it('numbers guests from 1 and accepts up to 200', () => {
      const guests = Array.from({ length: 200 }, (_, i) => vn({ personalId: `0660900${String(i).padStart(5, '0')}` }));
      const data = submitted({ guests }).data;
      expect(data.guests.map((g) => g.guestNo)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    });

    it('accepts an arrival up to 1 hour after now', () => {
      expect(decider.given().when(submit({ arrivalAt: '2026-11-27T23:10:00+07:00' })).ok).toBe(true);
    });

    it('refuses an arrival more than 1 hour after now', () => {
      expect(decider.given().when(submit({ arrivalAt: '2026-11-27T23:10:01+07:00' }))).toMatchObject({
        ok: false,
        error: { code: 'ARRIVAL_IN_FUTURE', errors: [{ field: 'arrivalAt' }] },
      });
    });

    it('refuses an existing notice id', () => {
      expect(decider.given(submitted()).when(submit())).toMatchObject(refusal('ALREADY_EXISTS'));
    });

    it('refuses an unknown establishment', () => {
      expect(decider.given().when(submit({ establishment: null }))).toMatchObject(refusal('UNKNOWN_ESTABLISHMENT'));
    });

    it.each([
      ['no guests', { guests: [] }, 'guests'],
      ['201 guests', { guests: Array.from({ length: 201 }, (_, i) => vn({ personalId: `0660900${String(i).padStart(5, '0')}` })) }, 'guests'],
      ['a departure before the arrival', { expectedDepartureAt: '2026-11-27T21:39:59+07:00' }, 'expectedDepartureAt'],
      ['a passport guest of nationality VNM', { guests: [{ ...tourist, nationality: 'VNM' }] }, 'guests[0].nationality'],
      ['the same guest twice', { guests: [vn(), tourist, vn()] }, 'guests[2]'],
      ['a foreign guest without a name', { guests: [{ ...tourist, fullName: ' ' }] }, 'guests[0].fullName'],
      ['an arrival that is not a time', { arrivalAt: '27/11/2026 21:40' }, 'arrivalAt'],
    ] as const)('refuses %s', (_label, over, field) => {
      expect(decider.given().when(submit(over as Partial<SubmitNotice>))).toMatchObject({
        ok: false,
        error: { code: 'VALIDATION_FAILED', errors: [{ field }] },
      });
    });

    it('accepts a departure expected at the arrival instant, and no departure or room at all', () => {
      expect(decider.given().when(submit({ expectedDepartureAt: ARRIVAL })).ok).toBe(true);
      expect(submitted({ expectedDepartureAt: null, room: ' ' }).data).toMatchObject({ expectedDepartureAt: null, room: null });
    });
  });

  describe('RecordDeparture', () => {
    const depart = (departedAt: string): RecordDeparture => ({
      type: 'RecordDeparture',
      noticeId: NOTICE,
      departedAt,
      now: '2026-11-29T12:30:00+07:00',
    });

    it('records the departure', () => {
      const result = decider.given(submitted()).when(depart('2026-11-29T11:45:00+07:00'));
      const expected: NoticeEvent = {
        type: 'GuestsDeparted',
        data: { noticeId: NOTICE, establishmentId: ESTABLISHMENT, departedAt: '2026-11-29T11:45:00+07:00' },
      };
      expect(result).toEqual(accept(expected));
      expect(parseLodgingEvent(expected.type, expected.data)).toEqual({ ok: true, event: expected });
      expect(decider.given(submitted(), expected).state).toMatchObject({ status: 'DEPARTED', departedAt: '2026-11-29T11:45:00+07:00' });
    });

    it('accepts a departure at the arrival instant, in any offset', () => {
      expect(decider.given(submitted()).when(depart('2026-11-27T14:40:00Z')).ok).toBe(true);
    });

    it('refuses an unknown notice', () => {
      expect(decider.given().when(depart('2026-11-29T11:45:00+07:00'))).toMatchObject(refusal('NOT_FOUND'));
    });

    it('refuses a second departure', () => {
      const departed: NoticeEvent = {
        type: 'GuestsDeparted',
        data: { noticeId: NOTICE, establishmentId: ESTABLISHMENT, departedAt: '2026-11-29T11:45:00+07:00' },
      };
      expect(decider.given(submitted(), departed).when(depart('2026-11-29T11:50:00+07:00'))).toMatchObject(refusal('ALREADY_DEPARTED'));
    });

    it('refuses a departure before the arrival', () => {
      expect(decider.given(submitted()).when(depart('2026-11-27T21:39:59+07:00'))).toMatchObject({
        ok: false,
        error: { code: 'DEPARTURE_BEFORE_ARRIVAL', errors: [{ field: 'departedAt' }] },
      });
    });
  });
});
