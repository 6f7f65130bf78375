import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { EstablishmentEvent, EventEnvelope, NoticeEvent, NoticeGuest, RequestMeta } from '@d06/contracts';
import {
  EventStore,
  EVENT_STORE_MIGRATIONS,
  Sealer,
  projectionChecksum,
  quietLogger,
  replayProjection,
  type RecordedEvent,
} from '@d06/event-sourcing';
import { createTestDatabase, type TestDatabase } from '@d06/testing';
import { knownCitizensHandlers } from './known-citizens.consumer';
import { findKnownCitizens } from './known-citizens.query';
import { listCurrentGuests } from './current-guests.query';
import { lodgingStats } from './lodging-stats.query';
import { LODGING_PROJECTIONS, LODGING_READ_MODEL_MIGRATIONS } from './lodging-read-model';
import { noticesProjection } from './notices.projection';
import { findNoticeContexts, noticeContextReader } from './notice-context.query';

const meta: RequestMeta = { correlationId: 'corr-read-model', actor: { clientId: 'test' } };
const WARD = '00004';

function vn(i: number, verified = true): NoticeGuest {
  return { guestNo: i + 1, nationality: 'VNM', personalId: `0010900${String(i).padStart(5, '0')}`, fullName: null, dateOfBirth: null, dueBy: '2026-03-02T23:00:00+07:00', verified };
}
function foreign(i: number): NoticeGuest {
  return { guestNo: i + 1, nationality: 'JPN', passportNumber: `TK${1_000_000 + i}`, fullName: `Guest ${i}`, dateOfBirth: '1990-01-01', dueBy: '2026-03-02T22:00:00+07:00', verified: false };
}

function submitted(establishmentId: string, arrivalAt: string, guests: NoticeGuest[], late = false): { id: string; event: NoticeEvent } {
  const id = randomUUID();
  return {
    id,
    event: {
      type: 'NoticeSubmitted',
      data: { noticeId: id, establishmentId, wardCode: WARD, arrivalAt, expectedDepartureAt: null, room: '1', receivedAt: '2026-03-02T14:00:00+07:00', dueBy: '2026-03-02T22:00:00+07:00', late, guests },
    },
  };
}

/**
 * The read model against real Postgres: what the inline projections write, that applying an
 * event twice changes nothing, and that a full replay from the event store comes out identical.
 */
describe('lodging read model', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let store: EventStore;
  const establishmentId = randomUUID();

  beforeAll(async () => {
    db = await createTestDatabase('lodging_rm');
    ds = await new DataSource({
      type: 'postgres',
      url: db.url,
      migrations: [...EVENT_STORE_MIGRATIONS, ...LODGING_READ_MODEL_MIGRATIONS],
      logging: false,
    }).initialize();
    await ds.runMigrations();
    store = new EventStore({ dataSource: ds, service: 'lodging', projections: LODGING_PROJECTIONS, logger: quietLogger });
  }, 30_000);

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('given establishments, notices (one of 200 guests) and a departure, then occupancy and stats follow, and a replay rebuilds them identically', async () => {
    const registered: EstablishmentEvent = {
      type: 'EstablishmentRegistered',
      data: { establishmentId, name: 'Bệnh viện', kind: 'HOSPITAL', address: { provinceCode: '01', wardCode: WARD, detail: '1 Phố Huế' }, registeredAt: '2026-03-01T08:00:00+07:00' },
    };
    await store.append(establishmentId, 'no-stream', [registered], { meta });
    await store.append(establishmentId, 1, [{ type: 'EstablishmentDetailsChanged', data: { establishmentId, changes: { name: 'Bệnh viện Phố Huế' }, changedAt: '2026-03-01T09:00:00+07:00' } }], { meta });

    const big = submitted(establishmentId, '2026-03-02T09:00:00+07:00', Array.from({ length: 200 }, (_, i) => (i < 150 ? vn(i) : foreign(i))));
    const small = submitted(establishmentId, '2026-03-01T23:59:59+07:00', [vn(0, false), foreign(1)], true);
    const leaving = submitted(establishmentId, '2026-03-02T00:00:00+07:00', [vn(5)]);
    for (const n of [big, small, leaving]) await store.append(n.id, 'no-stream', [n.event], { meta });
    await store.append(leaving.id, 1, [{ type: 'GuestsDeparted', data: { noticeId: leaving.id, establishmentId, departedAt: '2026-03-02T10:00:00+07:00' } }], { meta });

    const [est] = await ds.query('SELECT name, version FROM establishments WHERE establishment_id = $1', [establishmentId]);
    expect(est).toEqual({ name: 'Bệnh viện Phố Huế', version: 2 });
    const staying = await listCurrentGuests(ds, establishmentId);
    expect(staying).toHaveLength(202);
    expect(staying[0]).toEqual({
      noticeId: small.id,
      guestNo: 1,
      personalId: '001090000000',
      nationality: 'VNM',
      fullName: null,
      arrivalAt: '2026-03-01T23:59:59+07:00',
      expectedDepartureAt: null,
      room: '1',
      verified: false,
    });
    expect(await lodgingStats(ds, { wardCode: WARD, from: '2026-03-01', to: '2026-03-01' })).toEqual({ notices: 1, guests: 2, foreignGuests: 1, late: 1 });
    expect(await lodgingStats(ds, { wardCode: WARD, from: '2026-03-02', to: '2026-03-02' })).toEqual({ notices: 2, guests: 201, foreignGuests: 50, late: 0 });

    // Applying the same events again (a retried batch) changes nothing.
    const before = await projectionChecksum(ds, 'public', noticesProjection.tables);
    const again = (await store.readStream(big.id)).concat(await store.readStream(leaving.id)) as RecordedEvent<NoticeEvent['type']>[];
    await ds.transaction((m) => noticesProjection.apply(again, m));
    expect((await projectionChecksum(ds, 'public', noticesProjection.tables)).checksum).toBe(before.checksum);

    await new Sealer({ store, logger: quietLogger }).sealAll();
    for (const projection of LODGING_PROJECTIONS) {
      const result = await replayProjection(ds, store, projection, { logger: quietLogger });
      expect({ projection: result.projection, same: result.checksumAfter === result.checksumBefore, swapped: result.swapped }).toEqual({
        projection: projection.name,
        same: true,
        swapped: true,
      });
    }
    expect(await listCurrentGuests(ds, establishmentId)).toHaveLength(202);
  }, 60_000);

  it('given identity events, then known_citizens keeps the newest facts, a redelivery changes nothing, and a death sticks', async () => {
    const handlers = knownCitizensHandlers(quietLogger);
    const personalId = '001090099999';
    const envelope = <T extends string, D>(type: T, data: D, streamVersion: number) =>
      ({ eventId: randomUUID(), service: 'identity', type, schemaVersion: 1, streamId: personalId, streamVersion, position: streamVersion, occurredAt: '2026-01-01T00:00:00.000Z', correlationId: 'c', causationId: null, actor: { clientId: 'officer' }, data, prevHash: '0'.repeat(64), hash: '0'.repeat(64) }) as EventEnvelope<T, D>;
    const run = (fn: (m: import('typeorm').EntityManager) => Promise<void>) => ds.transaction(fn);

    const registered = envelope('CitizenRegistered', { personalId, fullName: 'Phạm  Minh Đức', dateOfBirth: '1990-06-01', gender: 'MALE' as const, permanentAddress: null, registeredAt: '2026-01-01T00:00:00.000Z' }, 1);
    await run((m) => handlers.CitizenRegistered!(registered, m));
    const corrected = envelope('CitizenDetailsCorrected', { personalId, changes: { fullName: 'Phạm Minh Đức Anh' }, correctedAt: '2026-01-02T00:00:00.000Z' }, 2);
    await run((m) => handlers.CitizenDetailsCorrected!(corrected, m));
    await run((m) => handlers.CitizenRegistered!(registered, m));
    expect((await findKnownCitizens(ds, [personalId])).get(personalId)).toEqual({ status: 'ALIVE', fullNameNormalized: 'phạm minh đức anh', dateOfBirth: '1990-06-01' });

    await run((m) => handlers.CitizenDied!(envelope('CitizenDied', { personalId, dateOfDeath: '2026-02-01', recordedAt: '2026-02-01T00:00:00.000Z' }, 3), m));
    await run((m) => handlers.CitizenDetailsCorrected!(corrected, m));
    expect((await findKnownCitizens(ds, [personalId, '001090011111'])).get(personalId)).toMatchObject({ status: 'DECEASED', fullNameNormalized: 'phạm minh đức anh' });

    // A death whose registration never arrived still makes the personalId unverifiable.
    const orphan = '001090022222';
    await run((m) => handlers.CitizenDied!({ ...envelope('CitizenDied', { personalId: orphan, dateOfDeath: '2026-02-01', recordedAt: '2026-02-01T00:00:00.000Z' }, 2), streamId: orphan }, m));
    expect((await findKnownCitizens(ds, [orphan])).get(orphan)).toEqual({ status: 'DECEASED', fullNameNormalized: null, dateOfBirth: null });
  }, 30_000);

  it('given concurrent notices, when their contexts are looked up, then each gets its own establishment and guests, in fewer queries than notices, and a bad lookup fails alone', async () => {
    const other = randomUUID();
    await store.append(other, 'no-stream', [{ type: 'EstablishmentRegistered', data: { establishmentId: other, name: 'Nhà nghỉ', kind: 'HOMESTAY', address: { provinceCode: '01', wardCode: '00006', detail: '2 Hàng Bông' }, registeredAt: '2026-03-01T08:00:00+07:00' } }], { meta });
    await ds.query(`INSERT INTO known_citizens (personal_id, status, full_name_normalized, date_of_birth, version) VALUES ('001090077701', 'ALIVE', 'a', '1990-01-01', 1), ('001090077702', 'DECEASED', 'b', NULL, 1)`);

    const [a, b, none] = await findNoticeContexts(ds, [
      { establishmentId: establishmentId.toUpperCase(), personalIds: ['001090077701', '001090077799'] },
      { establishmentId: other, personalIds: ['001090077702', '001090077701'] },
      { establishmentId: randomUUID(), personalIds: [] },
    ]);
    expect(a).toEqual({ establishment: { wardCode: WARD }, citizens: new Map([['001090077701', { status: 'ALIVE', fullNameNormalized: 'a', dateOfBirth: '1990-01-01' }]]) });
    expect(b.establishment).toEqual({ wardCode: '00006' });
    expect([...b.citizens.keys()].sort()).toEqual(['001090077701', '001090077702']);
    expect(none).toEqual({ establishment: null, citizens: new Map() });

    // Twenty lookups at once through the reader: answered right, in batches (one in flight).
    let queries = 0;
    // The DataSource's pg pool, counting the statements sent through it.
    const pool = (ds.driver as unknown as { master: { query: (q: unknown) => Promise<unknown> } }).master;
    const counting = { query: (q: unknown) => (queries++, pool.query(q)) } as unknown as DataSource;
    const read = noticeContextReader(counting, { maxInFlight: 1 });
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => read({ establishmentId: i % 2 ? other : establishmentId, personalIds: ['001090077701'] })));
    expect(answers.map((c) => c.establishment?.wardCode)).toEqual(Array.from({ length: 20 }, (_, i) => (i % 2 ? '00006' : WARD)));
    expect(answers.every((c) => c.citizens.get('001090077701')?.status === 'ALIVE')).toBe(true);
    expect(queries).toBeLessThanOrEqual(2);

    // A malformed id fails the shared query; retried one by one, only its own lookup fails.
    const mixed = await Promise.allSettled([read({ establishmentId: other, personalIds: [] }), read({ establishmentId: 'not-a-uuid', personalIds: [] }), read({ establishmentId, personalIds: [] })]);
    expect(mixed.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  }, 30_000);
});
