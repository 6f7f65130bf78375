import {
  type Check,
  type EventParseResult,
  anyString,
  arrayOf,
  instant,
  nonBlank,
  nullable,
  object,
  oneOf,
  parseWith,
  personalId,
} from './payload-checks';

/**
 * The access records of the identity service (CONTRACT.md §2.6, §3; DOMAIN.md "Personal data":
 * processing logs kept, the data subject may learn who processed their data).
 * They are events of the identity service's own log (same hash chain), stream id
 * `access-<personalId>` (see {@link accessStreamIdOf}), appended with "any" expected version,
 * and published to topic `audit.events` rather than `identity.events`.
 */

/** How the data was read: `GET /citizens/{id}` (IDENTITY_LOOKUP) or `GET /sharing/citizens/{id}` (SHARING). */
export const DATA_ACCESS_CHANNELS = ['IDENTITY_LOOKUP', 'SHARING'] as const;
export type DataAccessChannel = (typeof DATA_ACCESS_CHANNELS)[number];

export interface CitizenDataAccessedData {
  /** Whose data was read. */
  personalId: string;
  /** The OAuth client that read it. */
  clientId: string;
  /** The stated purpose (`X-Purpose` on sharing reads); null where none is asked for. */
  purpose: string | null;
  /** The names of the fields returned, e.g. `["personalId", "fullName"]`. */
  fields: string[];
  channel: DataAccessChannel;
  /** The request's `X-Correlation-Id`. */
  correlationId: string;
  accessedAt: string;
}

/**
 * Someone read a citizen's personal data.
 * Emitted by the identity service for every successful read of a citizen's data (identity lookup
 * and inter-agency sharing), on the stream `access-<personalId>`. Consumed by the identity
 * service's access-log projection (`GET /audit/access-log?personalId`), and by anyone auditing
 * the topic `audit.events`.
 */
export interface CitizenDataAccessed {
  type: 'CitizenDataAccessed';
  data: CitizenDataAccessedData;
}

export type AuditEvent = CitizenDataAccessed;
export type AuditEventType = AuditEvent['type'];

/** The `schemaVersion` each audit event type is written with. */
export const AUDIT_EVENT_SCHEMA_VERSIONS = {
  CitizenDataAccessed: 1,
} as const satisfies Record<AuditEventType, number>;

export const AUDIT_EVENT_TYPES = Object.keys(AUDIT_EVENT_SCHEMA_VERSIONS) as AuditEventType[];

export function isAuditEventType(type: string): type is AuditEventType {
  return (AUDIT_EVENT_TYPES as string[]).includes(type);
}

/** The stream of a citizen's access records in the identity service's store. */
export function accessStreamIdOf(personalIdValue: string): string {
  return `access-${personalIdValue}`;
}

const CHECKS: Record<AuditEventType, Check> = {
  CitizenDataAccessed: object({
    personalId,
    clientId: nonBlank,
    purpose: nullable(anyString),
    fields: arrayOf(nonBlank),
    channel: oneOf(DATA_ACCESS_CHANNELS),
    correlationId: nonBlank,
    accessedAt: instant,
  }),
};

/** Checks the `data` of an audit event field by field (use on every consumed payload). */
export function parseAuditEvent(type: string, data: unknown): EventParseResult<AuditEvent> {
  return parseWith<AuditEvent>(CHECKS, 'audit', type, data);
}
