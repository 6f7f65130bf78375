import { quietLogger } from '@d06/event-sourcing';
import { ManualClock, createTestDatabase, testInfra, type TestDatabase } from '@d06/testing';
import { Client } from 'pg';
import { seedIdentity, type SeedOptions } from './seed.command';

/** The seeder against a real identity database: through the decider and the store, sealed, re-runnable. */
describe('seed command', () => {
  const infra = testInfra();
  let db: TestDatabase;
  let pg: Client;
  const options: SeedOptions = { citizens: 2500, batchSize: 1000, concurrency: 2, seed: 6, sealTimeoutMs: 30_000 };
  const progress = { loaded: jest.fn(), sealing: jest.fn() };
  const clock = new ManualClock('2026-11-27T03:00:00.000Z');

  beforeAll(async () => {
    db = await createTestDatabase('seed');
    pg = new Client({ connectionString: db.url });
  });

  afterAll(async () => {
    await pg?.end().catch(() => undefined);
    await db?.drop();
  });

  it('given an empty identity database, when seeded, then every citizen is a sealed CitizenRegistered with its read-model row', async () => {
    const result = await seedIdentity({ databaseServerUrl: infra.databaseUrl, database: db.name, connectTimeoutMs: 30_000 }, options, progress, { clock, logger: quietLogger });
    expect(result).toMatchObject({ registered: 2500, skipped: 0, unsealed: 0 });
    expect(progress.loaded).toHaveBeenLastCalledWith(2500, 2500, expect.any(Number));
    await pg.connect();
    const [events] = (await pg.query(`SELECT count(*)::int AS n, count(position)::int AS sealed, count(DISTINCT type)::int AS types, max(position)::int AS head FROM events`)).rows;
    expect(events).toEqual({ n: 2500, sealed: 2500, types: 1, head: 2500 });
    const [citizens] = (await pg.query(`SELECT count(*)::int AS n, count(*) FILTER (WHERE version = 1 AND status = 'ALIVE')::int AS fresh FROM citizens`)).rows;
    expect(citizens).toEqual({ n: 2500, fresh: 2500 });
    const [actor] = (await pg.query(`SELECT DISTINCT metadata->'actor'->>'clientId' AS client FROM events`)).rows;
    expect(actor).toEqual({ client: 'ops-seed' });
  }, 60_000);

  it('given the database already seeded, when seeded with more, then only the missing citizens are added', async () => {
    const result = await seedIdentity({ databaseServerUrl: infra.databaseUrl, database: db.name, connectTimeoutMs: 30_000 }, { ...options, citizens: 3000 }, progress, { clock, logger: quietLogger });
    expect(result).toMatchObject({ registered: 500, skipped: 2500, unsealed: 0 });
    const [row] = (await pg.query(`SELECT count(*)::int AS n FROM citizens`)).rows;
    expect(row).toEqual({ n: 3000 });
  }, 60_000);
});
