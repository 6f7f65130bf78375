/**
 * The residence service's read model: its migrations, the projections of its own events (run
 * inline by the service and replayed by the operator CLI), the consumer of `identity.events`
 * that keeps the applicants it knows, and the queries the service answers from.
 */
export * from './lib/residence-read-model.migration';
export * from './lib/dossier-details.projection';
export * from './lib/ward-stats.projection';
export * from './lib/residence-projections';
export * from './lib/known-citizens.consumer';
export * from './lib/known-citizens.query';
export * from './lib/dossier.query';
export * from './lib/ward-stats.query';
export { formatLocalInstant, localDateOfInstant } from './lib/local-time';
