import {
  type Decider,
  type Decision,
  type FieldError,
  type NoticeEvent,
  type NoticeGuest,
  type NoticeSubmittedData,
  VIETNAMESE_NATIONALITY,
  accept,
  assertNever,
  refuse,
} from '@d06/contracts';
import { type KnownCitizen, isVietnameseGuestVerified } from './guest-verification.rules';
import { foreignGuestDueBy, isNoticeLate, noticeDueBy, vietnameseGuestDueBy } from './lodging-deadline.rules';

/**
 * What can happen to a lodging notice (stream id = noticeId, a uuid): it is submitted, with
 * each guest's deadline and verification, then its guests depart, once. Formats are checked by
 * the lodging service; it also loads the establishment and each Vietnamese guest's register
 * entry from its own projections and passes them in the command.
 */

/** At most this many guests on one notice (CONTRACT.md §2.5). */
export const MAX_GUESTS_PER_NOTICE = 200;
/** An arrival more than this far after the clock is refused (clock skew allowance). */
export const ARRIVAL_LEAD_MS = 60 * 60 * 1000;

/** A Vietnamese guest, by personalId; name and date of birth, where given, are checked against the register. */
export interface VietnameseGuestInput {
  personalId: string;
  fullName?: string | null;
  dateOfBirth?: string | null;
  /** The register entry of `personalId` as the lodging service knows it; null = unknown. */
  knownCitizen: KnownCitizen | null;
}

/** A foreign guest, by passport. */
export interface ForeignGuestInput {
  passportNumber: string;
  /** ISO 3166-1 alpha-3; VNM is refused (Vietnamese guests are given by personalId). */
  nationality: string;
  fullName: string;
  dateOfBirth: string;
}

export type NoticeGuestInput = VietnameseGuestInput | ForeignGuestInput;

/** Submit a lodging notice (`POST /lodging/notices`). */
export interface SubmitNotice {
  type: 'SubmitNotice';
  /** Pre-generated uuid. */
  noticeId: string;
  establishmentId: string;
  /** The establishment as the lodging service knows it; null = unknown. */
  establishment: { wardCode: string } | null;
  arrivalAt: string;
  expectedDepartureAt: string | null;
  room: string | null;
  guests: NoticeGuestInput[];
  /** The clock: the notice's `receivedAt`. */
  now: string;
}

/** The notice's guests left (`POST /lodging/notices/{noticeId}/departure`). */
export interface RecordDeparture {
  type: 'RecordDeparture';
  noticeId: string;
  departedAt: string;
  now: string;
}

export type NoticeCommand = SubmitNotice | RecordDeparture;

/** What was submitted: the `NoticeSubmitted` data. */
export type NoticeRecord = NoticeSubmittedData;

export interface NoNotice {
  status: 'NONE';
}

export interface StayingNotice extends NoticeRecord {
  status: 'STAYING';
}

export interface DepartedNotice extends NoticeRecord {
  status: 'DEPARTED';
  departedAt: string;
}

export type NoticeState = NoNotice | StayingNotice | DepartedNotice;

export const initialState: NoticeState = { status: 'NONE' };

function isVietnamese(guest: NoticeGuestInput): guest is VietnameseGuestInput {
  return 'personalId' in guest;
}

function blankToNull(value: string | null | undefined): string | null {
  return value === null || value === undefined || value.trim() === '' ? null : value;
}

/** Field errors that make the notice malformed (400): guest count, departure order, guest identity. */
function validationErrors(command: SubmitNotice): FieldError[] {
  const errors: FieldError[] = [];
  const arrival = Date.parse(command.arrivalAt);
  if (Number.isNaN(arrival)) errors.push({ field: 'arrivalAt', message: 'must be an ISO-8601 instant with offset' });
  if (command.expectedDepartureAt !== null) {
    const departure = Date.parse(command.expectedDepartureAt);
    if (Number.isNaN(departure)) errors.push({ field: 'expectedDepartureAt', message: 'must be an ISO-8601 instant with offset' });
    else if (departure < arrival) errors.push({ field: 'expectedDepartureAt', message: 'must not be before arrivalAt' });
  }
  const count = command.guests.length;
  if (count === 0 || count > MAX_GUESTS_PER_NOTICE) {
    errors.push({ field: 'guests', message: `must list 1 to ${MAX_GUESTS_PER_NOTICE} guests, got ${count}` });
  }
  const seen = new Set<string>();
  command.guests.forEach((guest, i) => {
    let key: string;
    if (isVietnamese(guest)) {
      key = `ID:${guest.personalId}`;
    } else {
      const nationality = guest.nationality.toUpperCase();
      if (nationality === VIETNAMESE_NATIONALITY) {
        errors.push({ field: `guests[${i}].nationality`, message: 'Vietnamese guests are given by personalId' });
      }
      if (guest.passportNumber.trim() === '') errors.push({ field: `guests[${i}].passportNumber`, message: 'must not be blank' });
      if (guest.fullName.trim() === '') errors.push({ field: `guests[${i}].fullName`, message: 'must not be blank' });
      key = `PP:${nationality}:${guest.passportNumber}`;
    }
    if (seen.has(key)) errors.push({ field: `guests[${i}]`, message: 'the same guest is listed twice' });
    seen.add(key);
  });
  return errors;
}

/** Every guest of a notice shares its arrival, so each kind of deadline is worked out once. */
interface Deadlines {
  vietnamese: () => string;
  foreign: () => string;
}

function deadlinesFor(arrivalAt: string): Deadlines {
  let vietnamese: string | undefined;
  let foreign: string | undefined;
  return {
    vietnamese: () => (vietnamese ??= vietnameseGuestDueBy(arrivalAt)),
    foreign: () => (foreign ??= foreignGuestDueBy(arrivalAt)),
  };
}

function toNoticeGuest(guest: NoticeGuestInput, index: number, deadlines: Deadlines): NoticeGuest {
  if (isVietnamese(guest)) {
    return {
      guestNo: index + 1,
      nationality: VIETNAMESE_NATIONALITY,
      personalId: guest.personalId,
      fullName: blankToNull(guest.fullName),
      dateOfBirth: blankToNull(guest.dateOfBirth),
      dueBy: deadlines.vietnamese(),
      verified: isVietnameseGuestVerified(guest, guest.knownCitizen),
    };
  }
  return {
    guestNo: index + 1,
    nationality: guest.nationality.toUpperCase(),
    passportNumber: guest.passportNumber,
    fullName: guest.fullName,
    dateOfBirth: guest.dateOfBirth,
    dueBy: deadlines.foreign(),
    verified: false,
  };
}

function submit(command: SubmitNotice, state: NoticeState): Decision<NoticeEvent> {
  if (state.status !== 'NONE') return refuse('ALREADY_EXISTS', `notice ${command.noticeId} already exists`);
  const errors = validationErrors(command);
  if (errors.length > 0) return refuse('VALIDATION_FAILED', 'invalid lodging notice', errors);
  if (Date.parse(command.arrivalAt) - Date.parse(command.now) > ARRIVAL_LEAD_MS) {
    return refuse('ARRIVAL_IN_FUTURE', 'arrivalAt is more than 1 hour in the future', [
      { field: 'arrivalAt', message: 'must not be more than 1 hour after now' },
    ]);
  }
  if (command.establishment === null) return refuse('UNKNOWN_ESTABLISHMENT', `no establishment ${command.establishmentId}`);

  const deadlines = deadlinesFor(command.arrivalAt);
  const guests = command.guests.map((g, i) => toNoticeGuest(g, i, deadlines));
  const dueBy = noticeDueBy([...new Set(guests.map((g) => g.dueBy))]);
  return accept({
    type: 'NoticeSubmitted',
    data: {
      noticeId: command.noticeId,
      establishmentId: command.establishmentId,
      wardCode: command.establishment.wardCode,
      arrivalAt: command.arrivalAt,
      expectedDepartureAt: command.expectedDepartureAt,
      room: blankToNull(command.room),
      receivedAt: command.now,
      dueBy,
      late: isNoticeLate(command.now, dueBy),
      guests,
    },
  });
}

function depart(command: RecordDeparture, state: NoticeState): Decision<NoticeEvent> {
  if (state.status === 'NONE') return refuse('NOT_FOUND', `no notice ${command.noticeId}`);
  if (state.status === 'DEPARTED') return refuse('ALREADY_DEPARTED', `the guests of notice ${command.noticeId} departed at ${state.departedAt}`);
  const departed = Date.parse(command.departedAt);
  if (Number.isNaN(departed)) {
    return refuse('VALIDATION_FAILED', 'invalid departure', [{ field: 'departedAt', message: 'must be an ISO-8601 instant with offset' }]);
  }
  if (departed < Date.parse(state.arrivalAt)) {
    return refuse('DEPARTURE_BEFORE_ARRIVAL', `departedAt is before the arrival (${state.arrivalAt})`, [
      { field: 'departedAt', message: `must not be before arrivalAt (${state.arrivalAt})` },
    ]);
  }
  return accept({
    type: 'GuestsDeparted',
    data: { noticeId: state.noticeId, establishmentId: state.establishmentId, departedAt: command.departedAt },
  });
}

export function decide(command: NoticeCommand, state: NoticeState): Decision<NoticeEvent> {
  switch (command.type) {
    case 'SubmitNotice':
      return submit(command, state);
    case 'RecordDeparture':
      return depart(command, state);
    default:
      return assertNever(command, 'notice command');
  }
}

export function evolve(state: NoticeState, event: NoticeEvent): NoticeState {
  switch (event.type) {
    case 'NoticeSubmitted': {
      const d = event.data;
      return {
        status: 'STAYING',
        noticeId: d.noticeId,
        establishmentId: d.establishmentId,
        wardCode: d.wardCode,
        arrivalAt: d.arrivalAt,
        expectedDepartureAt: d.expectedDepartureAt,
        room: d.room,
        receivedAt: d.receivedAt,
        dueBy: d.dueBy,
        late: d.late,
        guests: d.guests,
      };
    }
    case 'GuestsDeparted':
      return state.status === 'STAYING' ? { ...state, status: 'DEPARTED', departedAt: event.data.departedAt } : state;
    default:
      return assertNever(event, 'notice event');
  }
}

/** The notice decider: `decide`, `evolve`, `initialState`. */
export const noticeDecider: Decider<NoticeCommand, NoticeEvent, NoticeState> = { decide, evolve, initialState };
