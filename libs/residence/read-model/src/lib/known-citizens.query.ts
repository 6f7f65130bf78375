import type { Address } from '@d06/contracts';
import { queryPrepared } from '@d06/event-sourcing';
import type { SqlTarget } from './sql';

/** What the residence service knows of a citizen (the dossier rules' view of the applicant). */
export interface KnownCitizen {
  status: 'ALIVE' | 'DECEASED';
  permanentAddress: Address | null;
  temporaryAddress: Address | null;
  temporaryValidUntil: string | null;
}

interface KnownCitizenRow {
  status: 'ALIVE' | 'DECEASED';
  permanent_address: Address | null;
  temporary_address: Address | null;
  temporary_valid_until: string | null;
}

/** The citizen with this personalId, or null when no CitizenRegistered has reached us. */
export async function findKnownCitizen(target: SqlTarget, personalId: string): Promise<KnownCitizen | null> {
  const [row] = await queryPrepared<KnownCitizenRow>(target, {
    name: 'd06_residence_known_citizen',
    text: `SELECT status, permanent_address, temporary_address, temporary_valid_until::text AS temporary_valid_until
             FROM known_citizens WHERE personal_id = $1`,
    values: [personalId],
  });
  if (!row) return null;
  return {
    status: row.status,
    permanentAddress: row.permanent_address,
    temporaryAddress: row.temporary_address,
    temporaryValidUntil: row.temporary_valid_until,
  };
}
