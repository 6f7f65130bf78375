/**
 * The identity service's yes/no rule, as the two references of bench/identity (the baseline and
 * the floor) apply it: the citizen exists, is alive, and every field given agrees, names compared
 * after NFC, case folding and collapsed whitespace. One copy, so both answer exactly alike.
 */
export interface Claim {
  personalId: string;
  fullName?: string;
  dateOfBirth?: string;
  gender?: string;
}

export interface CitizenRow {
  status: string;
  full_name_normalized: string;
  date_of_birth: string;
  gender: string;
}

export const CITIZEN_SQL = `SELECT status, full_name_normalized, to_char(date_of_birth, 'YYYY-MM-DD') AS date_of_birth, gender
                              FROM citizens WHERE personal_id = $1`;

const normalizeName = (name: string) => name.normalize('NFC').toLowerCase().normalize('NFC').replace(/\s+/gu, ' ').trim();

/** A body the references refuse with 400, as the gateway would: not a claim with a 12-digit personalId. */
export function isClaim(body: unknown): body is Claim {
  return typeof (body as Claim | null)?.personalId === 'string' && /^\d{12}$/.test((body as Claim).personalId);
}

export function matches(claim: Claim, c: CitizenRow | undefined): boolean {
  return (
    c !== undefined &&
    c.status === 'ALIVE' &&
    (claim.fullName === undefined || normalizeName(claim.fullName) === c.full_name_normalized) &&
    (claim.dateOfBirth === undefined || claim.dateOfBirth === c.date_of_birth) &&
    (claim.gender === undefined || claim.gender === c.gender)
  );
}
