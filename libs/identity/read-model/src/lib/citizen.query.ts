import type { Address, CitizenGender, CitizenRegisteredData, CitizenView } from '@d06/contracts';
import { batchedLookups, queryPrepared, type BatchedReadOptions, type RecordedEvent } from '@d06/event-sourcing';
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

/**
 * The view of a citizen whose registration is the last event of its stream, built from that
 * event: the row the citizens projection wrote for it, as findCitizenView reads it back.
 */
export function registeredCitizenView(event: Pick<RecordedEvent<string, CitizenRegisteredData>, 'data' | 'streamVersion' | 'occurredAt'>): CitizenView {
  const d = event.data;
  return {
    personalId: d.personalId,
    fullName: d.fullName,
    dateOfBirth: d.dateOfBirth,
    gender: d.gender,
    status: 'ALIVE',
    permanentAddress: d.permanentAddress,
    temporaryAddress: null,
    version: event.streamVersion,
    updatedAt: new Date(event.occurredAt).toISOString(),
  };
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

interface KeyedVerificationRow extends VerificationRow {
  personal_id: string;
}

const VERIFICATION_SQL = `
SELECT personal_id, status, full_name_normalized, to_char(date_of_birth, 'YYYY-MM-DD') AS date_of_birth, gender
  FROM citizens WHERE personal_id = ANY($1::text[])`;

/** The verification records of these personalIds (those registered). */
export async function findCitizensForVerification(target: SqlTarget, personalIds: readonly string[]): Promise<Map<string, CitizenVerificationRecord>> {
  // Prepared once per connection: the verification is the hottest read of the platform.
  const rows = await queryPrepared<KeyedVerificationRow>(target, { name: 'd06_identity_verification', text: VERIFICATION_SQL, values: [[...new Set(personalIds)]] });
  return new Map(rows.map((r) => [r.personal_id, { status: r.status, fullNameNormalized: r.full_name_normalized, dateOfBirth: r.date_of_birth, gender: r.gender }]));
}

export async function findCitizenForVerification(target: SqlTarget, personalId: string): Promise<CitizenVerificationRecord | null> {
  return (await findCitizensForVerification(target, [personalId])).get(personalId) ?? null;
}

/**
 * findCitizenForVerification for concurrent requests: lookups made while earlier ones are on
 * their way go to Postgres together, one query for the lot (batchedLookups).
 */
export function verificationReader(target: SqlTarget, options: BatchedReadOptions<string> = {}): (personalId: string) => Promise<CitizenVerificationRecord | null> {
  return batchedLookups((ids: readonly string[]) => findCitizensForVerification(target, ids), options);
}
