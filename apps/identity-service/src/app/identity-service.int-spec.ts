import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Admin, Consumer, Producer } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { RPC, RPC_HEALTH, topicNames, type CitizenView, type EventEnvelope, type RequestMeta, type RpcReply } from '@d06/contracts';
import { MANAGED_DATA_SOURCE, ResilientRpcClient, type ManagedDataSource } from '@d06/platform';
import {
  ManualClock,
  createTestDatabase,
  deleteTopicsWithPrefix,
  eventually,
  testInfra,
  testKafka,
  uniqueTopicPrefix,
  type TestDatabase,
} from '@d06/testing';
import { ResidenceChain } from '../testing/residence-envelopes';
import { IdentityAppModule } from './identity-app.module';
import { loadIdentityConfig } from './identity-config';
import { RESIDENCE_APPROVALS_CONSUMER } from './residence/residence-approvals.consumer';

const HANOI = { provinceCode: '01', wardCode: '00004', detail: 'Số 12 phố Điện Biên Phủ' };
const TAN_AN = { provinceCode: '66', wardCode: '24163', detail: 'Số 5 đường Lê Duẩn' };
const AN = { personalId: '001090012345', fullName: 'Nguyễn Văn An', dateOfBirth: '1990-05-17', gender: 'MALE' as const };
const BINH = { personalId: '079305001234', fullName: 'Trần Thị Bình', dateOfBirth: '2005-02-01', gender: 'FEMALE' as const };

/**
 * The identity service in process against real Postgres and Kafka, asked the way the gateway
 * asks it (Kafka request/reply), fed residence events the way the residence service publishes them.
 */
describe('identity service', () => {
  const infra = testInfra();
  const prefix = uniqueTopicPrefix('identity');
  const topics = topicNames(prefix);
  const clock = new ManualClock('2026-11-27T03:00:00.000Z');
  const residence = new ResidenceChain();
  let db: TestDatabase;
  let app: INestApplication;
  let rpc: ResilientRpcClient;
  let producer: Producer;
  let admin: Admin;
  let published: Consumer;
  const seen: { topic: string; type: string }[] = [];
  let data: DataSource;

  const meta = (clientId = 'officer'): RequestMeta => ({ correlationId: randomUUID(), actor: { clientId }, causationId: randomUUID() });
  const call = <T>(type: string, payload: unknown, m: RequestMeta = meta()) => rpc.call<T>('identity', type, payload, m, { timeoutMs: 10_000 });
  const body = <T>(reply: RpcReply<T>): T => {
    if (!reply.ok) throw new Error(`refused: ${JSON.stringify(reply.error)}`);
    return reply.body;
  };
  const errorOf = (reply: RpcReply<unknown>) => (reply.ok ? undefined : reply.error);

  beforeAll(async () => {
    db = await createTestDatabase('identity_svc');
    const config = loadIdentityConfig({
      DATABASE_URL: infra.databaseUrl,
      KAFKA_BROKERS: infra.kafkaBrokers.join(','),
      IDENTITY_DATABASE: db.name,
      D06_TOPIC_PREFIX: prefix,
      D06_INSTANCE_ID: prefix,
      D06_TOPIC_PARTITIONS: '3',
      IDENTITY_HTTP_PORT: '0',
      LOG_LEVEL: 'warn',
    });
    app = await NestFactory.create(IdentityAppModule.forRoot(config, { clock }), { logger: ['error'] });
    await app.listen(0);
    data = await app.get<ManagedDataSource>(MANAGED_DATA_SOURCE).ready();
    rpc = new ResilientRpcClient({ brokers: infra.kafkaBrokers, topicPrefix: prefix, instanceId: `${prefix}gw`, defaultTimeoutMs: 10_000, topicPartitions: 3 });
    rpc.start();
    await eventually(
      async () => {
        const r = await rpc.call('identity', RPC_HEALTH, {}, meta(), { timeoutMs: 3000 });
        return r.ok;
      },
      { timeoutMs: 60_000, intervalMs: 200, what: 'the identity service answering over Kafka' },
    );
    const kafka = testKafka(infra);
    producer = kafka.producer();
    await producer.connect();
    admin = kafka.admin();
    await admin.connect();
    published = kafka.consumer({ groupId: `${prefix}watcher` });
    await published.connect();
    await published.subscribe({ topics: [topics.events('identity'), topics.audit], fromBeginning: true });
    await published.run({
      eachMessage: async ({ topic, message }) => {
        const envelope = JSON.parse(String(message.value)) as EventEnvelope;
        seen.push({ topic, type: envelope.type });
      },
    });
  }, 120_000);

  afterAll(async () => {
    await published?.disconnect().catch(() => undefined);
    await producer?.disconnect().catch(() => undefined);
    await admin?.disconnect().catch(() => undefined);
    await rpc?.stop();
    await app?.close();
    await db?.drop();
    await deleteTopicsWithPrefix(prefix, infra).catch(() => undefined);
  }, 60_000);

  /** Produces residence events and waits until the identity consumer has committed past them. */
  async function deliver(...envelopes: EventEnvelope[]): Promise<void> {
    const sent: { partition: number; offset: number }[] = [];
    for (const envelope of envelopes) {
      const [meta] = await producer.send({ topic: topics.events('residence'), acks: -1, messages: [{ key: envelope.streamId, value: JSON.stringify(envelope) }] });
      sent.push({ partition: meta.partition, offset: Number(meta.baseOffset) });
    }
    const groupId = `d06-identity-${prefix}-${RESIDENCE_APPROVALS_CONSUMER}`;
    await eventually(
      async () => {
        const [committed] = await admin.fetchOffsets({ groupId, topics: [topics.events('residence')] });
        return sent.every((s) => Number(committed.partitions.find((p) => p.partition === s.partition)?.offset ?? -1) > s.offset);
      },
      { timeoutMs: 30_000, intervalMs: 100, what: 'the residence consumer to commit past the delivered events' },
    );
  }

  async function citizenRow(personalId: string): Promise<Record<string, unknown>> {
    const [row] = await data.query('SELECT version, permanent_address, temporary_address FROM citizens WHERE personal_id = $1', [personalId]);
    return row;
  }

  describe('register, look up, verify', () => {
    it('given a new citizen, when registered, then 201 with the citizen at version 1, updated at the clock time', async () => {
      const reply = await call<CitizenView>(RPC.identity.registerCitizen, { ...AN, permanentAddress: HANOI });
      expect(reply).toEqual({
        ok: true,
        status: 201,
        body: { ...AN, status: 'ALIVE', permanentAddress: HANOI, temporaryAddress: null, version: 1, updatedAt: '2026-11-27T03:00:00.000Z' },
      });
      expect(body(await call(RPC.identity.registerCitizen, BINH))).toMatchObject({ personalId: BINH.personalId, permanentAddress: null });
    });

    it('given a registered personal ID, when registered again, then ALREADY_EXISTS', async () => {
      expect(errorOf(await call(RPC.identity.registerCitizen, AN))).toMatchObject({ code: 'ALREADY_EXISTS' });
    });

    it('given a malformed ID, a disagreeing date of birth, an unknown ward or no object at all, then VALIDATION_FAILED naming the fields', async () => {
      expect(errorOf(await call(RPC.identity.registerCitizen, { ...AN, personalId: '12345' }))).toMatchObject({ code: 'VALIDATION_FAILED', errors: [expect.objectContaining({ field: 'personalId' })] });
      expect(errorOf(await call(RPC.identity.registerCitizen, { ...AN, personalId: '001091012345' }))).toMatchObject({ code: 'VALIDATION_FAILED', errors: [expect.objectContaining({ field: 'personalId' })] });
      expect(errorOf(await call(RPC.identity.registerCitizen, { ...AN, personalId: '001090054321', permanentAddress: { ...HANOI, wardCode: '24163' } }))).toMatchObject({
        code: 'VALIDATION_FAILED',
        errors: [expect.objectContaining({ field: 'permanentAddress.wardCode' })],
      });
      expect(errorOf(await call(RPC.identity.registerCitizen, 'nonsense'))).toMatchObject({ code: 'VALIDATION_FAILED' });
    });

    it('given a registered citizen, when looked up, then 200 with the citizen, and the read is in the access log with its purpose and fields', async () => {
      clock.set('2026-11-27T03:05:00.000Z');
      const m = meta('officer');
      const reply = await call<CitizenView>(RPC.identity.getCitizen, { personalId: AN.personalId, purpose: 'Kiểm tra hồ sơ' }, m);
      expect(body(reply)).toMatchObject({ ...AN, status: 'ALIVE', version: 1 });
      const rows = await data.query('SELECT client_id, purpose, fields, channel, correlation_id FROM citizen_access_log WHERE personal_id = $1', [AN.personalId]);
      expect(rows).toEqual([
        {
          client_id: 'officer',
          purpose: 'Kiểm tra hồ sơ',
          fields: ['personalId', 'fullName', 'dateOfBirth', 'gender', 'status', 'permanentAddress', 'temporaryAddress', 'version', 'updatedAt'],
          channel: 'IDENTITY_LOOKUP',
          correlation_id: m.correlationId,
        },
      ]);
      const log = body(await call<{ items: { at: string; clientId: string }[]; nextCursor: string | null }>(RPC.identity.getAccessLog, { personalId: AN.personalId, limit: 10 }, meta('operator')));
      expect(log).toEqual({ items: [expect.objectContaining({ at: '2026-11-27T03:05:00.000Z', clientId: 'officer', channel: 'IDENTITY_LOOKUP' })], nextCursor: null });
    });

    it('given an unknown citizen, when looked up or declared dead, then NOT_FOUND and nothing is logged', async () => {
      expect(errorOf(await call(RPC.identity.getCitizen, { personalId: '001090099999' }))).toMatchObject({ code: 'NOT_FOUND' });
      expect(errorOf(await call(RPC.identity.recordDeath, { personalId: '001090099999', dateOfDeath: '2026-11-01' }))).toMatchObject({ code: 'NOT_FOUND' });
      const [{ n }] = await data.query(`SELECT count(*)::int AS n FROM citizen_access_log WHERE personal_id = '001090099999'`);
      expect(n).toBe(0);
    });

    it('given a living citizen, when verified, then true with every field right, and false when any one is wrong', async () => {
      const verify = async (claim: Record<string, unknown>) => body(await call<{ match: boolean }>(RPC.identity.verifyCitizen, claim, meta('portal')));
      expect(await verify({ personalId: AN.personalId })).toEqual({ match: true });
      expect(await verify({ ...AN })).toEqual({ match: true });
      expect(await verify({ ...AN, fullName: '  nguyễn   VĂN an ' })).toEqual({ match: true });
      expect(await verify({ ...AN, fullName: 'Nguyễn Văn Anh' })).toEqual({ match: false });
      expect(await verify({ ...AN, dateOfBirth: '1990-05-18' })).toEqual({ match: false });
      expect(await verify({ personalId: BINH.personalId, gender: 'FEMALE', dateOfBirth: '2005-02-01', fullName: 'Trần Thị Bính' })).toEqual({ match: false });
      expect(await verify({ personalId: '001090099999', fullName: 'Nguyễn Văn An' })).toEqual({ match: false });
      expect(errorOf(await call(RPC.identity.verifyCitizen, { ...AN, gender: 'FEMALE' }))).toMatchObject({ code: 'VALIDATION_FAILED' });
    });

    it('given a citizen, when the death is recorded, then 200 DECEASED at version 2; again ALREADY_DECEASED; and verification says false like for an unknown one', async () => {
      clock.set('2026-11-27T04:00:00.000Z');
      const reply = await call<CitizenView>(RPC.identity.recordDeath, { personalId: BINH.personalId, dateOfDeath: '2026-11-20' });
      expect(reply).toMatchObject({ ok: true, status: 200, body: { personalId: BINH.personalId, status: 'DECEASED', version: 2, updatedAt: '2026-11-27T04:00:00.000Z' } });
      expect(errorOf(await call(RPC.identity.recordDeath, { personalId: BINH.personalId, dateOfDeath: '2026-11-20' }))).toMatchObject({ code: 'ALREADY_DECEASED' });
      expect(body(await call(RPC.identity.verifyCitizen, { ...BINH }, meta('portal')))).toEqual({ match: false });
    });
  });

  describe('sharing and audit', () => {
    it('given an agency policy, when it reads a citizen, then only the policy fields come back and the read is logged as SHARING with its purpose', async () => {
      clock.set('2026-11-27T05:00:00.000Z');
      const reply = await call<Record<string, unknown>>(RPC.identity.shareCitizen, { personalId: AN.personalId, purpose: 'Xác minh bảo hiểm xã hội', fields: ['personalId', 'fullName', 'dateOfBirth'] }, meta('agency'));
      expect(body(reply)).toEqual({ personalId: AN.personalId, fullName: AN.fullName, dateOfBirth: AN.dateOfBirth });
      const log = body(await call<{ items: Record<string, unknown>[] }>(RPC.identity.getAccessLog, { personalId: AN.personalId, limit: 1 }, meta('operator')));
      expect(log.items).toEqual([
        expect.objectContaining({ at: '2026-11-27T05:00:00.000Z', clientId: 'agency', purpose: 'Xác minh bảo hiểm xã hội', fields: ['personalId', 'fullName', 'dateOfBirth'], channel: 'SHARING' }),
      ]);
      expect(errorOf(await call(RPC.identity.shareCitizen, { personalId: '001090099999', purpose: 'x', fields: ['fullName'] }, meta('agency')))).toMatchObject({ code: 'NOT_FOUND' });
    });

    it('given a citizen stream, when read, then its events come in order, sealed, with their envelopes; an empty stream is NOT_FOUND', async () => {
      const reply = body(await call<{ service: string; streamId: string; events: EventEnvelope[] }>(RPC.identity.getStream, { streamId: BINH.personalId }, meta('operator')));
      expect(reply.service).toBe('identity');
      expect(reply.events.map((e) => [e.type, e.streamVersion])).toEqual([
        ['CitizenRegistered', 1],
        ['CitizenDied', 2],
      ]);
      for (const e of reply.events) {
        expect(e.position).toBeGreaterThan(0);
        expect(e.hash).toMatch(/^[0-9a-f]{64}$/);
      }
      expect(errorOf(await call(RPC.identity.getStream, { streamId: 'no-such-stream' }, meta('operator')))).toMatchObject({ code: 'NOT_FOUND' });
    });

    it('given the events written so far, then citizen events are published to identity.events and access records to audit.events', async () => {
      await eventually(
        () =>
          seen.some((s) => s.topic === topics.audit && s.type === 'CitizenDataAccessed') &&
          seen.some((s) => s.topic === topics.events('identity') && s.type === 'CitizenDied'),
        { timeoutMs: 20_000, what: 'the relay to publish' },
      );
      expect(seen.filter((s) => s.type === 'CitizenDataAccessed').every((s) => s.topic === topics.audit)).toBe(true);
      expect(seen.filter((s) => s.type !== 'CitizenDataAccessed').every((s) => s.topic === topics.events('identity'))).toBe(true);
    });
  });

  describe('residence approvals', () => {
    it('given a permanent registration approved, then the citizen moves; redelivered, nothing changes', async () => {
      clock.set('2026-11-27T06:00:00.000Z');
      const approval = residence.approval({ applicantId: AN.personalId, effect: { kind: 'PERMANENT', address: TAN_AN, validUntil: null } });
      await deliver(approval);
      const moved = await citizenRow(AN.personalId);
      expect(moved).toMatchObject({ permanent_address: TAN_AN, version: 2 });
      await deliver(approval);
      expect(await citizenRow(AN.personalId)).toMatchObject({ permanent_address: TAN_AN, version: 2 });
      const events = await data.query(`SELECT type, metadata FROM events WHERE stream_id = $1 AND type = 'CitizenResidenceChanged'`, [AN.personalId]);
      expect(events).toHaveLength(1);
      expect(events[0].metadata).toMatchObject({ correlationId: approval.correlationId, causationId: approval.eventId });
    });

    it('given a temporary registration then its deregistration, then the temporary address is set with its term, then cleared', async () => {
      const register = residence.approval({ applicantId: AN.personalId, effect: { kind: 'TEMPORARY', address: HANOI, validUntil: '2027-11-27' } });
      await deliver(register);
      expect(await citizenRow(AN.personalId)).toMatchObject({ temporary_address: HANOI, version: 3 });
      const deregister = residence.approval({ applicantId: AN.personalId, procedure: 'TEMPORARY_DEREGISTRATION', effect: { kind: 'TEMPORARY', address: null, validUntil: null } });
      await deliver(deregister);
      expect(await citizenRow(AN.personalId)).toMatchObject({ temporary_address: null, version: 4 });
    });

    it('given approvals for an unknown or a deceased applicant, or without a residence effect, then they are skipped without dead letters', async () => {
      const unknown = residence.approval({ applicantId: '001090099999', effect: { kind: 'PERMANENT', address: HANOI, validUntil: null } });
      const deceased = residence.approval({ applicantId: BINH.personalId, effect: { kind: 'PERMANENT', address: HANOI, validUntil: null } });
      const absence = residence.approval({ applicantId: AN.personalId, procedure: 'ABSENCE_DECLARATION', effect: null });
      await deliver(unknown, deceased, absence);
      expect(await citizenRow(BINH.personalId)).toMatchObject({ permanent_address: null, version: 2 });
      expect(await citizenRow(AN.personalId)).toMatchObject({ version: 4 });
      const [{ n }] = await data.query('SELECT count(*)::int AS n FROM dead_letters');
      expect(n).toBe(0);
      const [{ p }] = await data.query('SELECT count(*)::int AS p FROM processed_events WHERE event_id = ANY($1::uuid[])', [[unknown.eventId, deceased.eventId, absence.eventId]]);
      expect(p).toBe(3);
    });
  });
});
