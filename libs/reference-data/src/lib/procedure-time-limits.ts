/**
 * Statutory time limits of the residence procedures, in working days (CONTRACT §2.4; DOMAIN.md
 * from Law on Residence 68/2020/QH14, Decree 154/2024 and Circular 55/2021 as amended). The
 * absence declaration's limit is 1 working day, 2 when the case is complex; the platform applies 1.
 */
export const PROCEDURE_TIME_LIMITS = Object.freeze({
  PERMANENT_REGISTRATION: 7,
  TEMPORARY_REGISTRATION: 3,
  TEMPORARY_EXTENSION: 3,
  PERMANENT_DEREGISTRATION: 5,
  TEMPORARY_DEREGISTRATION: 2,
  ABSENCE_DECLARATION: 1,
} as const);

export type Procedure = keyof typeof PROCEDURE_TIME_LIMITS;

export const PROCEDURES: readonly Procedure[] = Object.freeze(Object.keys(PROCEDURE_TIME_LIMITS) as Procedure[]);

export function isProcedure(value: unknown): value is Procedure {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(PROCEDURE_TIME_LIMITS, value);
}
