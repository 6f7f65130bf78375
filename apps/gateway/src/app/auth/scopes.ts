/** The OAuth scopes of CONTRACT.md §2.1. */
export const SCOPES = [
  'identity:read',
  'identity:verify',
  'identity:write',
  'residence:submit',
  'residence:read',
  'residence:decide',
  'lodging:submit',
  'lodging:read',
  'sharing:read',
  'audit:read',
] as const;
export type Scope = (typeof SCOPES)[number];

export const SCOPE_DESCRIPTIONS: Record<Scope, string> = {
  'identity:read': 'Read a citizen record',
  'identity:verify': 'Check whether given identity details match a living citizen',
  'identity:write': 'Register citizens and record deaths',
  'residence:submit': 'Submit residence registration dossiers',
  'residence:read': 'Read dossiers and residence statistics',
  'residence:decide': 'Approve or reject dossiers',
  'lodging:submit': 'Register establishments, submit lodging notices and departures',
  'lodging:read': 'Read current guests and lodging statistics',
  'sharing:read': 'Inter-agency read of citizen data, limited to the agency policy fields',
  'audit:read': 'Read access logs and event streams',
};

export function isScope(value: unknown): value is Scope {
  return typeof value === 'string' && (SCOPES as readonly string[]).includes(value);
}

/** Citizen fields an agency's sharing policy may name (CitizenView of @d06/contracts). */
export const SHAREABLE_FIELDS = ['personalId', 'fullName', 'dateOfBirth', 'gender', 'status', 'permanentAddress', 'temporaryAddress'] as const;
export type ShareableField = (typeof SHAREABLE_FIELDS)[number];

export function isShareableField(value: unknown): value is ShareableField {
  return typeof value === 'string' && (SHAREABLE_FIELDS as readonly string[]).includes(value);
}
