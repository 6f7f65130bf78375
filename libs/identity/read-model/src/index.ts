export * from './lib/identity-read-model';
export * from './lib/citizens.migration';
export * from './lib/citizen-access-log.migration';
export * from './lib/citizens.projection';
export * from './lib/citizen-access-log.projection';
export * from './lib/citizen.query';
export * from './lib/access-log.query';
export * from './lib/access-log-cursor';
export type { SqlTarget } from './lib/sql-target';
