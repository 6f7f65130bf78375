import type { Address } from '../address';
import {
  type Check,
  type EventParseResult,
  address,
  allOf,
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
import { RESIDENCE_KINDS, RESIDENCE_PROCEDURES, type ResidenceKind, type ResidenceProcedure } from './residence.events';

/**
 * Public events of the identity context (CONTRACT.md §2.3, §3).
 * Emitted by the identity service, stream id = the citizen's `personalId`, topic `identity.events`.
 * Dates are local dates `YYYY-MM-DD`; `*At` are RFC 3339 instants with offset.
 */

export const CITIZEN_GENDERS = ['MALE', 'FEMALE'] as const;
export type CitizenGender = (typeof CITIZEN_GENDERS)[number];

export interface CitizenRegisteredData {
  personalId: string;
  fullName: string;
  dateOfBirth: string;
  gender: CitizenGender;
  permanentAddress: Address | null;
  registeredAt: string;
}

/** The fields a correction may change; only the fields that actually changed are present. */
export interface CitizenDetailsChanges {
  fullName?: string;
  dateOfBirth?: string;
  gender?: CitizenGender;
}

export interface CitizenDetailsCorrectedData {
  personalId: string;
  changes: CitizenDetailsChanges;
  correctedAt: string;
}

export interface CitizenDiedData {
  personalId: string;
  dateOfDeath: string;
  recordedAt: string;
}

export interface CitizenResidenceChangedData {
  personalId: string;
  kind: ResidenceKind;
  /** The new address; null = the residence of this kind was cleared (deregistration). */
  address: Address | null;
  /** End of a temporary residence's term; null for a permanent one or a cleared one. */
  validUntil: string | null;
  /** The residence dossier whose approval caused the change. */
  dossierId: string;
  procedure: ResidenceProcedure;
  changedAt: string;
}

/**
 * A citizen was entered in the population register.
 * Emitted by the identity service on `POST /citizens`. Consumed by the identity read model, and
 * by the residence and lodging services to keep their own list of known citizens (who exists,
 * alive or not, and where they live; lodging also keeps name and date of birth to verify guests).
 */
export interface CitizenRegistered {
  type: 'CitizenRegistered';
  data: CitizenRegisteredData;
}

/**
 * An officer corrected a citizen's name, date of birth or gender.
 * Emitted by the identity service. Consumed by the identity read model and by the residence and
 * lodging citizen projections.
 */
export interface CitizenDetailsCorrected {
  type: 'CitizenDetailsCorrected';
  data: CitizenDetailsCorrectedData;
}

/**
 * A citizen's death was recorded; the citizen is DECEASED from then on.
 * Emitted by the identity service on `POST /citizens/{personalId}/death`. Consumed by the identity
 * read model, and by residence (refuses dossiers of deceased applicants) and lodging (a deceased
 * guest is never `verified`).
 */
export interface CitizenDied {
  type: 'CitizenDied';
  data: CitizenDiedData;
}

/**
 * A citizen's permanent or temporary address was set or cleared.
 * Emitted by the identity service when it consumes a residence `DossierApproved` with a
 * `residenceEffect`. Consumed by the identity read model (`permanentAddress`, `temporaryAddress`)
 * and by the residence service's applicant projection (which addresses an applicant has).
 */
export interface CitizenResidenceChanged {
  type: 'CitizenResidenceChanged';
  data: CitizenResidenceChangedData;
}

export type IdentityEvent = CitizenRegistered | CitizenDetailsCorrected | CitizenDied | CitizenResidenceChanged;
export type IdentityEventType = IdentityEvent['type'];

/** The `schemaVersion` each identity event type is written with. */
export const IDENTITY_EVENT_SCHEMA_VERSIONS = {
  CitizenRegistered: 1,
  CitizenDetailsCorrected: 1,
  CitizenDied: 1,
  CitizenResidenceChanged: 1,
} as const satisfies Record<IdentityEventType, number>;

export const IDENTITY_EVENT_TYPES = Object.keys(IDENTITY_EVENT_SCHEMA_VERSIONS) as IdentityEventType[];

export function isIdentityEventType(type: string): type is IdentityEventType {
  return (IDENTITY_EVENT_TYPES as string[]).includes(type);
}

const gender = oneOf(CITIZEN_GENDERS);

const residenceChanged: Check = allOf(
  object({
    personalId,
    kind: oneOf(RESIDENCE_KINDS),
    address: nullable(address),
    validUntil: nullable(localDate),
    dossierId: uuid,
    procedure: oneOf(RESIDENCE_PROCEDURES),
    changedAt: instant,
  }),
  (value, path, errors) => {
    if (isRecord(value) && value['kind'] === 'PERMANENT' && value['validUntil'] !== null && value['validUntil'] !== undefined) {
      errors.push(`${path}.validUntil: must be null for a PERMANENT residence`);
    }
  },
);

const CHECKS: Record<IdentityEventType, Check> = {
  CitizenRegistered: object({
    personalId,
    fullName: nonBlank,
    dateOfBirth: localDate,
    gender,
    permanentAddress: nullable(address),
    registeredAt: instant,
  }),
  CitizenDetailsCorrected: object({
    personalId,
    changes: object({}, { fullName: nonBlank, dateOfBirth: localDate, gender }),
    correctedAt: instant,
  }),
  CitizenDied: object({ personalId, dateOfDeath: localDate, recordedAt: instant }),
  CitizenResidenceChanged: residenceChanged,
};

/** Checks the `data` of an identity event field by field (use on every consumed payload). */
export function parseIdentityEvent(type: string, data: unknown): EventParseResult<IdentityEvent> {
  return parseWith<IdentityEvent>(CHECKS, 'identity', type, data);
}
