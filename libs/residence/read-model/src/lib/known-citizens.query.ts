import type { Address } from '@d06/contracts';
import { batchedLookups, queryPrepared, type BatchedReadOptions } from '@d06/event-sourcing';
import type { SqlTarget } from './sql';

/** What the residence service knows of a citizen (the dossier rules' view of the applicant). */
export interface KnownCitizen {
  status: 'ALIVE' | 'DECEASED';
  permanentAddress: Address | null;
  temporaryAddress: Address | null;
  temporaryValidUntil: string | null;
}

interface KnownCitizenRow {
  personal_id: string;
  status: 'ALIVE' | 'DECEASED';
  permanent_address: Address | null;
  temporary_address: Address | null;
  temporary_valid_until: string | null;
}

function knownCitizenOf(row: KnownCitizenRow): KnownCitizen {
  return {
    status: row.status,
    permanentAddress: row.permanent_address,
    temporaryAddress: row.temporary_address,
    temporaryValidUntil: row.temporary_valid_until,
  };
}

/** The citizens among these personalIds that a CitizenRegistered has reached us for. */
export async function findKnownCitizens(target: SqlTarget, personalIds: readonly string[]): Promise<Map<string, KnownCitizen>> {
  const rows = await queryPrepared<KnownCitizenRow>(target, {
    name: 'd06_residence_known_citizens',
    text: `SELECT personal_id, status, permanent_address, temporary_address, temporary_valid_until::text AS temporary_valid_until
             FROM known_citizens WHERE personal_id = ANY($1::text[])`,
    values: [[...new Set(personalIds)]],
  });
  return new Map(rows.map((r) => [r.personal_id, knownCitizenOf(r)]));
}

/** The citizen with this personalId, or null when no CitizenRegistered has reached us. */
export async function findKnownCitizen(target: SqlTarget, personalId: string): Promise<KnownCitizen | null> {
  return (await findKnownCitizens(target, [personalId])).get(personalId) ?? null;
}

/**
 * findKnownCitizen for concurrent commands: lookups made while earlier ones are on their way go
 * to Postgres together, one query for the lot (batchedLookups).
 */
export function knownCitizenReader(target: SqlTarget, options: BatchedReadOptions<string> = {}): (personalId: string) => Promise<KnownCitizen | null> {
  return batchedLookups((ids: readonly string[]) => findKnownCitizens(target, ids), options);
}
