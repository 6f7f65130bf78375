import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import { RPC, RPC_HEALTH, type RpcReply } from '@d06/contracts';
import { ResilientRpcClient } from '@d06/platform';
import {
  ManualClock,
  createTestDatabase,
  deleteTopicsWithPrefix,
  eventually,
  testInfra,
  uniqueTopicPrefix,
  type TestDatabase,
} from '@d06/testing';
import { IdentityEventFeed } from '../testing/identity-event-feed';
import { LodgingAppModule } from './lodging-app.module';
import { loadLodgingConfig } from './lodging-config';

/* eslint-disable @typescript-eslint/no-explicit-any -- reply bodies are inspected as JSON */

const HANOI = { provinceCode: '01', wardCode: '00004', detail: '12 Phố Quán Thánh' };
const STATS_WARD = { provinceCode: '01', wardCode: '00070', detail: '1 Hàng Bạc' };
// 2026-03-02 14:00 local (Monday).
const START = '2026-03-02T07:00:00.000Z';

/**
 * The lodging service in-process on real Postgres and Kafka, with a manual clock: talked to
 * over Kafka request/reply like the gateway does, fed identity events like the identity
 * service's relay would publish them.
 */
describe('lodging service (in-process, real Postgres and Kafka)', () => {
  const infra = testInfra();
  const prefix = uniqueTopicPrefix('lodging');
  const clock = new ManualClock(START);
  let db: TestDatabase;
  let app: INestApplication;
  let client: ResilientRpcClient;
  let feed: IdentityEventFeed;
  let pg: Client;

  async function call(type: string, payload: unknown): Promise<RpcReply<any>> {
    return client.call('lodging', type, payload, { correlationId: randomUUID(), actor: { clientId: 'portal' } }, { timeoutMs: 15_000 });
  }

  async function establishment(address = HANOI): Promise<string> {
    const reply = await call(RPC.lodging.registerEstablishment, { name: 'Khách sạn Ba Đình', kind: 'HOTEL', address });
    if (!reply.ok) throw new Error(JSON.stringify(reply));
    return reply.body.establishmentId;
  }

  async function knownCitizen(personalId: string): Promise<{ status: string } | undefined> {
    const { rows } = await pg.query('SELECT status FROM known_citizens WHERE personal_id = $1', [personalId]);
    return rows[0];
  }

  beforeAll(async () => {
    db = await createTestDatabase('lodging');
    const config = loadLodgingConfig({
      DATABASE_URL: infra.databaseUrl,
      KAFKA_BROKERS: infra.kafkaBrokers.join(','),
      LODGING_DATABASE: db.name,
      D06_TOPIC_PREFIX: prefix,
      D06_INSTANCE_ID: prefix,
      D06_TOPIC_PARTITIONS: '3',
      LODGING_HTTP_PORT: '0',
      LOG_LEVEL: 'warn',
    });
    app = await NestFactory.create(LodgingAppModule.forRoot(config, { clock }), { logger: ['error'] });
    await app.listen(0, '127.0.0.1');
    client = new ResilientRpcClient({ brokers: infra.kafkaBrokers, topicPrefix: prefix, instanceId: prefix, defaultTimeoutMs: 10_000, topicPartitions: 3 });
    client.start();
    await eventually(
      async () => {
        if (client.kafkaStatus !== 'up') return false;
        const reply = await call(RPC_HEALTH, {});
        return reply.ok;
      },
      { timeoutMs: 60_000, intervalMs: 250, what: 'the lodging service answering over Kafka' },
    );
    feed = new IdentityEventFeed(prefix, infra);
    await feed.start();
    pg = new Client({ connectionString: db.url });
    await pg.connect();
  }, 90_000);

  afterAll(async () => {
    await pg?.end();
    await feed?.stop();
    await client?.stop();
    await app?.close();
    await db?.drop();
    await deleteTopicsWithPrefix(prefix);
  }, 60_000);

  beforeEach(() => clock.set(START));

  it('given a valid establishment, when it is registered, then 201 with its id, details and registration time', async () => {
    const reply = await call(RPC.lodging.registerEstablishment, { name: 'Nhà nghỉ Ngọc Hà', kind: 'HOMESTAY', address: HANOI });
    expect(reply).toMatchObject({ ok: true, status: 201, body: { name: 'Nhà nghỉ Ngọc Hà', kind: 'HOMESTAY', address: HANOI, registeredAt: '2026-03-02T14:00:00+07:00' } });
    expect(reply.ok && reply.body.establishmentId).toMatch(/^[0-9a-f-]{36}$/);
  }, 30_000);

  it('given an address whose ward is outside its province, when an establishment is registered, then 400 naming address.wardCode', async () => {
    const reply = await call(RPC.lodging.registerEstablishment, { name: 'X', kind: 'HOTEL', address: { ...HANOI, provinceCode: '66' } });
    expect(reply).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', errors: [{ field: 'address.wardCode' }] } });
  }, 30_000);

  it('given a notice, then its guests are staying; after the departure nobody is; a second departure is 409', async () => {
    const establishmentId = await establishment();
    const submitted = await call(RPC.lodging.submitNotice, {
      establishmentId,
      arrivalAt: '2026-03-02T13:30:00+07:00',
      expectedDepartureAt: '2026-03-04T12:00:00+07:00',
      room: '305',
      guests: [{ personalId: '001090012345' }, { passportNumber: 'C1234567', nationality: 'FRA', fullName: 'Marie Dupont', dateOfBirth: '1988-11-03' }],
    });
    expect(submitted).toMatchObject({
      ok: true,
      status: 201,
      body: {
        establishmentId,
        arrivalAt: '2026-03-02T13:30:00+07:00',
        receivedAt: '2026-03-02T14:00:00+07:00',
        dueBy: '2026-03-02T23:00:00+07:00',
        late: false,
        guests: [
          { guestNo: 1, nationality: 'VNM', personalId: '001090012345', dueBy: '2026-03-02T23:00:00+07:00', verified: false },
          { guestNo: 2, nationality: 'FRA', passportNumber: 'C1234567', fullName: 'Marie Dupont', dateOfBirth: '1988-11-03', dueBy: '2026-03-03T01:30:00+07:00', verified: false },
        ],
      },
    });
    const noticeId = submitted.ok && submitted.body.noticeId;

    const staying = await call(RPC.lodging.getCurrentGuests, { establishmentId });
    expect(staying).toEqual({
      ok: true,
      status: 200,
      body: {
        establishmentId,
        guests: [
          { noticeId, guestNo: 1, personalId: '001090012345', nationality: 'VNM', fullName: null, arrivalAt: '2026-03-02T13:30:00+07:00', expectedDepartureAt: '2026-03-04T12:00:00+07:00', room: '305', verified: false },
          { noticeId, guestNo: 2, passportNumber: 'C1234567', nationality: 'FRA', fullName: 'Marie Dupont', arrivalAt: '2026-03-02T13:30:00+07:00', expectedDepartureAt: '2026-03-04T12:00:00+07:00', room: '305', verified: false },
        ],
      },
    });

    clock.set('2026-03-04T04:00:00Z');
    const departed = await call(RPC.lodging.recordDeparture, { noticeId, departedAt: '2026-03-04T10:45:00+07:00' });
    expect(departed).toEqual({ ok: true, status: 200, body: { noticeId, departedAt: '2026-03-04T10:45:00+07:00' } });
    expect(await call(RPC.lodging.getCurrentGuests, { establishmentId })).toEqual({ ok: true, status: 200, body: { establishmentId, guests: [] } });

    const again = await call(RPC.lodging.recordDeparture, { noticeId, departedAt: '2026-03-04T10:50:00+07:00' });
    expect(again).toMatchObject({ ok: false, error: { code: 'ALREADY_DEPARTED' } });
  }, 30_000);

  it('given a notice, when a departure before its arrival is recorded, then 422 DEPARTURE_BEFORE_ARRIVAL and the guests still stay', async () => {
    const establishmentId = await establishment();
    const submitted = await call(RPC.lodging.submitNotice, { establishmentId, arrivalAt: '2026-03-02T12:00:00+07:00', guests: [{ personalId: '001090012346' }] });
    const noticeId = submitted.ok && submitted.body.noticeId;
    const reply = await call(RPC.lodging.recordDeparture, { noticeId, departedAt: '2026-03-02T11:59:59+07:00' });
    expect(reply).toMatchObject({ ok: false, error: { code: 'DEPARTURE_BEFORE_ARRIVAL', errors: [{ field: 'departedAt' }] } });
    const staying = await call(RPC.lodging.getCurrentGuests, { establishmentId });
    expect(staying.ok && staying.body.guests).toHaveLength(1);
  }, 30_000);

  it('given no such notice, when a departure is recorded, then 404; a departure more than 1 h ahead is 400', async () => {
    expect(await call(RPC.lodging.recordDeparture, { noticeId: randomUUID(), departedAt: '2026-03-02T13:00:00+07:00' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect(await call(RPC.lodging.recordDeparture, { noticeId: randomUUID(), departedAt: '2026-03-02T15:01:00+07:00' })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED', errors: [{ field: 'departedAt' }] },
    });
  }, 30_000);

  it('given an establishment nobody registered, when a notice names it, then 422 UNKNOWN_ESTABLISHMENT', async () => {
    const reply = await call(RPC.lodging.submitNotice, { establishmentId: randomUUID(), arrivalAt: '2026-03-02T13:00:00+07:00', guests: [{ personalId: '001090012345' }] });
    expect(reply).toMatchObject({ ok: false, error: { code: 'UNKNOWN_ESTABLISHMENT' } });
  }, 30_000);

  it('given an arrival 61 minutes ahead of the clock, then 400 ARRIVAL_IN_FUTURE; 60 minutes ahead is accepted', async () => {
    const establishmentId = await establishment();
    const ahead = await call(RPC.lodging.submitNotice, { establishmentId, arrivalAt: '2026-03-02T15:01:00+07:00', guests: [{ personalId: '001090012345' }] });
    expect(ahead).toMatchObject({ ok: false, error: { code: 'ARRIVAL_IN_FUTURE', errors: [{ field: 'arrivalAt' }] } });
    const edge = await call(RPC.lodging.submitNotice, { establishmentId, arrivalAt: '2026-03-02T15:00:00+07:00', guests: [{ personalId: '001090012345' }] });
    expect(edge).toMatchObject({ ok: true, status: 201 });
  }, 30_000);

  it('given a malformed payload, when a notice is submitted, then 400 VALIDATION_FAILED listing the fields', async () => {
    const reply = await call(RPC.lodging.submitNotice, { establishmentId: 'nope', arrivalAt: 'today', guests: [{ personalId: '0010900' }] });
    expect(reply).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(!reply.ok && reply.error.errors?.map((e) => e.field)).toEqual(['establishmentId', 'arrivalAt', 'guests[0].personalId']);
  }, 30_000);

  it('given a notice already stored, when the same request is retried, then the same notice comes back and its stream holds one event', async () => {
    const establishmentId = await establishment();
    const payload = { establishmentId, arrivalAt: '2026-03-02T11:00:00+07:00', room: '101', guests: [{ passportNumber: 'R7654321', nationality: 'JPN', fullName: 'Sato Ken', dateOfBirth: '1988-01-02' }] };
    const meta = { correlationId: randomUUID(), actor: { clientId: 'portal' }, requestId: randomUUID() };
    const first = await client.call<any>('lodging', RPC.lodging.submitNotice, payload, meta, { timeoutMs: 15_000 });
    const retry = await client.call<any>('lodging', RPC.lodging.submitNotice, payload, { ...meta, correlationId: randomUUID() }, { timeoutMs: 15_000 });
    expect(first).toMatchObject({ ok: true, status: 201 });
    expect(retry).toEqual(first);
    const { rows } = await pg.query('SELECT type FROM events WHERE stream_id = $1', [first.ok && first.body.noticeId]);
    expect(rows).toEqual([{ type: 'NoticeSubmitted' }]);
  });

  it('given a notice of 200 guests, then it is one event in one append and all 200 are staying', async () => {
    const establishmentId = await establishment();
    const guests = Array.from({ length: 200 }, (_, i) =>
      i % 2 === 0
        ? { personalId: `0790${String(90_000_000 + i).padStart(8, '0')}` }
        : { passportNumber: `K${String(1_000_000 + i)}`, nationality: 'KOR', fullName: `Guest ${i}`, dateOfBirth: '1991-07-15' },
    );
    const reply = await call(RPC.lodging.submitNotice, { establishmentId, arrivalAt: '2026-03-02T10:00:00+07:00', room: 'Khoa Nội', guests });
    expect(reply).toMatchObject({ ok: true, status: 201 });
    const noticeId = reply.ok && reply.body.noticeId;
    expect(reply.ok && reply.body.guests).toHaveLength(200);

    const { rows } = await pg.query('SELECT stream_version, jsonb_array_length(data->\'guests\') AS guests FROM events WHERE stream_id = $1', [noticeId]);
    expect(rows).toEqual([{ stream_version: 1, guests: 200 }]);
    const stream = await call(RPC.lodging.getStream, { streamId: noticeId });
    expect(stream).toMatchObject({ ok: true, status: 200, body: { service: 'lodging', streamId: noticeId, events: [{ type: 'NoticeSubmitted', streamVersion: 1 }] } });

    const staying = await call(RPC.lodging.getCurrentGuests, { establishmentId });
    expect(staying.ok && staying.body.guests).toHaveLength(200);
  }, 30_000);

  it('given a guest unknown at the first notice, when their CitizenRegistered arrives, then the next notice verifies them (name and date must agree)', async () => {
    const establishmentId = await establishment();
    const personalId = '001190054321';
    const first = await call(RPC.lodging.submitNotice, { establishmentId, arrivalAt: '2026-03-02T13:00:00+07:00', guests: [{ personalId }] });
    expect(first).toMatchObject({ ok: true, body: { guests: [{ personalId, verified: false }] } });

    await feed.publish(feed.registered({ personalId, fullName: 'Trần Thị  Bích', dateOfBirth: '1990-04-12', gender: 'FEMALE' }));
    await eventually(() => knownCitizen(personalId), { timeoutMs: 20_000, what: 'the citizen in known_citizens' });

    const second = await call(RPC.lodging.submitNotice, {
      establishmentId,
      arrivalAt: '2026-03-02T13:10:00+07:00',
      guests: [{ personalId, fullName: 'trần thị bích', dateOfBirth: '1990-04-12' }],
    });
    expect(second).toMatchObject({ ok: true, body: { guests: [{ personalId, verified: true }] } });

    const wrongName = await call(RPC.lodging.submitNotice, { establishmentId, arrivalAt: '2026-03-02T13:20:00+07:00', guests: [{ personalId, fullName: 'Trần Thị Bình' }] });
    expect(wrongName).toMatchObject({ ok: true, body: { guests: [{ verified: false }] } });
  }, 40_000);

  it('given a citizen who died, when a notice names them, then they are accepted with verified false', async () => {
    const establishmentId = await establishment();
    const personalId = '079085001122';
    await feed.publish(feed.registered({ personalId, fullName: 'Lê Văn Cường', dateOfBirth: '1985-02-03', gender: 'MALE' }));
    await eventually(() => knownCitizen(personalId), { timeoutMs: 20_000, what: 'the citizen known' });
    const alive = await call(RPC.lodging.submitNotice, { establishmentId, arrivalAt: '2026-03-02T13:00:00+07:00', guests: [{ personalId }] });
    expect(alive).toMatchObject({ ok: true, body: { guests: [{ verified: true }] } });

    await feed.publish(feed.died(personalId));
    await eventually(async () => (await knownCitizen(personalId))?.status === 'DECEASED', { timeoutMs: 20_000, what: 'the death known' });
    const deceased = await call(RPC.lodging.submitNotice, { establishmentId, arrivalAt: '2026-03-02T13:05:00+07:00', guests: [{ personalId }] });
    expect(deceased).toMatchObject({ ok: true, status: 201, body: { guests: [{ personalId, verified: false }] } });
  }, 40_000);

  it('given notices on either side of local midnight, late and foreign ones, then the ward stats add up over local arrival dates', async () => {
    const establishmentId = await establishment(STATS_WARD);
    const other = await establishment(HANOI);
    const submit = async (arrivalAt: string, guests: unknown[], at = START, id = establishmentId) => {
      clock.set(at);
      const r = await call(RPC.lodging.submitNotice, { establishmentId: id, arrivalAt, guests });
      if (!r.ok) throw new Error(JSON.stringify(r));
      return r.body;
    };
    const vn = (n: number) => ({ personalId: `0010900${String(n).padStart(5, '0')}` });
    const foreign = (n: number) => ({ passportNumber: `X${1_000_000 + n}`, nationality: 'USA', fullName: `F ${n}`, dateOfBirth: '1980-01-01' });

    // 1 March local, 23:30: Vietnamese due 08:00 on 2 March; received 07:00 on 2 March -> on time.
    expect((await submit('2026-03-01T23:30:00+07:00', [vn(1), foreign(1)], '2026-03-02T00:00:00Z')).late).toBe(false);
    // 2 March local 00:30 (still 1 March in UTC): counts for 2 March. Received the next day -> late.
    expect((await submit('2026-03-02T00:30:00+07:00', [vn(2)], '2026-03-03T01:00:00Z')).late).toBe(true);
    // 2 March local, a foreign guest due 12 h after arrival; received 14 h after -> late.
    expect((await submit('2026-03-02T01:00:00+07:00', [foreign(2), foreign(3), vn(3)], '2026-03-02T08:00:00Z')).late).toBe(true);
    // 3 March local.
    expect((await submit('2026-03-03T09:00:00+07:00', [vn(4)], '2026-03-03T02:30:00Z')).late).toBe(false);
    // Another ward: never counted here.
    await submit('2026-03-02T09:00:00+07:00', [vn(5)], START, other);

    const stats = async (from: string, to: string) => {
      const r = await call(RPC.lodging.getStats, { wardCode: STATS_WARD.wardCode, from, to });
      if (!r.ok) throw new Error(JSON.stringify(r));
      return r.body;
    };
    expect(await stats('2026-03-01', '2026-03-01')).toEqual({ notices: 1, guests: 2, foreignGuests: 1, late: 0 });
    expect(await stats('2026-03-02', '2026-03-02')).toEqual({ notices: 2, guests: 4, foreignGuests: 2, late: 2 });
    expect(await stats('2026-03-01', '2026-03-03')).toEqual({ notices: 4, guests: 7, foreignGuests: 3, late: 2 });
    expect(await stats('2026-02-01', '2026-02-28')).toEqual({ notices: 0, guests: 0, foreignGuests: 0, late: 0 });
    expect(await call(RPC.lodging.getStats, { wardCode: '99999', from: '2026-03-03', to: '2026-03-01' })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED', errors: [{ field: 'wardCode' }, { field: 'from' }] },
    });
  }, 40_000);

  it('given unknown ids, then current guests and streams are 404', async () => {
    expect(await call(RPC.lodging.getCurrentGuests, { establishmentId: randomUUID() })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await call(RPC.lodging.getStream, { streamId: randomUUID() })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  }, 30_000);
});
