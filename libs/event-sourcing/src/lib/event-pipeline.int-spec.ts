import { eventually } from '@d06/testing';
import { createStoreHarness, meta, type StoreHarness } from '../testing/harness';
import { EventPipeline } from './event-pipeline';
import { EventStore } from './event-store';
import { quietLogger, type Logger } from './logger';
import { LOCK_NAMESPACE, Sealer } from './sealer';

jest.setTimeout(90_000);

describe('EventPipeline leadership (Postgres)', () => {
  let h: StoreHarness;

  beforeAll(async () => {
    h = await createStoreHarness('es_pipeline', { poolSize: 8 });
  });

  afterAll(async () => {
    await h.close();
  });

  function writer(store: EventStore, label: string) {
    let running = true;
    let count = 0;
    const done = (async () => {
      for (let i = 0; running; i++) {
        await store.append(`${label}-${i % 5}`, 'any', [{ type: 'Tick', data: { i } }], { meta });
        count += 1;
        if (i % 20 === 0) await new Promise((r) => setTimeout(r, 5));
      }
    })();
    return {
      stop: async () => {
        running = false;
        await done;
        return count;
      },
    };
  }

  it('one replica leads; the other takes over when the lock connection dies or the leader stops; positions stay dense', async () => {
    const replicaStore = new EventStore({ dataSource: await h.replica(), service: 'identity', logger: quietLogger });
    const election = { retryIntervalMs: 100, heartbeatIntervalMs: 100 };
    const transitions: string[] = [];
    const recorder = (replica: string): Logger => ({
      ...quietLogger,
      info: (message, fields) => void transitions.push(`${replica}: ${message}${fields?.['reason'] ? ` (${String(fields['reason'])})` : ''}`),
    });
    const a = new EventPipeline({ store: h.store, election, logger: recorder('a') });
    const b = new EventPipeline({ store: replicaStore, election, logger: recorder('b') });
    a.start();
    b.start();
    const writers = [writer(h.store, 'a'), writer(replicaStore, 'b')];
    try {
      await eventually(() => a.isLeader !== b.isLeader, { what: 'exactly one leader' });
      await new Promise((r) => setTimeout(r, 300));
      expect(a.isLeader && b.isLeader).toBe(false);
      const first = a.isLeader ? a : b;

      // The leader's lock session dies (network cut, backend killed): it notices and steps down,
      // and a replica (normally the follower; on a starved machine possibly the old leader once
      // reconnected) leads again.
      const killed = await h.dataSource.query(
        `SELECT pg_terminate_backend(l.pid) FROM pg_locks l JOIN pg_database d ON d.oid = l.database
          WHERE l.locktype = 'advisory' AND l.classid = $1 AND l.objid = (hashtext($2)::bigint & 4294967295)::oid
            AND l.granted AND d.datname = current_database()`,
        [LOCK_NAMESPACE, 'event-pipeline'],
      );
      expect(killed).toHaveLength(1);
      const firstName = first === a ? 'a' : 'b';
      await eventually(() => transitions.includes(`${firstName}: leaving leadership (lock connection lost)`), {
        what: 'the leader to notice its lost lock',
      });
      await eventually(() => a.isLeader !== b.isLeader, { what: 'a leader again' });
      await new Promise((r) => setTimeout(r, 300));
      expect(a.isLeader !== b.isLeader).toBe(true);
      const leader = a.isLeader ? a : b;
      const follower = leader === a ? b : a;

      // A polite stop hands over at once.
      await leader.stop();
      await eventually(() => follower.isLeader, { what: 'the other replica to take over' });
      const total = (await Promise.all(writers.map((w) => w.stop()))).reduce((x, y) => x + y, 0);
      await eventually(async () => (await follower.status()).unsealed === 0, { what: 'everything sealed' });
      const result = await h.store.verify();
      expect(result).toMatchObject({ ok: true, count: total });
      await follower.stop();
      expect(follower.isLeader).toBe(false);
    } finally {
      await Promise.all(writers.map((w) => w.stop()));
      await a.stop();
      await b.stop();
    }
  });

  it('two sealers running at once (a leader that has not yet noticed its loss) cannot corrupt the chain', async () => {
    const replicaStore = new EventStore({ dataSource: await h.replica(), service: 'identity', logger: quietLogger });
    const sealers = [
      new Sealer({ store: h.store, batchSize: 7, pollIntervalMs: 1, logger: quietLogger }),
      new Sealer({ store: replicaStore, batchSize: 5, pollIntervalMs: 1, logger: quietLogger }),
    ];
    sealers.forEach((s) => s.start());
    const writers = [writer(h.store, 'c'), writer(replicaStore, 'd')];
    await new Promise((r) => setTimeout(r, 1500));
    await Promise.all(writers.map((w) => w.stop()));
    await eventually(async () => (await h.store.unsealedCount()) === 0, {
      what: 'everything sealed',
    });
    await Promise.all(sealers.map((s) => s.stop()));
    expect(sealers.every((s) => s.status().sealedTotal > 0)).toBe(true);
    expect(await h.store.verify()).toMatchObject({ ok: true });
  });
});
