export type { LocalDate } from './lib/local-date';
export { localDateOf } from './lib/local-date';
export * from './lib/administrative-units';
export * from './lib/official-days';
export * from './lib/procedure-time-limits';
export * from './lib/working-day-calendar';
