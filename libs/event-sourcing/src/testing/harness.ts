import 'reflect-metadata';
import { DataSource } from 'typeorm';
import type { RequestMeta } from '@d06/contracts';
import { createTestDatabase, type TestDatabase } from '@d06/testing';
import { EventStore, type EventStoreOptions } from '../lib/event-store';
import { installEventStoreSchema } from '../lib/event-store.migration';
import { quietLogger } from '../lib/logger';

export const meta: RequestMeta = { correlationId: 'corr-test', actor: { clientId: 'test-client' } };

export interface StoreHarness {
  db: TestDatabase;
  dataSource: DataSource;
  store: EventStore;
  /** Another data source on the same database: a second replica of the service. */
  replica(): Promise<DataSource>;
  close(): Promise<void>;
}

export function dataSourceFor(url: string, poolSize = 5): DataSource {
  return new DataSource({ type: 'postgres', url, extra: { max: poolSize }, logging: false });
}

/** A fresh database with the event store schema, a data source on it and a store. */
export async function createStoreHarness(
  label: string,
  options: Partial<Omit<EventStoreOptions, 'dataSource'>> & { poolSize?: number } = {},
): Promise<StoreHarness> {
  const db = await createTestDatabase(label);
  const dataSource = await dataSourceFor(db.url, options.poolSize).initialize();
  await installEventStoreSchema(dataSource);
  const store = new EventStore({ service: 'identity', logger: quietLogger, ...options, dataSource });
  const extra: DataSource[] = [];
  return {
    db,
    dataSource,
    store,
    async replica() {
      const ds = await dataSourceFor(db.url, 5).initialize();
      extra.push(ds);
      return ds;
    },
    async close() {
      for (const ds of [...extra, dataSource]) if (ds.isInitialized) await ds.destroy();
      await db.drop();
    },
  };
}
