import { randomUUID } from 'node:crypto';
import { GENESIS_HASH } from '@d06/contracts';
import { createTestDatabase, type TestDatabase } from '@d06/testing';
import type { DataSource } from 'typeorm';
import { dataSourceFor, meta } from '../testing/harness';
import { EVENT_COLUMNS, rowToRecorded, type EventRow } from './event-row';
import { EventStore } from './event-store';
import { EVENT_STORE_SCHEMA_SQL, EventSealsMigration1764201600001, installEventStoreSchema } from './event-store.migration';
import { hashEnvelope } from './hash-chain';
import { quietLogger } from './logger';
import { Sealer } from './sealer';

jest.setTimeout(60_000);

/** Five events on the first layout, the first three sealed the way the first sealer did it. */
async function firstLayoutWithEvents(ds: DataSource): Promise<string[]> {
  for (const statement of EVENT_STORE_SCHEMA_SQL) await ds.query(statement);
  for (let v = 1; v <= 5; v++) {
    await ds.query(
      `INSERT INTO events (stream_id, stream_version, event_id, type, schema_version, data, metadata, occurred_at)
       VALUES ('old-1', $1, $2, 'Old', 1, $3::jsonb, $4::jsonb, '2026-11-01T00:00:00.000Z')`,
      [v, randomUUID(), JSON.stringify({ v }), JSON.stringify(meta)],
    );
  }
  const rows: EventRow[] = await ds.query(`SELECT ${EVENT_COLUMNS} FROM events ORDER BY seq LIMIT 3`);
  let prevHash = GENESIS_HASH;
  const hashes: string[] = [];
  for (const [i, row] of rows.entries()) {
    const hash = hashEnvelope({ ...rowToRecorded(row, 'identity'), position: i + 1, prevHash });
    await ds.query('UPDATE events SET position = $1, prev_hash = $2, hash = $3 WHERE seq = $4', [i + 1, prevHash, hash, row.seq]);
    hashes.push(hash);
    prevHash = hash;
  }
  return hashes;
}

describe('event store migrations', () => {
  let db: TestDatabase;
  let ds: DataSource;

  beforeEach(async () => {
    db = await createTestDatabase('es_migration');
    ds = await dataSourceFor(db.url).initialize();
  });

  afterEach(async () => {
    await ds.destroy();
    await db.drop();
  });

  it('given a database on the first layout, when converted, then every event, position and hash is kept and sealing carries on the chain', async () => {
    const hashes = await firstLayoutWithEvents(ds);

    await installEventStoreSchema(ds);
    await installEventStoreSchema(ds); // a second run changes nothing

    const store = new EventStore({ dataSource: ds, service: 'identity', logger: quietLogger });
    expect((await store.readAll(0, 10, { upcast: false })).map((e) => e.hash)).toEqual(hashes);
    expect(await store.unsealedCount()).toBe(2);
    expect(await store.verify()).toMatchObject({ ok: true, count: 3 });

    await store.append('old-1', 5, [{ type: 'Old', data: { v: 6 } }], { meta });
    expect(await new Sealer({ store, logger: quietLogger }).sealAll()).toBe(3);
    const all = await store.readAll(0, 10);
    expect(all.map((e) => [e.position, e.streamVersion])).toEqual([1, 2, 3, 4, 5, 6].map((p) => [p, p]));
    expect(await store.verify()).toMatchObject({ ok: true, count: 6 });
    // The first layout's columns are still there to query, through the view.
    expect(await ds.query(`SELECT count(*)::int AS n FROM events WHERE position IS NOT NULL AND stream_id = 'old-1'`)).toEqual([{ n: 6 }]);
  });

  it('given the second layout, when migrated down, then the first layout holds the same sealed events', async () => {
    await installEventStoreSchema(ds);
    const store = new EventStore({ dataSource: ds, service: 'identity', logger: quietLogger });
    await store.append('down-1', 'no-stream', [{ type: 'D', data: { n: 1 } }, { type: 'D', data: { n: 2 } }], { meta });
    await new Sealer({ store, logger: quietLogger }).sealAll();
    await store.append('down-1', 2, [{ type: 'D', data: { n: 3 } }], { meta });
    const before = await store.readAll(0, 10, { upcast: false });

    const runner = ds.createQueryRunner();
    try {
      await new EventSealsMigration1764201600001().down(runner);
    } finally {
      await runner.release();
    }

    const kind = await ds.query(`SELECT relkind FROM pg_class WHERE oid = to_regclass('events')`);
    expect(kind).toEqual([{ relkind: 'r' }]);
    const rows = await ds.query(`SELECT position::int, hash FROM events ORDER BY seq`);
    expect(rows).toEqual([...before.map((e) => ({ position: e.position, hash: e.hash })), { position: null, hash: null }]);
    await expect(ds.query(`UPDATE events SET data = '{}' WHERE position = 1`)).rejects.toThrow(/immutable/);
  });
});
