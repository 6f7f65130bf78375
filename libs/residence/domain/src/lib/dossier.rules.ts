import { type Address, type ResidenceEffect, type ResidenceProcedure, assertNever } from '@d06/contracts';

/**
 * Pure rules of residence dossiers (CONTRACT.md §2.4, DOMAIN.md "Residence procedures").
 * Local dates are `YYYY-MM-DD` strings; local time is Asia/Ho_Chi_Minh, a fixed UTC+07:00
 * (no daylight saving since 1975), computed from the offset and never from the machine's zone.
 */

const VIETNAM_OFFSET_MS = 7 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** A temporary residence's term is at most 2 years (Law on Residence art. 27). */
export const TEMPORARY_TERM_MAX_YEARS = 2;
/** An extension is filed within the 15 days before the temporary residence expires. */
export const EXTENSION_WINDOW_DAYS = 15;

function parts(date: string): [number, number, number] {
  const [y, m, d] = date.split('-').map(Number);
  return [y, m, d];
}

function formatDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** `date` plus `days` calendar days (negative to go back). */
export function addDays(date: string, days: number): string {
  const [y, m, d] = parts(date);
  return formatDate(Date.UTC(y, m - 1, d + days));
}

/** `date` plus `years` years; 29 February goes to 28 February in a common year (never past the term). */
export function addYears(date: string, years: number): string {
  const [y, m, d] = parts(date);
  const lastDay = new Date(Date.UTC(y + years, m, 0)).getUTCDate();
  return formatDate(Date.UTC(y + years, m - 1, Math.min(d, lastDay)));
}

/** The local date (+07:00) of an ISO-8601 instant; null when it does not parse. */
export function localDateOf(instant: string): string | null {
  const ms = Date.parse(instant);
  return Number.isNaN(ms) ? null : formatDate(ms + VIETNAM_OFFSET_MS);
}

/**
 * The first instant that is late for a dossier due on `dueDate`: the local midnight that ends
 * `dueDate`, i.e. `dueDate + 1 day` at 00:00+07:00, as an ISO string with the +07:00 offset.
 */
export function lateFrom(dueDate: string): string {
  return `${addDays(dueDate, 1)}T00:00:00+07:00`;
}

/**
 * Whether `instant` is after the end of `dueDate` in Asia/Ho_Chi_Minh: a decision (or, for
 * "overdue", the clock) at or after `dueDate + 1 day` 00:00 local is late. An instant that does
 * not parse is not late.
 */
export function isLate(dueDate: string, instant: string): boolean {
  const [y, m, d] = parts(dueDate);
  const endOfDueDate = Date.UTC(y, m - 1, d) + DAY_MS - VIETNAM_OFFSET_MS;
  return Date.parse(instant) >= endOfDueDate;
}

/**
 * The ward a dossier counts for in the stats (CONTRACT.md §2.4): its address's ward, else the
 * applicant's permanent address's ward, else null.
 */
export function wardOfDossier(address: Address | null, applicantPermanentAddress: Address | null): string | null {
  return address?.wardCode ?? applicantPermanentAddress?.wardCode ?? null;
}

/**
 * What the approval of a dossier does to the applicant's residence: registrations set the
 * permanent or temporary address (a temporary one until `endDate`), deregistrations clear it,
 * and an absence declaration changes no address (null).
 */
export function residenceEffectOf(procedure: ResidenceProcedure, address: Address | null, endDate: string | null): ResidenceEffect | null {
  switch (procedure) {
    case 'PERMANENT_REGISTRATION':
      return { kind: 'PERMANENT', address, validUntil: null };
    case 'TEMPORARY_REGISTRATION':
    case 'TEMPORARY_EXTENSION':
      return { kind: 'TEMPORARY', address, validUntil: endDate };
    case 'PERMANENT_DEREGISTRATION':
      return { kind: 'PERMANENT', address: null, validUntil: null };
    case 'TEMPORARY_DEREGISTRATION':
      return { kind: 'TEMPORARY', address: null, validUntil: null };
    case 'ABSENCE_DECLARATION':
      return null;
    default:
      return assertNever(procedure, 'procedure');
  }
}
