/** Provider tokens of the residence service (DESIGN.md: named constants). */
export const WORKING_DAY_CALENDAR = Symbol('WORKING_DAY_CALENDAR');
