import { eventually } from '@d06/testing';
import { createStoreHarness, meta, type StoreHarness } from '../testing/harness';
import { EventPipeline } from './event-pipeline';
import { quietLogger } from './logger';
import { defineProjection } from './projection';
import { projectionChecksum, replayProjection, tableChecksum, type ReplayProgress } from './replay';
import { UpcasterRegistry } from './upcaster-registry';

jest.setTimeout(120_000);

interface NameV1 {
  name: string;
}
interface NameV2 {
  familyName: string;
  givenName: string;
}
type CitizenEvents = { type: 'NameGiven'; data: NameV2 } | { type: 'CitizenDied'; data: { on: string } };

const upcasters = new UpcasterRegistry().register<NameV1, NameV2>('NameGiven', 1, (d) => {
  const [familyName, ...rest] = d.name.split(' ');
  return { familyName, givenName: rest.join(' ') };
});

// Unqualified table names, deterministic values (no now()): the same rows live and in replay.
const citizenNames = defineProjection<CitizenEvents>({
  name: 'citizen_names',
  tables: ['citizen_names'],
  handlers: {
    NameGiven: async (event, manager) => {
      await manager.query(
        `INSERT INTO citizen_names (stream_id, family_name, given_name, renames, version, alive)
         VALUES ($1, $2, $3, 0, $4, true)
         ON CONFLICT (stream_id) DO UPDATE SET family_name = EXCLUDED.family_name, given_name = EXCLUDED.given_name,
           renames = citizen_names.renames + 1, version = EXCLUDED.version`,
        [event.streamId, event.data.familyName, event.data.givenName, event.streamVersion],
      );
    },
    CitizenDied: async (event, manager) => {
      await manager.query('UPDATE citizen_names SET alive = false, version = $2 WHERE stream_id = $1', [
        event.streamId,
        event.streamVersion,
      ]);
    },
  },
});

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng'];

describe('replayProjection (Postgres)', () => {
  let h: StoreHarness;
  let pipeline: EventPipeline;

  const liveChecksum = async () => (await tableChecksum(h.dataSource, 'public', 'citizen_names')).checksum;

  beforeAll(async () => {
    h = await createStoreHarness('es_replay', { upcasters, projections: [citizenNames], poolSize: 10 });
    await h.dataSource.query(
      `CREATE TABLE citizen_names (stream_id text PRIMARY KEY, family_name text NOT NULL, given_name text NOT NULL,
         renames int NOT NULL, version int NOT NULL, alive boolean NOT NULL)`,
    );
    await h.dataSource.query('CREATE INDEX citizen_names_family ON citizen_names (family_name)');
    pipeline = new EventPipeline({ store: h.store, logger: quietLogger });
    pipeline.start();
    // 600 citizens, the first 100 written in the old v1 shape, then renames and deaths.
    for (let batch = 0; batch < 6; batch++) {
      await h.store.appendMany(
        Array.from({ length: 100 }, (_, i) => {
          const n = batch * 100 + i;
          const family = FAMILY[n % FAMILY.length];
          return {
            streamId: `citizen-${n}`,
            expectedVersion: 'no-stream' as const,
            events:
              batch === 0
                ? [{ type: 'NameGiven', schemaVersion: 1, data: { name: `${family} Văn ${n}` } }]
                : [{ type: 'NameGiven', data: { familyName: family, givenName: `Thị ${n}` } }],
          };
        }),
        { meta },
      );
    }
    for (let n = 0; n < 600; n += 3) {
      await h.store.append(`citizen-${n}`, 1, [{ type: 'NameGiven', data: { familyName: 'Đỗ', givenName: `${n}` } }], { meta });
    }
    for (let n = 1; n < 600; n += 7) await h.store.append(`citizen-${n}`, 'any', [{ type: 'CitizenDied', data: { on: '2025-01-01' } }], { meta });
    await eventually(async () => (await pipeline.status()).unsealed === 0, { what: 'everything sealed' });
  });

  afterAll(async () => {
    await pipeline.stop();
    await h.close();
  });

  it('an upcaster turns v1 into v2 in replay exactly as on the live path', async () => {
    const live = await h.dataSource.query(`SELECT family_name, given_name FROM citizen_names WHERE stream_id = 'citizen-1'`);
    expect(live).toEqual([{ family_name: 'Trần', given_name: 'Văn 1' }]);
    const result = await replayProjection(h.dataSource, h.store, citizenNames, { toPosition: 100, logger: quietLogger });
    const rebuilt = await h.dataSource.query(
      `SELECT family_name, given_name FROM ${result.schema}.citizen_names WHERE stream_id = 'citizen-1'`,
    );
    expect(rebuilt).toEqual(live);
    await h.dataSource.query(`DROP SCHEMA ${result.schema} CASCADE`);
  });

  it('replay while writes continue gives a shadow equal to live (checksums) and swaps it in', async () => {
    let writing = true;
    let written = 0;
    const writers = Array.from({ length: 4 }, async (_, w) => {
      for (let i = 0; writing; i++) {
        const n = (w * 997 + i * 13) % 700; // existing citizens and new ones
        await h.store.append(`citizen-${n}`, 'any', [{ type: 'NameGiven', data: { familyName: 'Vũ', givenName: `${w}-${i}` } }], { meta });
        written += 1;
      }
    });
    const progress: ReplayProgress[] = [];
    await new Promise((r) => setTimeout(r, 200));
    const result = await replayProjection(h.dataSource, h.store, citizenNames, {
      batchSize: 200,
      onProgress: (p) => progress.push(p),
      logger: quietLogger,
    });
    const writtenDuringReplay = written;
    process.stdout.write(
      `replay under load: ${result.events} events in ${result.durationMs} ms, ${writtenDuringReplay} appends meanwhile, ${result.rows} rows\n`,
    );
    await new Promise((r) => setTimeout(r, 200));
    writing = false;
    await Promise.all(writers);

    expect(result).toMatchObject({ projection: 'citizen_names', mode: 'swap', swapped: true, retiredSchema: null });
    expect(writtenDuringReplay).toBeGreaterThan(0);
    expect(result.checksumAfter).toBe(result.checksumBefore);
    expect(result.rows).toBeGreaterThanOrEqual(600);
    expect(progress.length).toBeGreaterThan(3);
    expect(progress[progress.length - 1].done).toBe(result.events);
    expect(progress[progress.length - 1].eventsPerSecond).toBeGreaterThan(0);
    const schemas = await h.dataSource.query(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'replay_%'`);
    expect(schemas).toEqual([]);
    const checkpoint = await h.dataSource.query(`SELECT position FROM projection_checkpoints WHERE name = 'citizen_names'`);
    expect(Number(checkpoint[0].position)).toBe(result.position);

    // Writers blocked by the swap wrote into the new table: live equals a fresh rebuild now.
    await eventually(async () => (await pipeline.status()).unsealed === 0, { what: 'everything sealed' });
    const head = (await h.store.head())!.position;
    const check = await replayProjection(h.dataSource, h.store, citizenNames, { toPosition: head, logger: quietLogger });
    expect(check.checksumAfter).toBe((await projectionChecksum(h.dataSource, 'public', ['citizen_names'])).checksum);
    await h.dataSource.query(`DROP SCHEMA ${check.schema} CASCADE`);
    // The index came along with LIKE ... INCLUDING ALL.
    const indexes = await h.dataSource.query(`SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND tablename = 'citizen_names'`);
    expect(indexes.length).toBe(2);
  });

  it('a drifted read model: requireMatch refuses the swap; a plain replay repairs it and reports the difference', async () => {
    await h.dataSource.query(`UPDATE citizen_names SET renames = renames + 100 WHERE stream_id = 'citizen-5'`);
    await expect(
      replayProjection(h.dataSource, h.store, citizenNames, { requireMatch: true, logger: quietLogger }),
    ).rejects.toThrow(/differs from the live tables/);
    const drifted = await liveChecksum();
    const repaired = await replayProjection(h.dataSource, h.store, citizenNames, { logger: quietLogger });
    expect(repaired.checksumBefore).not.toBe(repaired.checksumAfter);
    expect(await liveChecksum()).not.toBe(drifted);
    const row = await h.dataSource.query(`SELECT renames FROM citizen_names WHERE stream_id = 'citizen-5'`);
    expect(row[0].renames).toBeLessThan(100);
  });

  it('toPosition / at build the state as of that point into a separate schema and leave live alone', async () => {
    const before = await liveChecksum();
    const byPosition = await replayProjection(h.dataSource, h.store, citizenNames, { toPosition: 250, logger: quietLogger });
    expect(byPosition).toMatchObject({ mode: 'point-in-time', schema: 'pit_citizen_names_250', swapped: false, position: 250 });
    expect(byPosition.rows).toBe(250); // the first 600 events create one citizen each
    const all = await h.store.readAll(0, 10_000);
    const at = new Date(all[299].occurredAt);
    const byTime = await replayProjection(h.dataSource, h.store, citizenNames, { at, schema: 'as_of_test', logger: quietLogger });
    expect(byTime.schema).toBe('as_of_test');
    const expected = new Set(all.filter((e) => e.occurredAt <= all[299].occurredAt).map((e) => e.streamId)).size;
    expect(byTime.rows).toBe(expected);
    expect(await liveChecksum()).toBe(before);
    await h.dataSource.query('DROP SCHEMA pit_citizen_names_250 CASCADE');
    await h.dataSource.query('DROP SCHEMA as_of_test CASCADE');
  });

  it('refuses a second replay of the same projection while one runs', async () => {
    const first = replayProjection(h.dataSource, h.store, citizenNames, { batchSize: 50, logger: quietLogger });
    await new Promise((r) => setTimeout(r, 30));
    await expect(replayProjection(h.dataSource, h.store, citizenNames, { logger: quietLogger })).rejects.toThrow(/another replay/);
    await first;
  });
});
