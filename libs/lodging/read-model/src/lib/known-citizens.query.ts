import type { SqlTarget } from './sql-target';

/** A citizen as `known_citizens` has it; the name is already normalized (NFC, lower case, spaces). */
export interface KnownCitizenRow {
  status: 'ALIVE' | 'DECEASED';
  fullNameNormalized: string | null;
  dateOfBirth: string | null;
}

/** The known citizens among `personalIds`, in one round trip (a notice carries up to 200). */
export async function findKnownCitizens(db: SqlTarget, personalIds: readonly string[]): Promise<Map<string, KnownCitizenRow>> {
  const found = new Map<string, KnownCitizenRow>();
  if (personalIds.length === 0) return found;
  const rows: { personal_id: string; status: 'ALIVE' | 'DECEASED'; full_name_normalized: string | null; date_of_birth: string | null }[] =
    await db.query(
      `SELECT personal_id, status, full_name_normalized, date_of_birth FROM known_citizens WHERE personal_id = ANY($1::text[])`,
      [[...new Set(personalIds)]],
    );
  for (const r of rows) {
    found.set(r.personal_id, { status: r.status, fullNameNormalized: r.full_name_normalized, dateOfBirth: r.date_of_birth });
  }
  return found;
}
