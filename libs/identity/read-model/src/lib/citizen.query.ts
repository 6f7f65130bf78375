import type { Address, CitizenGender, CitizenView } from '@d06/contracts';
import { queryPrepared } from '@d06/event-sourcing';
import { isoInstantSql, type SqlTarget } from './sql-target';

interface CitizenViewRow {
  personal_id: string;
  full_name: string;
  date_of_birth: string;
  gender: CitizenGender;
  status: 'ALIVE' | 'DECEASED';
  permanent_address: Address | null;
  temporary_address: Address | null;
  version: number;
  updated_at: string;
}

const VIEW_SQL = `
SELECT personal_id, full_name, to_char(date_of_birth, 'YYYY-MM-DD') AS date_of_birth, gender, status,
       permanent_address, temporary_address, version, ${isoInstantSql('updated_at')} AS updated_at
  FROM citizens WHERE personal_id = $1`;

export function citizenViewOf(row: CitizenViewRow): CitizenView {
  return {
    personalId: row.personal_id,
    fullName: row.full_name,
    dateOfBirth: row.date_of_birth,
    gender: row.gender,
    status: row.status,
    permanentAddress: row.permanent_address,
    temporaryAddress: row.temporary_address,
    version: row.version,
    updatedAt: row.updated_at,
  };
}

/** The citizen as `GET /citizens/{personalId}` shows it; null when not registered. */
export async function findCitizenView(target: SqlTarget, personalId: string): Promise<CitizenView | null> {
  const rows = await queryPrepared<CitizenViewRow>(target, { name: 'd06_identity_citizen_view', text: VIEW_SQL, values: [personalId] });
  return rows.length === 0 ? null : citizenViewOf(rows[0]);
}

/** What a yes/no verification compares: nothing more leaves the database. */
export interface CitizenVerificationRecord {
  status: 'ALIVE' | 'DECEASED';
  fullNameNormalized: string;
  dateOfBirth: string;
  gender: CitizenGender;
}

interface VerificationRow {
  status: 'ALIVE' | 'DECEASED';
  full_name_normalized: string;
  date_of_birth: string;
  gender: CitizenGender;
}

const VERIFICATION_SQL = `
SELECT status, full_name_normalized, to_char(date_of_birth, 'YYYY-MM-DD') AS date_of_birth, gender
  FROM citizens WHERE personal_id = $1`;

export async function findCitizenForVerification(target: SqlTarget, personalId: string): Promise<CitizenVerificationRecord | null> {
  // Prepared once per connection: the verification is the hottest read of the platform.
  const rows = await queryPrepared<VerificationRow>(target, { name: 'd06_identity_verification', text: VERIFICATION_SQL, values: [personalId] });
  if (rows.length === 0) return null;
  const r = rows[0];
  return { status: r.status, fullNameNormalized: r.full_name_normalized, dateOfBirth: r.date_of_birth, gender: r.gender };
}
