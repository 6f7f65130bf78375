import {
  IDENTITY_EVENT_TYPES,
  EVENT_SCHEMA_VERSIONS,
  parseIdentityEvent,
  type EventEnvelope,
  type IdentityEvent,
  type IdentityEventType,
} from '@d06/contracts';
import type { ConsumerHandlers, PayloadValidator } from '@d06/event-sourcing';
import type { EntityManager } from 'typeorm';
import { rows } from './sql';

export const KNOWN_CITIZENS_CONSUMER = 'residence-known-citizens';

/**
 * Applies `sql` to the citizen's row only when the event is newer than what the row holds:
 * redeliveries and replays of `identity.events` change nothing. A citizen we have never heard
 * of cannot be changed; that is thrown, so the message is retried and then dead-lettered where
 * an operator sees it (its registration must have been lost), rather than silently dropped.
 */
async function updateCitizen(envelope: EventEnvelope, manager: EntityManager, assignments: string[], params: unknown[]): Promise<void> {
  const changed = await rows(
    manager,
    `UPDATE known_citizens SET ${[...assignments, 'version = $2'].join(', ')}
      WHERE personal_id = $1 AND version < $2 RETURNING 1`,
    [envelope.streamId, envelope.streamVersion, ...params],
  );
  if (changed.length > 0) return;
  const known = await rows(manager, 'SELECT 1 FROM known_citizens WHERE personal_id = $1', [envelope.streamId]);
  if (known.length === 0) {
    throw new Error(`${envelope.type} v${envelope.streamVersion} for citizen ${envelope.streamId}, who is not known here (registration missing)`);
  }
}

/**
 * The residence service's own list of citizens (DESIGN.md: no synchronous calls between
 * services): who exists, whether alive, and which residences they hold, which is all the
 * dossier rules need. Fed by `identity.events`, in order per citizen (key = personalId).
 */
export const knownCitizensHandlers: ConsumerHandlers<IdentityEvent> = {
  CitizenRegistered: async (envelope, manager) => {
    const d = envelope.data;
    await rows(
      manager,
      `INSERT INTO known_citizens (personal_id, status, permanent_address, temporary_address, temporary_valid_until, version)
       VALUES ($1, 'ALIVE', $2::jsonb, NULL, NULL, $3)
       ON CONFLICT (personal_id) DO NOTHING`,
      [d.personalId, d.permanentAddress === null ? null : JSON.stringify(d.permanentAddress), envelope.streamVersion],
    );
  },
  // Names and dates of birth are not kept here; the version still moves so order stays checkable.
  CitizenDetailsCorrected: (envelope, manager) => updateCitizen(envelope, manager, [], []),
  CitizenDied: (envelope, manager) => updateCitizen(envelope, manager, [`status = 'DECEASED'`], []),
  CitizenResidenceChanged: (envelope, manager) => {
    const d = envelope.data;
    const address = d.address === null ? null : JSON.stringify(d.address);
    switch (d.kind) {
      case 'PERMANENT':
        return updateCitizen(envelope, manager, ['permanent_address = $3::jsonb'], [address]);
      case 'TEMPORARY':
        return updateCitizen(envelope, manager, ['temporary_address = $3::jsonb', 'temporary_valid_until = $4::date'], [
          address,
          d.address === null ? null : d.validUntil,
        ]);
      default: {
        const unhandled: never = d.kind;
        throw new Error(`unhandled residence kind ${String(unhandled)}`);
      }
    }
  },
};

function validatorOf(type: IdentityEventType): PayloadValidator {
  return (data) => {
    const parsed = parseIdentityEvent(type, data);
    return parsed.ok ? [] : parsed.errors;
  };
}

/** Every consumed payload is checked field by field before a handler sees it. */
export const knownCitizensValidators: Readonly<Record<string, PayloadValidator>> = Object.fromEntries(
  IDENTITY_EVENT_TYPES.map((type) => [type, validatorOf(type)]),
);

/**
 * Public event types that may reach this consumer and that it has no use for: acknowledged and
 * skipped. Anything else unknown is dead-lettered (a type nobody documented).
 */
export const knownCitizensIgnoredTypes: readonly string[] = Object.keys(EVENT_SCHEMA_VERSIONS).filter(
  (type) => !(IDENTITY_EVENT_TYPES as readonly string[]).includes(type),
);
