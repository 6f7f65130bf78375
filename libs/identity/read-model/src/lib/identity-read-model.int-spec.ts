import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { accessStreamIdOf, type RequestMeta } from '@d06/contracts';
import { EventStore, EVENT_STORE_MIGRATIONS, quietLogger, replayProjection } from '@d06/event-sourcing';
import { ManualClock, createTestDatabase, type TestDatabase } from '@d06/testing';
import { decodeAccessLogCursor, type AccessLogCursor } from './access-log-cursor';
import { findAccessLogPage } from './access-log.query';
import { findCitizenForVerification, findCitizenView, registeredCitizenView, verificationReader } from './citizen.query';
import { IDENTITY_PROJECTIONS, IDENTITY_READ_MODEL_MIGRATIONS } from './identity-read-model';

const meta: RequestMeta = { correlationId: 'corr-rm', actor: { clientId: 'officer' } };
const HANOI = { provinceCode: '01', wardCode: '00004', detail: 'Số 12 phố Điện Biên Phủ' };
const TAN_AN = { provinceCode: '66', wardCode: '24163', detail: 'Thôn 3' };
const AN = '001090012345';
const BINH = '079305001234';
const CHI = '066185000777';

function registered(personalId: string, fullName: string, dateOfBirth: string, gender: 'MALE' | 'FEMALE', permanentAddress: typeof HANOI | null) {
  return { type: 'CitizenRegistered', data: { personalId, fullName, dateOfBirth, gender, permanentAddress, registeredAt: '2026-11-27T01:00:00.000Z' } };
}

function accessed(personalId: string, at: string, clientId: string) {
  return {
    type: 'CitizenDataAccessed',
    data: { personalId, clientId, purpose: clientId === 'agency' ? 'Xác minh' : null, fields: ['fullName'], channel: 'IDENTITY_LOOKUP', correlationId: `c-${at}`, accessedAt: at },
  };
}

/**
 * The identity read model against real Postgres: the projections as the store runs them inline,
 * the queries the service answers from, and a replay from the event store that rebuilds the very
 * same tables (CONTRACT.md §5).
 */
describe('identity read model', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let store: EventStore;
  const clock = new ManualClock('2026-11-27T01:00:00.000Z');

  beforeAll(async () => {
    db = await createTestDatabase('identity_rm');
    ds = await new DataSource({
      type: 'postgres',
      url: db.url,
      migrations: [...EVENT_STORE_MIGRATIONS, ...IDENTITY_READ_MODEL_MIGRATIONS],
      migrationsRun: true,
      logging: false,
    }).initialize();
    store = new EventStore({ dataSource: ds, service: 'identity', clock, projections: IDENTITY_PROJECTIONS, logger: quietLogger });
    await store.appendMany(
      [
        { streamId: AN, expectedVersion: 'no-stream', events: [registered(AN, 'Nguyễn Văn An', '1990-05-17', 'MALE', HANOI)] },
        { streamId: BINH, expectedVersion: 'no-stream', events: [registered(BINH, 'Trần Thị Bình', '2005-02-01', 'FEMALE', null)] },
        { streamId: CHI, expectedVersion: 'no-stream', events: [registered(CHI, 'Lê  Minh CHÍ', '1985-09-09', 'MALE', null)] },
      ],
      { meta },
    );
    clock.set('2026-11-27T02:00:00.000Z');
    await store.append(AN, 1, [{ type: 'CitizenDetailsCorrected', data: { personalId: AN, changes: { fullName: 'Nguyễn Văn Ân' }, correctedAt: '2026-11-27T02:00:00.000Z' } }], { meta });
    await store.append(BINH, 1, [{ type: 'CitizenDied', data: { personalId: BINH, dateOfDeath: '2026-11-20', recordedAt: '2026-11-27T02:00:00.000Z' } }], { meta });
    await store.append(
      CHI,
      1,
      [
        {
          type: 'CitizenResidenceChanged',
          data: { personalId: CHI, kind: 'TEMPORARY', address: TAN_AN, validUntil: '2027-11-27', dossierId: '0b8f6a52-3c1e-4a7d-9f00-1234567890ab', procedure: 'TEMPORARY_REGISTRATION', changedAt: '2026-11-27T02:00:00.000Z' },
        },
        {
          type: 'CitizenResidenceChanged',
          data: { personalId: CHI, kind: 'PERMANENT', address: TAN_AN, validUntil: null, dossierId: '1b8f6a52-3c1e-4a7d-9f00-1234567890ab', procedure: 'PERMANENT_REGISTRATION', changedAt: '2026-11-27T02:00:00.000Z' },
        },
      ],
      { meta },
    );
    const times = ['2026-11-27T03:00:00.000Z', '2026-11-27T03:00:01.000Z', '2026-11-27T03:00:01.000Z', '2026-11-27T03:00:02.000Z', '2026-11-27T03:00:03.000Z'];
    for (const [i, at] of times.entries()) {
      await store.append(accessStreamIdOf(AN), 'any', [accessed(AN, at, i % 2 === 0 ? 'officer' : 'agency')], { meta });
    }
  }, 60_000);

  afterAll(async () => {
    if (ds?.isInitialized) await ds.destroy();
    await db?.drop();
  });

  it('given a registration and a correction, then the view shows the corrected name, version 2 and the time of the correction', async () => {
    expect(await findCitizenView(ds, AN)).toEqual({
      personalId: AN,
      fullName: 'Nguyễn Văn Ân',
      dateOfBirth: '1990-05-17',
      gender: 'MALE',
      status: 'ALIVE',
      permanentAddress: HANOI,
      temporaryAddress: null,
      version: 2,
      updatedAt: '2026-11-27T02:00:00.000Z',
    });
    expect(await findCitizenForVerification(ds, AN)).toEqual({ status: 'ALIVE', fullNameNormalized: 'nguyễn văn ân', dateOfBirth: '1990-05-17', gender: 'MALE' });
  });

  it('given a death, then the citizen is DECEASED with the date of death kept', async () => {
    expect(await findCitizenView(ds, BINH)).toMatchObject({ status: 'DECEASED', version: 2 });
    const [row] = await ds.query(`SELECT to_char(date_of_death, 'YYYY-MM-DD') AS d FROM citizens WHERE personal_id = $1`, [BINH]);
    expect(row).toEqual({ d: '2026-11-20' });
  });

  it('given a temporary then a permanent residence change, then both addresses are set and the term is kept', async () => {
    expect(await findCitizenView(ds, CHI)).toMatchObject({ permanentAddress: TAN_AN, temporaryAddress: TAN_AN, version: 3 });
    const [row] = await ds.query(`SELECT to_char(temporary_valid_until, 'YYYY-MM-DD') AS d FROM citizens WHERE personal_id = $1`, [CHI]);
    expect(row).toEqual({ d: '2027-11-27' });
  });

  it('given an unknown citizen, then both queries say null', async () => {
    expect(await findCitizenView(ds, '001090099999')).toBeNull();
    expect(await findCitizenForVerification(ds, '001090099999')).toBeNull();
  });

  it('given a citizen just registered, when the view is built from the event, then it is the row findCitizenView reads', async () => {
    const DUNG = '001190004321';
    clock.set('2026-11-27T03:04:05.678Z');
    const [result] = await store.appendMany([{ streamId: DUNG, expectedVersion: 'no-stream', events: [registered(DUNG, 'Phạm Thị Dung', '2001-12-31', 'FEMALE', HANOI)] }], { meta });
    const [event] = result.events as Parameters<typeof registeredCitizenView>[0][];
    expect(registeredCitizenView(event)).toEqual(await findCitizenView(ds, DUNG));
  });

  it('given concurrent verifications, when read through the reader, then each gets its own record in fewer queries than requests', async () => {
    let queries = 0;
    const pool = (ds.driver as unknown as { master: { query: (q: unknown) => Promise<unknown> } }).master;
    const counting = { query: (q: unknown) => (queries++, pool.query(q)) } as unknown as DataSource;
    const read = verificationReader(counting, { maxInFlight: 1 });
    const ids = [AN, BINH, '001090099999', CHI, AN, BINH, CHI, '001090099998'];
    const records = await Promise.all(ids.map((id) => read(id)));
    expect(records.map((r) => r?.status ?? null)).toEqual(['ALIVE', 'DECEASED', null, 'ALIVE', 'ALIVE', 'DECEASED', 'ALIVE', null]);
    expect(records[0]).toEqual(await findCitizenForVerification(ds, AN));
    expect(queries).toBeLessThanOrEqual(2);
  });

  it('given five reads, when the log is paged two at a time, then every entry comes once, newest first', async () => {
    const seen: string[] = [];
    let after: AccessLogCursor | null = null;
    for (let page = 0; page < 3; page++) {
      const result = await findAccessLogPage(ds, { personalId: AN, limit: 2, after });
      seen.push(...result.items.map((i) => i.at));
      if (page < 2) expect(result.nextCursor).not.toBeNull();
      else expect(result.nextCursor).toBeNull();
      after = result.nextCursor ? decodeAccessLogCursor(result.nextCursor) : null;
    }
    expect(seen).toEqual(['2026-11-27T03:00:03.000Z', '2026-11-27T03:00:02.000Z', '2026-11-27T03:00:01.000Z', '2026-11-27T03:00:01.000Z', '2026-11-27T03:00:00.000Z']);
    const first = await findAccessLogPage(ds, { personalId: AN, limit: 1, after: null });
    expect(first.items[0]).toEqual({ at: '2026-11-27T03:00:03.000Z', clientId: 'officer', purpose: null, fields: ['fullName'], channel: 'IDENTITY_LOOKUP', correlationId: 'c-2026-11-27T03:00:03.000Z' });
  });

  it('given the events applied again (a redelivery or a replay over live tables), then nothing changes', async () => {
    const before = await ds.query('SELECT * FROM citizens ORDER BY personal_id');
    const logBefore = await ds.query('SELECT count(*)::int AS n FROM citizen_access_log');
    const all = [...(await store.readStream(AN)), ...(await store.readStream(BINH)), ...(await store.readStream(CHI)), ...(await store.readStream(accessStreamIdOf(AN)))];
    await ds.transaction(async (manager) => {
      for (const projection of IDENTITY_PROJECTIONS) await projection.apply(all.filter((e) => projection.eventTypes.includes(e.type)), manager);
    });
    expect(await ds.query('SELECT * FROM citizens ORDER BY personal_id')).toEqual(before);
    expect(await ds.query('SELECT count(*)::int AS n FROM citizen_access_log')).toEqual(logBefore);
  });

  it('given the live read model, when each projection is replayed from the store, then the rebuilt tables are identical', async () => {
    for (const projection of IDENTITY_PROJECTIONS) {
      const result = await replayProjection(ds, store, projection, { logger: quietLogger });
      expect(result.checksumAfter).toBe(result.checksumBefore);
      expect(result.rows).toBeGreaterThan(0);
    }
    expect(await findCitizenView(ds, AN)).toMatchObject({ fullName: 'Nguyễn Văn Ân', version: 2 });
  }, 60_000);
});
