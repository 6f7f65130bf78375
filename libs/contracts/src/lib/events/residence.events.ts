import type { Address } from '../address';
import {
  type Check,
  type EventParseResult,
  address,
  allOf,
  boolean,
  instant,
  isRecord,
  localDate,
  nonBlank,
  nullable,
  object,
  oneOf,
  parseWith,
  personalId,
  uuid,
} from './payload-checks';

/**
 * Public events of the residence context (CONTRACT.md §2.4, §3).
 * Emitted by the residence service, stream id = `dossierId` (a uuid), topic `residence.events`.
 * Dates are local dates `YYYY-MM-DD` (Asia/Ho_Chi_Minh); `*At` are RFC 3339 instants with offset.
 */

/** The residence procedures (DOMAIN.md; statutory limits in working days in the reference data). */
export const RESIDENCE_PROCEDURES = [
  'PERMANENT_REGISTRATION',
  'TEMPORARY_REGISTRATION',
  'TEMPORARY_EXTENSION',
  'PERMANENT_DEREGISTRATION',
  'TEMPORARY_DEREGISTRATION',
  'ABSENCE_DECLARATION',
] as const;
export type ResidenceProcedure = (typeof RESIDENCE_PROCEDURES)[number];

/** Which of a citizen's two residences a change concerns. */
export const RESIDENCE_KINDS = ['PERMANENT', 'TEMPORARY'] as const;
export type ResidenceKind = (typeof RESIDENCE_KINDS)[number];

/**
 * What an approved dossier does to the applicant's residence: set (`address` not null) or clear
 * (`address` null, a deregistration) the permanent or temporary address; `validUntil` is the end
 * of a temporary residence's term, null otherwise.
 */
export interface ResidenceEffect {
  kind: ResidenceKind;
  address: Address | null;
  validUntil: string | null;
}

export interface DossierReceivedData {
  dossierId: string;
  procedure: ResidenceProcedure;
  /** The applicant's personalId. */
  applicantId: string;
  /**
   * The address the request concerns: the one given, or for a TEMPORARY_EXTENSION without one,
   * the applicant's current temporary address; null when neither.
   */
  address: Address | null;
  /** Start of a temporary residence (for TEMPORARY_REGISTRATION the effective one: default the day of receipt). */
  startDate: string | null;
  /** End of the requested temporary residence term (registrations and extensions). */
  endDate: string | null;
  reason: string | null;
  /** The ward the dossier counts for in the stats: the address's ward, else the applicant's permanent ward, else null. */
  wardCode: string | null;
  receivedAt: string;
  /** The last working day of the statutory time limit (local date). */
  dueDate: string;
}

export interface DossierApprovedData {
  dossierId: string;
  procedure: ResidenceProcedure;
  applicantId: string;
  decidedAt: string;
  /** Decided after the end of `dueDate` (local). */
  late: boolean;
  /** What the identity service applies to the citizen; null for ABSENCE_DECLARATION. */
  residenceEffect: ResidenceEffect | null;
  /** Who decided (the officer's subject, else the client id); the envelope's `actor` says the same. */
  decidedBy?: string;
}

export interface DossierRejectedData {
  dossierId: string;
  procedure: ResidenceProcedure;
  applicantId: string;
  decidedAt: string;
  late: boolean;
  /** The written reason for the refusal (never blank). */
  reason: string;
  /** Who decided (the officer's subject, else the client id). */
  decidedBy?: string;
}

/**
 * A dossier was filed and accepted for processing.
 * Emitted by the residence service on `POST /residence/dossiers`, once the applicant is known,
 * alive and the procedure's rules hold. Consumed by the residence read models (dossier details,
 * ward stats).
 */
export interface DossierReceived {
  type: 'DossierReceived';
  data: DossierReceivedData;
}

/**
 * An officer approved a dossier.
 * Emitted by the residence service on `POST /residence/dossiers/{id}/decision` (APPROVED).
 * Consumed by the residence read models, and by the identity service, which turns a non-null
 * `residenceEffect` into `CitizenResidenceChanged` on the applicant's stream.
 */
export interface DossierApproved {
  type: 'DossierApproved';
  data: DossierApprovedData;
}

/**
 * An officer refused a dossier, with a written reason.
 * Emitted by the residence service on `POST /residence/dossiers/{id}/decision` (REJECTED).
 * Consumed by the residence read models.
 */
export interface DossierRejected {
  type: 'DossierRejected';
  data: DossierRejectedData;
}

export type ResidenceEvent = DossierReceived | DossierApproved | DossierRejected;
export type ResidenceEventType = ResidenceEvent['type'];

/** The `schemaVersion` each residence event type is written with. */
export const RESIDENCE_EVENT_SCHEMA_VERSIONS = {
  DossierReceived: 1,
  DossierApproved: 1,
  DossierRejected: 1,
} as const satisfies Record<ResidenceEventType, number>;

export const RESIDENCE_EVENT_TYPES = Object.keys(RESIDENCE_EVENT_SCHEMA_VERSIONS) as ResidenceEventType[];

export function isResidenceEventType(type: string): type is ResidenceEventType {
  return (RESIDENCE_EVENT_TYPES as string[]).includes(type);
}

const procedure = oneOf(RESIDENCE_PROCEDURES);

const residenceEffect: Check = allOf(
  object({ kind: oneOf(RESIDENCE_KINDS), address: nullable(address), validUntil: nullable(localDate) }),
  (value, path, errors) => {
    if (isRecord(value) && value['kind'] === 'PERMANENT' && value['validUntil'] !== null && value['validUntil'] !== undefined) {
      errors.push(`${path}.validUntil: must be null for a PERMANENT residence`);
    }
  },
);

const decision = { dossierId: uuid, procedure, applicantId: personalId, decidedAt: instant, late: boolean };

const CHECKS: Record<ResidenceEventType, Check> = {
  DossierReceived: object({
    dossierId: uuid,
    procedure,
    applicantId: personalId,
    address: nullable(address),
    startDate: nullable(localDate),
    endDate: nullable(localDate),
    reason: nullable(nonBlank),
    wardCode: nullable(nonBlank),
    receivedAt: instant,
    dueDate: localDate,
  }),
  DossierApproved: object({ ...decision, residenceEffect: nullable(residenceEffect) }, { decidedBy: nonBlank }),
  DossierRejected: object({ ...decision, reason: nonBlank }, { decidedBy: nonBlank }),
};

/** Checks the `data` of a residence event field by field (use on every consumed payload). */
export function parseResidenceEvent(type: string, data: unknown): EventParseResult<ResidenceEvent> {
  return parseWith<ResidenceEvent>(CHECKS, 'residence', type, data);
}
