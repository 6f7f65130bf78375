import type { EventEnvelope } from '@d06/contracts';
import { eventually } from '@d06/testing';
import { createStoreHarness, meta, type StoreHarness } from '../testing/harness';
import { ConcurrencyError } from './errors';
import { EventStore } from './event-store';
import { quietLogger } from './logger';
import { defineProjection } from './projection';
import { Sealer } from './sealer';
import { UpcasterRegistry } from './upcaster-registry';

jest.setTimeout(90_000);

/**
 * Tails readAll from `from` while writers run, asserting density and order at every read. Stops
 * once it has seen `expectedTotal()` events matching `counts` (known only when writers are done).
 */
function tail(store: EventStore, from: number, counts: (e: EventEnvelope) => boolean, expectedTotal: () => number | undefined) {
  const seen: EventEnvelope[] = [];
  const done = (async () => {
    let last = from;
    let matching = 0;
    for (;;) {
      const batch = await store.readAll(last, 1000);
      for (const e of batch) {
        if (e.position !== last + 1) throw new Error(`reader at ${last} got position ${e.position}`);
        last = e.position;
        seen.push(e);
        if (counts(e)) matching += 1;
      }
      const total = expectedTotal();
      if (total !== undefined && matching >= total) return seen;
      if (batch.length === 0) await new Promise((r) => setTimeout(r, 5));
    }
  })();
  return { done };
}

function assertStreamOrder(events: readonly EventEnvelope[]): void {
  const lastVersion = new Map<string, number>();
  for (const e of events) {
    const previous = lastVersion.get(e.streamId) ?? 0;
    expect(e.streamVersion).toBe(previous + 1);
    lastVersion.set(e.streamId, e.streamVersion);
  }
}

describe('EventStore (Postgres)', () => {
  let h: StoreHarness;
  let sealer: Sealer;

  beforeAll(async () => {
    h = await createStoreHarness('es_store', { poolSize: 18 });
    sealer = new Sealer({ store: h.store, logger: quietLogger });
    sealer.start();
  });

  afterAll(async () => {
    await sealer.stop();
    await h.close();
  });

  it('two writers on one stream with the same expected version: exactly one wins', async () => {
    for (let round = 0; round < 30; round++) {
      const streamId = `race-${round}`;
      // Creating: both expect no stream.
      const created = await Promise.allSettled([
        h.store.append(streamId, 'no-stream', [{ type: 'Created', data: { by: 'a' } }], { meta }),
        h.store.append(streamId, 'no-stream', [{ type: 'Created', data: { by: 'b' } }], { meta }),
      ]);
      expect(created.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const lost = created.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(lost.reason).toBeInstanceOf(ConcurrencyError);
      expect(lost.reason).toMatchObject({ code: 'CONCURRENT_CHANGE', streamId, expected: 'no-stream' });
      // Updating: both expect version 1.
      const updated = await Promise.allSettled([
        h.store.append(streamId, 1, [{ type: 'Changed', data: { by: 'a' } }], { meta }),
        h.store.append(streamId, 1, [{ type: 'Changed', data: { by: 'b' } }, { type: 'Changed', data: {} }], { meta }),
      ]);
      expect(updated.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect((updated.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toBeInstanceOf(ConcurrencyError);
      const stream = await h.store.readStream(streamId);
      expect(stream.map((e) => e.streamVersion)).toEqual(stream.map((_, i) => i + 1));
    }
  });

  it('reports the version it found when the expected one is stale', async () => {
    await h.store.append('stale', 'no-stream', [{ type: 'A', data: {} }, { type: 'B', data: {} }], { meta });
    await expect(h.store.append('stale', 1, [{ type: 'C', data: {} }], { meta })).rejects.toMatchObject({
      expected: 1,
      actual: 2,
    });
    await expect(h.store.append('stale', 'no-stream', [{ type: 'C', data: {} }], { meta })).rejects.toBeInstanceOf(
      ConcurrencyError,
    );
    const ok = await h.store.append('stale', 'any', [{ type: 'C', data: {} }], { meta });
    expect(ok.version).toBe(3);
  });

  it('appendMany writes many streams in one transaction, all or nothing', async () => {
    const results = await h.store.appendMany(
      [
        { streamId: 'many-1', expectedVersion: 'no-stream', events: [{ type: 'A', data: { n: 1 } }] },
        { streamId: 'many-2', expectedVersion: 'no-stream', events: [{ type: 'A', data: { n: 2 } }, { type: 'B', data: {} }] },
      ],
      { meta },
    );
    expect(results.map((r) => r.version)).toEqual([1, 2]);
    await expect(
      h.store.appendMany(
        [
          { streamId: 'many-3', expectedVersion: 'no-stream', events: [{ type: 'A', data: {} }] },
          { streamId: 'many-1', expectedVersion: 'no-stream', events: [{ type: 'A', data: {} }] },
        ],
        { meta },
      ),
    ).rejects.toBeInstanceOf(ConcurrencyError);
    expect(await h.store.readStream('many-3')).toHaveLength(0);
  });

  it('readStream sees committed events before they are sealed; readAll only sealed ones, as full envelopes', async () => {
    const local = await createStoreHarness('es_unsealed');
    try {
      const { events } = await local.store.append('s', 'no-stream', [{ type: 'A', data: { when: new Date(0) } }], {
        meta: { ...meta, causationId: 'cause-1', actor: { clientId: 'c', subject: 'u' } },
      });
      expect(events[0]).toMatchObject({ position: null, hash: null, data: { when: '1970-01-01T00:00:00.000Z' } });
      expect(await local.store.readStream('s')).toHaveLength(1);
      expect(await local.store.readAll(0, 10)).toHaveLength(0);
      await new Sealer({ store: local.store, logger: quietLogger }).sealAll();
      const [sealed] = await local.store.readAll(0, 10);
      expect(sealed).toMatchObject({
        eventId: events[0].eventId,
        service: 'identity',
        position: 1,
        streamVersion: 1,
        correlationId: meta.correlationId,
        causationId: 'cause-1',
        actor: { clientId: 'c', subject: 'u' },
        occurredAt: events[0].occurredAt,
        prevHash: '0'.repeat(64),
      });
      expect(sealed.hash).toMatch(/^[0-9a-f]{64}$/);
    } finally {
      await local.close();
    }
  });

  async function concurrentWriters(options: { label: string; writers: number; perWriter: number; rollbackRate: number }) {
    const base = (await h.store.head())?.position ?? 0;
    const prefix = `${options.label}-`;
    const ours = (e: EventEnvelope) => e.streamId.startsWith(prefix);
    let committed = 0;
    let finished = false;
    const reader = tail(h.store, base, ours, () => (finished ? committed : undefined));
    const started = Date.now();
    await Promise.all(
      Array.from({ length: options.writers }, async (_, w) => {
        let version = 0;
        const streamId = `${prefix}${w}`;
        for (let i = 0; i < options.perWriter; i++) {
          const rollback = Math.random() < options.rollbackRate;
          try {
            await h.store.append(streamId, version === 0 ? 'no-stream' : version, [{ type: 'Wrote', data: { w, i } }], {
              meta,
              inTransaction:
                options.rollbackRate > 0
                  ? async () => {
                      // Random commit delays: transactions commit out of their insertion order.
                      if (Math.random() < 0.2) await new Promise((r) => setTimeout(r, Math.random() * 5));
                      if (rollback) throw new Error('rolled back on purpose');
                    }
                  : undefined,
            });
            version += 1;
            committed += 1;
          } catch (err) {
            if (!rollback) throw err;
          }
        }
      }),
    );
    finished = true;
    const seen = (await reader.done).filter(ours);
    const elapsed = Date.now() - started;
    expect(seen).toHaveLength(committed);
    expect(new Set(seen.map((e) => e.eventId)).size).toBe(committed);
    assertStreamOrder(seen);
    // Rolled-back transactions burnt sequence values: seq has holes, positions have none.
    const holes = await h.dataSource.query(
      `SELECT (max(seq) - min(seq) + 1 - count(*))::int AS holes FROM event_log WHERE stream_id LIKE $1`,
      [`${prefix}%`],
    );
    return { committed, elapsed, seqHoles: holes[0].holes as number };
  }

  it('16 concurrent writers x 1,000 events while a reader tails readAll: every event once, in order, dense', async () => {
    const { committed, elapsed } = await concurrentWriters({ label: 'plain', writers: 16, perWriter: 1000, rollbackRate: 0 });
    expect(committed).toBe(16_000);
    process.stdout.write(`16 x 1000 appends with a live reader: ${elapsed} ms\n`);
    expect(await h.store.verify()).toMatchObject({ ok: true });
  });

  it('the same with random rollbacks mixed in: no holes, nothing rolled back is seen', async () => {
    const { committed, seqHoles } = await concurrentWriters({ label: 'rollback', writers: 16, perWriter: 300, rollbackRate: 0.2 });
    expect(seqHoles).toBeGreaterThan(0);
    expect(committed).toBeLessThan(16 * 300);
    expect(committed).toBeGreaterThan(16 * 300 * 0.6);
    const v = await h.store.verify();
    expect(v).toMatchObject({ ok: true });
  });

  it('runs inline projections in the append transaction: read-your-writes, and a failing projection rolls the append back', async () => {
    const local = await createStoreHarness('es_inline');
    try {
      await local.dataSource.query('CREATE TABLE counters (stream_id text PRIMARY KEY, n int NOT NULL)');
      local.store.registerProjection(
        defineProjection({
          name: 'counters',
          tables: ['counters'],
          handlers: {
            Counted: async (e, manager) => {
              if ((e.data as { fail?: boolean }).fail) throw new Error('projection refused');
              await manager.query(
                `INSERT INTO counters (stream_id, n) VALUES ($1, 1) ON CONFLICT (stream_id) DO UPDATE SET n = counters.n + 1`,
                [e.streamId],
              );
            },
          },
        }),
      );
      await local.store.append('c', 'no-stream', [{ type: 'Counted', data: {} }, { type: 'Counted', data: {} }], { meta });
      expect(await local.dataSource.query(`SELECT n FROM counters WHERE stream_id = 'c'`)).toEqual([{ n: 2 }]);
      await expect(local.store.append('c', 2, [{ type: 'Counted', data: { fail: true } }], { meta })).rejects.toThrow(
        'projection refused',
      );
      expect(await local.store.readStream('c')).toHaveLength(2);
    } finally {
      await local.close();
    }
  });

  it('coalesced appends: concurrent callers share transactions, each keeps its metadata and time; a conflict or a failing projection refuses only its own append', async () => {
    let tick = Date.parse('2026-03-01T00:00:00Z');
    const clock = { now: () => new Date((tick += 1000)) };
    const local = await createStoreHarness('es_coalesce', { coalesceAppends: { maxInFlight: 1 }, clock, poolSize: 8 });
    try {
      await local.dataSource.query('CREATE TABLE counters (stream_id text PRIMARY KEY, n int NOT NULL)');
      const transactions: number[] = [];
      local.store.registerProjection(
        defineProjection({
          name: 'counters',
          tables: ['counters'],
          applyBatch: async (events, manager) => {
            if (events.some((e) => (e.data as { fail?: boolean }).fail)) throw new Error('projection refused');
            transactions.push(events.length);
            for (const e of events) {
              await manager.query(`INSERT INTO counters (stream_id, n) VALUES ($1, 1) ON CONFLICT (stream_id) DO UPDATE SET n = counters.n + 1`, [e.streamId]);
            }
          },
          eventTypes: ['Counted'],
        }),
      );
      await local.store.append('taken', 'no-stream', [{ type: 'Counted', data: {} }], { meta });
      transactions.length = 0;

      const callers = Array.from({ length: 60 }, (_, i) => i);
      const appendAs = (i: number) => {
          const own = { ...meta, correlationId: `corr-${i}`, actor: { clientId: `client-${i}` } };
          if (i === 47) return local.store.append('taken', 'no-stream', [{ type: 'Counted', data: {} }], { meta: own });
          if (i === 53) return local.store.append(`s-${i}`, 'no-stream', [{ type: 'Counted', data: { fail: true } }], { meta: own });
          return local.store.append(`s-${i}`, 'no-stream', [{ type: 'Counted', data: { i } }, { type: 'Counted', data: { i } }], { meta: own });
      };
      // First 40 good ones at once: they share transactions.
      const first = await Promise.allSettled(callers.slice(0, 40).map(appendAs));
      expect(first.every((o) => o.status === 'fulfilled')).toBe(true);
      expect(transactions.length).toBeLessThan(40);
      expect(transactions.some((n) => n > 2)).toBe(true);
      // Then 20 with a stale version and a failing projection among them: the batch that holds
      // them fails, and each of its appends goes again by itself.
      const outcomes = [...first, ...(await Promise.allSettled(callers.slice(40).map(appendAs)))];

      expect(outcomes[47]).toMatchObject({ status: 'rejected', reason: expect.any(ConcurrencyError) });
      expect(outcomes[53]).toMatchObject({ status: 'rejected', reason: expect.objectContaining({ message: 'projection refused' }) });
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(58);

      for (const i of callers.filter((n) => n !== 47 && n !== 53)) {
        const events = await local.store.readStream(`s-${i}`);
        expect(events.map((e) => [e.streamVersion, e.correlationId, e.actor.clientId, (e.data as { i: number }).i])).toEqual([
          [1, `corr-${i}`, `client-${i}`, i],
          [2, `corr-${i}`, `client-${i}`, i],
        ]);
        expect(events[0].occurredAt).toBe(events[1].occurredAt);
      }
      const times = new Set((await local.dataSource.query(`SELECT DISTINCT occurred_at FROM event_log WHERE stream_id LIKE 's-%'`)) as unknown[]);
      expect(times.size).toBe(58);
      expect(await local.store.readStream('s-53')).toEqual([]);
      expect(await local.store.readStream('taken')).toHaveLength(1);
      expect(await local.dataSource.query(`SELECT sum(n)::int AS n FROM counters`)).toEqual([{ n: 1 + 58 * 2 }]);
      await new Sealer({ store: local.store, logger: quietLogger }).sealAll();
      expect(await local.store.verify()).toMatchObject({ ok: true, count: 1 + 58 * 2 });
    } finally {
      await local.close();
    }
  });

  it('an UPDATE of one row (data, metadata, hash) or a DELETE: verify() names its position', async () => {
    const local = await createStoreHarness('es_verify');
    try {
      for (let i = 0; i < 10; i++) {
        await local.store.append(`v-${i % 3}`, 'any', [{ type: 'V', data: { i } }], { meta });
      }
      await new Sealer({ store: local.store, logger: quietLogger }).sealAll();
      expect(await local.store.verify({ batchSize: 3 })).toEqual({
        ok: true,
        count: 10,
        head: { position: 10, hash: expect.stringMatching(/^[0-9a-f]{64}$/) },
      });
      // Stored events and their seals are immutable...
      const row = (position: number) => `seq = (SELECT seq FROM event_seals WHERE position = ${position})`;
      await expect(local.dataSource.query(`UPDATE event_log SET data = '{}' WHERE ${row(7)}`)).rejects.toThrow(/immutable/);
      await expect(local.dataSource.query(`DELETE FROM event_log WHERE ${row(7)}`)).rejects.toThrow(/immutable/);
      await expect(local.dataSource.query(`UPDATE event_seals SET hash = repeat('a', 64) WHERE position = 7`)).rejects.toThrow(/immutable/);
      await expect(local.dataSource.query(`DELETE FROM event_seals WHERE position = 7`)).rejects.toThrow(/immutable/);
      await expect(local.dataSource.query(`UPDATE events SET data = '{}' WHERE position = 7`)).rejects.toThrow();
      // ...unless someone with owner rights switches the guards off: verify still catches it.
      await local.dataSource.query('ALTER TABLE event_log DISABLE TRIGGER event_log_immutable');
      await local.dataSource.query('ALTER TABLE event_seals DISABLE TRIGGER event_seals_immutable');
      const runner = local.dataSource.createQueryRunner();
      await runner.connect();
      await runner.query('CREATE TABLE event_log_backup AS SELECT * FROM event_log');
      await runner.query('CREATE TABLE event_seals_backup AS SELECT * FROM event_seals');
      const tamperOn = async (sql: string, position: number, reason: RegExp) => {
        await runner.query(sql);
        const result = await local.store.verify({ batchSize: 4 });
        expect(result).toMatchObject({ ok: false, position });
        if (!result.ok) expect(result.reason).toMatch(reason);
      };
      const restore = async () => {
        await runner.query('DELETE FROM event_log');
        await runner.query('INSERT INTO event_log SELECT * FROM event_log_backup');
        await runner.query('DELETE FROM event_seals');
        await runner.query('INSERT INTO event_seals SELECT * FROM event_seals_backup');
        expect(await local.store.verify()).toMatchObject({ ok: true, count: 10 });
      };
      await tamperOn(`UPDATE event_log SET data = '{"i": 99}' WHERE ${row(7)}`, 7, /does not match the content/);
      await restore();
      await tamperOn(`UPDATE event_log SET stream_id = 'elsewhere' WHERE ${row(4)}`, 4, /does not match/);
      await restore();
      await tamperOn(`UPDATE event_log SET metadata = metadata || '{"note": 1}' WHERE ${row(5)}`, 5, /metadata/);
      await restore();
      await tamperOn(`UPDATE event_log SET occurred_at = occurred_at + interval '1 microsecond' WHERE ${row(2)}`, 2, /occurred_at/);
      await restore();
      await tamperOn(`UPDATE event_seals SET hash = repeat('a', 64) WHERE position = 9`, 9, /does not match/);
      await restore();
      await tamperOn(`UPDATE event_seals SET prev_hash = repeat('0', 64) WHERE position = 3`, 3, /prevHash/);
      await restore();
      // A seal pointed at another event: the content no longer matches the hash.
      await tamperOn(`UPDATE event_seals SET seq = seq + 100 WHERE position = 8`, 8, /missing|does not match/);
      await restore();
      await tamperOn(`DELETE FROM event_seals WHERE position = 6`, 6, /missing/);
      await restore();
      await tamperOn(`DELETE FROM event_log WHERE ${row(6)}`, 6, /missing/);
      await restore();
      // Cutting the tail is caught against what the relay already published.
      await runner.query(`INSERT INTO relay_checkpoints (name, position) VALUES ('kafka', 10)`);
      await tamperOn(`DELETE FROM event_seals WHERE position >= 9`, 9, /relay already published/);
      await runner.release();
    } finally {
      await local.close();
    }
  });

  it('an upcaster turns v1 into v2 on readStream and readAll; the stored form still verifies', async () => {
    const upcasters = new UpcasterRegistry().register<{ name: string }, { familyName: string; givenName: string }>(
      'NameGiven',
      1,
      (d) => {
        const [familyName, ...rest] = d.name.split(' ');
        return { familyName, givenName: rest.join(' ') };
      },
    );
    const local = await createStoreHarness('es_upcast', { upcasters });
    try {
      await local.store.append('p', 'no-stream', [{ type: 'NameGiven', schemaVersion: 1, data: { name: 'Trần Thị B' } }], { meta });
      const appended = await local.store.append('p', 1, [{ type: 'NameGiven', data: { familyName: 'Lê', givenName: 'C' } }], { meta });
      expect(appended.events[0].schemaVersion).toBe(2);
      await new Sealer({ store: local.store, logger: quietLogger }).sealAll();
      const stream = await local.store.readStream('p');
      expect(stream.map((e) => [e.schemaVersion, e.data])).toEqual([
        [2, { familyName: 'Trần', givenName: 'Thị B' }],
        [2, { familyName: 'Lê', givenName: 'C' }],
      ]);
      expect((await local.store.readAll(0, 10))[0]).toMatchObject({ schemaVersion: 2, data: { familyName: 'Trần' } });
      expect((await local.store.readAll(0, 10, { upcast: false }))[0]).toMatchObject({ schemaVersion: 1, data: { name: 'Trần Thị B' } });
      expect(await local.store.verify()).toMatchObject({ ok: true, count: 2 });
    } finally {
      await local.close();
    }
  });

  it('seals within milliseconds of a local commit (poked), and reports nothing pending afterwards', async () => {
    const started = Date.now();
    await h.store.append('latency', 'any', [{ type: 'L', data: {} }], { meta });
    await eventually(async () => (await h.store.readStream('latency'))[0].position !== null, { intervalMs: 2 });
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
