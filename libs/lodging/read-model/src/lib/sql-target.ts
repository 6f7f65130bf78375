import type { DataSource, EntityManager } from 'typeorm';

/** Where a read-model query runs: the data source, or a transaction's manager. */
export type SqlTarget = Pick<DataSource | EntityManager, 'query'>;
