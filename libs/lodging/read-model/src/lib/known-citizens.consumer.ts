import type { EntityManager } from 'typeorm';
import type { ConsumerHandlers, Logger, PayloadValidator } from '@d06/event-sourcing';
import {
  IDENTITY_EVENT_TYPES,
  normalizeName,
  parseIdentityEvent,
  type CitizenDetailsCorrectedData,
  type CitizenDiedData,
  type CitizenRegisteredData,
  type EventEnvelope,
  type IdentityEvent,
} from '@d06/contracts';

/** Consumer name: part of its Kafka group and the key of its processed-event records. */
export const KNOWN_CITIZENS_CONSUMER = 'known_citizens';

/** Identity events the lodging service has no use for (addresses do not verify a guest). */
export const KNOWN_CITIZENS_IGNORED_TYPES: readonly IdentityEvent['type'][] = ['CitizenResidenceChanged'];

/** Checks every consumed identity payload field by field before a handler sees it. */
export const knownCitizensValidators: Readonly<Record<string, PayloadValidator>> = Object.fromEntries(
  IDENTITY_EVENT_TYPES.map((type) => [
    type,
    (data: unknown) => {
      const parsed = parseIdentityEvent(type, data);
      return parsed.ok ? [] : parsed.errors;
    },
  ]),
);

/**
 * `known_citizens` from `identity.events`: who exists, whether alive, and the normalized name
 * and date of birth a guest is compared with. Rows keep the identity stream version they last
 * applied, so a redelivered or stale event never overwrites newer facts (the consumer also
 * records processed event ids). Only the normalized name is kept: it is all the check needs.
 */
export function knownCitizensHandlers(logger: Logger): ConsumerHandlers<IdentityEvent> {
  return {
    CitizenRegistered: async (event: EventEnvelope<'CitizenRegistered', CitizenRegisteredData>, manager: EntityManager) => {
      const d = event.data;
      await manager.query(
        `INSERT INTO known_citizens (personal_id, status, full_name_normalized, date_of_birth, version)
         VALUES ($1, 'ALIVE', $2, $3, $4)
         ON CONFLICT (personal_id) DO UPDATE SET
           full_name_normalized = coalesce(known_citizens.full_name_normalized, EXCLUDED.full_name_normalized),
           date_of_birth = coalesce(known_citizens.date_of_birth, EXCLUDED.date_of_birth)`,
        [d.personalId, normalizeName(d.fullName), d.dateOfBirth, event.streamVersion],
      );
    },
    CitizenDetailsCorrected: async (event: EventEnvelope<'CitizenDetailsCorrected', CitizenDetailsCorrectedData>, manager: EntityManager) => {
      const { personalId, changes } = event.data;
      const rows: unknown[] = await manager.query(
        `UPDATE known_citizens
            SET full_name_normalized = coalesce($2, full_name_normalized),
                date_of_birth = coalesce($3, date_of_birth),
                version = $4
          WHERE personal_id = $1 AND version < $4
          RETURNING personal_id`,
        [personalId, changes.fullName === undefined ? null : normalizeName(changes.fullName), changes.dateOfBirth ?? null, event.streamVersion],
      );
      if (countOf(rows) === 0) {
        const known: unknown[] = await manager.query('SELECT 1 FROM known_citizens WHERE personal_id = $1', [personalId]);
        // Without the registration there is nothing to correct, and retrying will not bring it
        // (it would have come first on the same key): skip it, loudly.
        if (known.length === 0) {
          // The event id identifies it for an operator; the personal id stays out of the logs.
          logger.warn('correction of a citizen this service never saw registered: skipped', {
            eventId: event.eventId,
            streamVersion: event.streamVersion,
          });
        }
      }
    },
    CitizenDied: async (event: EventEnvelope<'CitizenDied', CitizenDiedData>, manager: EntityManager) => {
      // A death is recorded even for a citizen whose registration never arrived here: a guest
      // with that personalId must never come out verified.
      await manager.query(
        `INSERT INTO known_citizens (personal_id, status, full_name_normalized, date_of_birth, version)
         VALUES ($1, 'DECEASED', NULL, NULL, $2)
         ON CONFLICT (personal_id) DO UPDATE SET status = 'DECEASED', version = greatest(known_citizens.version, EXCLUDED.version)`,
        [event.data.personalId, event.streamVersion],
      );
    },
  };
}

/** TypeORM answers an UPDATE ... RETURNING with `[rows, count]`. */
function countOf(result: unknown[]): number {
  if (result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[1];
  return result.length;
}
