import { normalizeName } from '@d06/contracts';
import type { CitizenVerificationRecord } from '@d06/identity-read-model';
import type { VerifyCitizenInput } from '../common/identity-payloads';

/**
 * CONTRACT.md §2.3 verify: true only when the citizen exists, is ALIVE and every field the
 * caller gave agrees (names after NFC, case folding and whitespace collapsing). An unknown and a
 * deceased citizen both give plain false, so the answer tells nobody which of the two it was.
 */
export function verificationMatches(record: CitizenVerificationRecord | null, claim: VerifyCitizenInput): boolean {
  if (record === null || record.status !== 'ALIVE') return false;
  if (claim.fullName !== undefined && normalizeName(claim.fullName) !== record.fullNameNormalized) return false;
  if (claim.dateOfBirth !== undefined && claim.dateOfBirth !== record.dateOfBirth) return false;
  if (claim.gender !== undefined && claim.gender !== record.gender) return false;
  return true;
}
