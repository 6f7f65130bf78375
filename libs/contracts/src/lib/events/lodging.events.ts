import type { Address } from '../address';
import {
  type Check,
  type EventParseResult,
  address,
  anyString,
  arrayOf,
  boolean,
  instant,
  integer,
  isRecord,
  localDate,
  matching,
  nonBlank,
  nullable,
  object,
  oneOf,
  parseWith,
  personalId,
  uuid,
} from './payload-checks';

/**
 * Public events of the lodging context (CONTRACT.md §2.5, §3), topic `lodging.events`.
 * Two kinds of stream: an establishment (stream id = `establishmentId`, a uuid) and a lodging
 * notice (stream id = `noticeId`, a uuid). `*At` and `dueBy` are RFC 3339 instants with offset.
 */

export const ESTABLISHMENT_KINDS = ['HOTEL', 'HOMESTAY', 'HOSPITAL', 'RENTAL', 'OTHER'] as const;
export type EstablishmentKind = (typeof ESTABLISHMENT_KINDS)[number];

/** The nationality of Vietnamese guests (ISO 3166-1 alpha-3), who are identified by personalId. */
export const VIETNAMESE_NATIONALITY = 'VNM';

export interface EstablishmentRegisteredData {
  establishmentId: string;
  name: string;
  kind: EstablishmentKind;
  address: Address;
  registeredAt: string;
}

/** Only the fields that actually changed are present. */
export interface EstablishmentDetailsChanges {
  name?: string;
  kind?: EstablishmentKind;
  address?: Address;
}

export interface EstablishmentDetailsChangedData {
  establishmentId: string;
  changes: EstablishmentDetailsChanges;
  changedAt: string;
}

/** A Vietnamese guest, identified by personalId; name and date of birth only where the establishment gave them. */
export interface VietnameseGuest {
  /** 1-based position of the guest in the notice. */
  guestNo: number;
  nationality: 'VNM';
  personalId: string;
  fullName: string | null;
  dateOfBirth: string | null;
  /** Deadline for this guest: 23:00 local on the day of arrival, or 08:00 the next day when arriving at or after 23:00. */
  dueBy: string;
  /** The personalId is a living citizen's, and the given name and date of birth (if any) agree with the register. */
  verified: boolean;
}

/** A foreign guest, identified by passport. */
export interface ForeignGuest {
  guestNo: number;
  /** ISO 3166-1 alpha-3, never `VNM`. */
  nationality: string;
  passportNumber: string;
  fullName: string;
  dateOfBirth: string;
  /** Deadline for this guest: 12 hours after arrival. */
  dueBy: string;
  /** Foreign guests are not checked against the population register. */
  verified: false;
}

export type NoticeGuest = VietnameseGuest | ForeignGuest;

export function isVietnameseGuest(guest: NoticeGuest): guest is VietnameseGuest {
  return guest.nationality === VIETNAMESE_NATIONALITY;
}

export interface NoticeSubmittedData {
  noticeId: string;
  establishmentId: string;
  /** The establishment's ward at the time of the notice (for the ward stats). */
  wardCode: string;
  arrivalAt: string;
  expectedDepartureAt: string | null;
  room: string | null;
  /** When the notice was received (the submission's clock). */
  receivedAt: string;
  /** The earliest of the guests' `dueBy`. */
  dueBy: string;
  /** `receivedAt` is after `dueBy`. */
  late: boolean;
  guests: NoticeGuest[];
}

export interface GuestsDepartedData {
  noticeId: string;
  establishmentId: string;
  departedAt: string;
}

/**
 * An accommodation establishment (hotel, homestay, hospital, rental...) was registered.
 * Emitted by the lodging service on `POST /lodging/establishments`. Consumed by the lodging
 * read models (establishments, which ward a notice counts for).
 */
export interface EstablishmentRegistered {
  type: 'EstablishmentRegistered';
  data: EstablishmentRegisteredData;
}

/**
 * An establishment's name, kind or address changed.
 * Emitted by the lodging service. Consumed by the lodging establishment read model.
 */
export interface EstablishmentDetailsChanged {
  type: 'EstablishmentDetailsChanged';
  data: EstablishmentDetailsChangedData;
}

/**
 * An establishment gave notice of guests staying (DOMAIN.md "Lodging notices").
 * Emitted by the lodging service on `POST /lodging/notices`, with each guest's deadline and
 * verification flag. Consumed by the lodging read models (guests currently staying, ward stats).
 */
export interface NoticeSubmitted {
  type: 'NoticeSubmitted';
  data: NoticeSubmittedData;
}

/**
 * The guests of a notice left.
 * Emitted by the lodging service on `POST /lodging/notices/{noticeId}/departure`. Consumed by the
 * lodging read model of guests currently staying.
 */
export interface GuestsDeparted {
  type: 'GuestsDeparted';
  data: GuestsDepartedData;
}

export type EstablishmentEvent = EstablishmentRegistered | EstablishmentDetailsChanged;
export type NoticeEvent = NoticeSubmitted | GuestsDeparted;
export type LodgingEvent = EstablishmentEvent | NoticeEvent;
export type LodgingEventType = LodgingEvent['type'];

/** The `schemaVersion` each lodging event type is written with. */
export const LODGING_EVENT_SCHEMA_VERSIONS = {
  EstablishmentRegistered: 1,
  EstablishmentDetailsChanged: 1,
  NoticeSubmitted: 1,
  GuestsDeparted: 1,
} as const satisfies Record<LodgingEventType, number>;

export const LODGING_EVENT_TYPES = Object.keys(LODGING_EVENT_SCHEMA_VERSIONS) as LodgingEventType[];

export function isLodgingEventType(type: string): type is LodgingEventType {
  return (LODGING_EVENT_TYPES as string[]).includes(type);
}

const kind = oneOf(ESTABLISHMENT_KINDS);

const vietnameseGuest = object({
  guestNo: integer(1),
  nationality: oneOf([VIETNAMESE_NATIONALITY]),
  personalId,
  fullName: nullable(nonBlank),
  dateOfBirth: nullable(localDate),
  dueBy: instant,
  verified: boolean,
});

const foreignGuest = object({
  guestNo: integer(1),
  nationality: matching(/^(?!VNM$)[A-Z]{3}$/, 'an ISO 3166-1 alpha-3 code other than VNM'),
  passportNumber: nonBlank,
  fullName: nonBlank,
  dateOfBirth: localDate,
  dueBy: instant,
  verified: (value, path, errors) => {
    if (value !== false) errors.push(`${path}: expected false (foreign guests are never verified)`);
  },
});

/** A guest is Vietnamese (personalId) when its nationality is VNM, foreign (passport) otherwise. */
const guest: Check = (value, path, errors) => {
  if (isRecord(value) && value['nationality'] === VIETNAMESE_NATIONALITY) vietnameseGuest(value, path, errors);
  else foreignGuest(value, path, errors);
};

const CHECKS: Record<LodgingEventType, Check> = {
  EstablishmentRegistered: object({ establishmentId: uuid, name: nonBlank, kind, address, registeredAt: instant }),
  EstablishmentDetailsChanged: object({
    establishmentId: uuid,
    changes: object({}, { name: nonBlank, kind, address }),
    changedAt: instant,
  }),
  NoticeSubmitted: object({
    noticeId: uuid,
    establishmentId: uuid,
    wardCode: nonBlank,
    arrivalAt: instant,
    expectedDepartureAt: nullable(instant),
    room: nullable(anyString),
    receivedAt: instant,
    dueBy: instant,
    late: boolean,
    guests: arrayOf(guest, 1, 200),
  }),
  GuestsDeparted: object({ noticeId: uuid, establishmentId: uuid, departedAt: instant }),
};

/** Checks the `data` of a lodging event field by field (use on every consumed payload). */
export function parseLodgingEvent(type: string, data: unknown): EventParseResult<LodgingEvent> {
  return parseWith<LodgingEvent>(CHECKS, 'lodging', type, data);
}
