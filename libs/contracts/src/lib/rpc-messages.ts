import type { Address } from './address';
import type { EstablishmentKind } from './events/lodging.events';

/**
 * The request/reply messages between the gateway and the services (topic `<service>.rpc`).
 * `type` names the request; `payload` is the HTTP body (validated at the gateway) plus path
 * and query parameters; the reply's `body` is what the gateway returns as JSON.
 */
export const RPC = {
  identity: {
    registerCitizen: 'RegisterCitizen',
    getCitizen: 'GetCitizen',
    recordDeath: 'RecordDeath',
    verifyCitizen: 'VerifyCitizen',
    shareCitizen: 'ShareCitizen',
    getAccessLog: 'GetAccessLog',
    getStream: 'GetStream',
  },
  residence: {
    submitDossier: 'SubmitDossier',
    getDossier: 'GetDossier',
    decideDossier: 'DecideDossier',
    getStats: 'GetResidenceStats',
    getStream: 'GetStream',
  },
  lodging: {
    registerEstablishment: 'RegisterEstablishment',
    submitNotice: 'SubmitNotice',
    recordDeparture: 'RecordDeparture',
    getCurrentGuests: 'GetCurrentGuests',
    getStats: 'GetLodgingStats',
    getStream: 'GetStream',
  },
} as const;

export type Gender = 'MALE' | 'FEMALE';

// ---- identity ----------------------------------------------------------------------------
export interface RegisterCitizenPayload {
  personalId: string;
  fullName: string;
  dateOfBirth: string;
  gender: Gender;
  permanentAddress?: Address | null;
}
export interface GetCitizenPayload {
  personalId: string;
  /** Stated purpose of the read (optional here; required for sharing). Recorded in the access log. */
  purpose?: string | null;
}
export interface RecordDeathPayload {
  personalId: string;
  dateOfDeath: string;
}
export interface VerifyCitizenPayload {
  personalId: string;
  fullName?: string;
  dateOfBirth?: string;
  gender?: Gender;
}
export interface VerifyCitizenResult {
  match: boolean;
}
export interface ShareCitizenPayload {
  personalId: string;
  purpose: string;
  /** The fields the calling agency's policy allows; only these are returned and logged. */
  fields: string[];
}
export interface CitizenView {
  personalId: string;
  fullName: string;
  dateOfBirth: string;
  gender: Gender;
  status: 'ALIVE' | 'DECEASED';
  permanentAddress: Address | null;
  temporaryAddress: Address | null;
  version: number;
  updatedAt: string;
}
export interface GetAccessLogPayload {
  personalId: string;
  limit: number;
  /** Opaque cursor from the previous page's `nextCursor`. */
  cursor?: string | null;
}
export interface AccessLogEntry {
  at: string;
  clientId: string;
  purpose: string | null;
  fields: string[];
  channel: string;
  correlationId: string;
}
export interface AccessLogPage {
  items: AccessLogEntry[];
  nextCursor: string | null;
}
export interface GetStreamPayload {
  streamId: string;
}

// ---- residence ---------------------------------------------------------------------------
export type Procedure =
  | 'PERMANENT_REGISTRATION'
  | 'TEMPORARY_REGISTRATION'
  | 'TEMPORARY_EXTENSION'
  | 'PERMANENT_DEREGISTRATION'
  | 'TEMPORARY_DEREGISTRATION'
  | 'ABSENCE_DECLARATION';
export const PROCEDURES: readonly Procedure[] = [
  'PERMANENT_REGISTRATION',
  'TEMPORARY_REGISTRATION',
  'TEMPORARY_EXTENSION',
  'PERMANENT_DEREGISTRATION',
  'TEMPORARY_DEREGISTRATION',
  'ABSENCE_DECLARATION',
];
export interface SubmitDossierPayload {
  procedure: Procedure;
  applicantId: string;
  address?: Address | null;
  startDate?: string | null;
  endDate?: string | null;
  reason?: string | null;
}
export interface DecideDossierPayload {
  dossierId: string;
  outcome: 'APPROVED' | 'REJECTED';
  reason?: string | null;
}
export interface DossierView {
  dossierId: string;
  procedure: Procedure;
  applicantId: string;
  status: 'RECEIVED' | 'APPROVED' | 'REJECTED';
  address: Address | null;
  startDate: string | null;
  endDate: string | null;
  receivedAt: string;
  dueDate: string;
  decidedAt?: string;
  reason?: string | null;
  late: boolean;
  history: { status: 'RECEIVED' | 'APPROVED' | 'REJECTED'; at: string; by: string }[];
}
export interface StatsQuery {
  wardCode: string;
  from: string;
  to: string;
}
export interface ResidenceStats {
  received: number;
  resolved: number;
  resolvedOnTime: number;
  resolvedLate: number;
  pending: number;
  overdue: number;
}

// ---- lodging -----------------------------------------------------------------------------
export interface RegisterEstablishmentPayload {
  name: string;
  kind: EstablishmentKind;
  address: Address;
}
export type GuestInput =
  | { personalId: string; fullName?: string; dateOfBirth?: string }
  | { passportNumber: string; nationality: string; fullName: string; dateOfBirth: string };
export interface SubmitNoticePayload {
  establishmentId: string;
  arrivalAt: string;
  expectedDepartureAt?: string | null;
  room?: string | null;
  guests: GuestInput[];
}
export interface RecordDeparturePayload {
  noticeId: string;
  departedAt: string;
}
export interface GetCurrentGuestsPayload {
  establishmentId: string;
}
export interface LodgingStats {
  notices: number;
  guests: number;
  foreignGuests: number;
  late: number;
}
