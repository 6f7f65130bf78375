/**
 * The public events of every context: their types, `schemaVersion`s and payload validators
 * (CONTRACT.md §3: "Event types and their data are documented in libs/contracts").
 *
 * A consumer takes the envelope from Kafka, then calls the context's `parseXEvent(type, data)`
 * (or {@link parsePublicEvent}) before touching `data`; a payload that does not parse goes to the
 * dead-letter topic with the returned errors.
 */
import { AUDIT_EVENT_SCHEMA_VERSIONS, type AuditEvent, parseAuditEvent } from './audit.events';
import { IDENTITY_EVENT_SCHEMA_VERSIONS, type IdentityEvent, parseIdentityEvent } from './identity.events';
import { LODGING_EVENT_SCHEMA_VERSIONS, type LodgingEvent, parseLodgingEvent } from './lodging.events';
import type { EventParseResult } from './payload-checks';
import { RESIDENCE_EVENT_SCHEMA_VERSIONS, type ResidenceEvent, parseResidenceEvent } from './residence.events';

export * from './identity.events';
export * from './residence.events';
export * from './lodging.events';
export * from './audit.events';
export type { EventParseResult } from './payload-checks';

/** Every public event of the platform. */
export type PublicEvent = IdentityEvent | AuditEvent | ResidenceEvent | LodgingEvent;
export type PublicEventType = PublicEvent['type'];

/** The `schemaVersion` each public event type is currently written with. */
export const EVENT_SCHEMA_VERSIONS: Readonly<Record<PublicEventType, number>> = {
  ...IDENTITY_EVENT_SCHEMA_VERSIONS,
  ...AUDIT_EVENT_SCHEMA_VERSIONS,
  ...RESIDENCE_EVENT_SCHEMA_VERSIONS,
  ...LODGING_EVENT_SCHEMA_VERSIONS,
};

/** The current `schemaVersion` of an event type, or undefined for a type nobody publishes. */
export function schemaVersionOf(type: string): number | undefined {
  return Object.prototype.hasOwnProperty.call(EVENT_SCHEMA_VERSIONS, type)
    ? EVENT_SCHEMA_VERSIONS[type as PublicEventType]
    : undefined;
}

/** Validates the `data` of any public event, whatever its context (event type names are unique). */
export function parsePublicEvent(type: string, data: unknown): EventParseResult<PublicEvent> {
  if (type in IDENTITY_EVENT_SCHEMA_VERSIONS) return parseIdentityEvent(type, data);
  if (type in AUDIT_EVENT_SCHEMA_VERSIONS) return parseAuditEvent(type, data);
  if (type in RESIDENCE_EVENT_SCHEMA_VERSIONS) return parseResidenceEvent(type, data);
  if (type in LODGING_EVENT_SCHEMA_VERSIONS) return parseLodgingEvent(type, data);
  return { ok: false, errors: [`type: not a known event type: ${JSON.stringify(type)}`] };
}
