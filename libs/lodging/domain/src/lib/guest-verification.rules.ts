import { normalizeName } from '@d06/contracts';

/**
 * Whether a Vietnamese guest on a lodging notice checks out against the population register
 * (CONTRACT.md §2.5). The guest is accepted either way; `verified: false` is for police follow-up.
 */

/** What the lodging service's citizen projection knows of a personalId (null when unknown). */
export interface KnownCitizen {
  status: 'ALIVE' | 'DECEASED';
  fullName: string;
  dateOfBirth: string;
}

/**
 * Verified = the personalId is a known, living citizen's, and the name and date of birth the
 * establishment gave (if it gave them) agree with the register: names compare after
 * `normalizeName` (NFC, lower case, white space collapsed and trimmed), dates exactly.
 * A blank name or date counts as not given.
 */
export function isVietnameseGuestVerified(
  given: { fullName?: string | null; dateOfBirth?: string | null },
  known: KnownCitizen | null,
): boolean {
  if (known === null || known.status !== 'ALIVE') return false;
  const fullName = given.fullName ?? null;
  if (fullName !== null && fullName.trim() !== '' && normalizeName(fullName) !== normalizeName(known.fullName)) return false;
  const dateOfBirth = given.dateOfBirth ?? null;
  return dateOfBirth === null || dateOfBirth.trim() === '' || dateOfBirth === known.dateOfBirth;
}
