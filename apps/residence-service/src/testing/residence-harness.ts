import { randomUUID } from 'node:crypto';
import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import type { Consumer, Producer } from 'kafkajs';
import { Client } from 'pg';
import {
  GENESIS_HASH,
  RPC_HEALTH,
  topicNames,
  type Address,
  type EventEnvelope,
  type IdentityEvent,
  type RequestMeta,
  type RpcReply,
} from '@d06/contracts';
import { ensureTopics, envelopeToMessage, parseEnvelope, sealEnvelope } from '@d06/event-sourcing';
import { ResilientRpcClient, type IdGenerator } from '@d06/platform';
import {
  createTestDatabase,
  deleteTopicsWithPrefix,
  eventually,
  testInfra,
  testKafka,
  uniqueTopicPrefix,
  type ManualClock,
  type TestDatabase,
} from '@d06/testing';
import { ResidenceAppModule } from '../app/residence-app.module';
import { loadResidenceConfig } from '../app/residence-config';

/**
 * The residence service booted in-process on its own database and topic prefix, with a
 * ManualClock, plus what a test needs around it: an RPC client on the same prefix (what the
 * gateway does), a producer of hashed identity envelopes (what the identity service's relay
 * does), and SQL on the service's database.
 */
export interface ResidenceHarness {
  app: INestApplication;
  db: TestDatabase;
  prefix: string;
  /** `requestId` plays the gateway's Idempotency-Key derived id (a retried request). */
  call<T = unknown>(type: string, payload: unknown, options?: { clientId?: string; key?: string; requestId?: string }): Promise<RpcReply<T>>;
  /** Publishes identity events (envelopes chained like the identity service's) and returns them. */
  publishIdentity(...events: IdentityEnvelopeInput[]): Promise<EventEnvelope[]>;
  /** Publishes envelopes exactly as given (a redelivery). */
  republish(...envelopes: EventEnvelope[]): Promise<void>;
  sql<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /** What the service's relay has published on `residence.events` so far (hash-checked envelopes). */
  published: EventEnvelope[];
  /** Messages on `residence.events` that failed the envelope or hash check. */
  unreadable: string[];
  close(): Promise<void>;
}

export interface IdentityEnvelopeInput {
  event: IdentityEvent;
  streamVersion: number;
  eventId?: string;
}

export async function startResidenceHarness(label: string, clock: ManualClock, options: { ids?: IdGenerator; env?: Record<string, string> } = {}): Promise<ResidenceHarness> {
  const infra = testInfra();
  const db = await createTestDatabase(label);
  const prefix = uniqueTopicPrefix(label);
  await ensureTopics(testKafka(infra), prefix, { partitions: 3 });
  const config = loadResidenceConfig({
    DATABASE_URL: infra.databaseUrl,
    KAFKA_BROKERS: infra.kafkaBrokers.join(','),
    RESIDENCE_DATABASE: db.name,
    D06_TOPIC_PREFIX: prefix,
    D06_INSTANCE_ID: prefix,
    D06_TOPIC_PARTITIONS: '3',
    RESIDENCE_HTTP_PORT: '0',
    LOG_LEVEL: 'warn',
    ...options.env,
  });
  const app = await NestFactory.create(ResidenceAppModule.forRoot(config, { clock, ids: options.ids }), { logger: ['error', 'warn'] });
  app.enableShutdownHooks();
  await app.listen(0, '127.0.0.1');
  const client = new ResilientRpcClient({ brokers: infra.kafkaBrokers, topicPrefix: prefix, instanceId: prefix, defaultTimeoutMs: 15_000, topicPartitions: 3 });
  client.start();
  const meta = (clientId: string): RequestMeta => ({ correlationId: randomUUID(), actor: { clientId } });
  await eventually(
    async () => {
      const reply = await client.call('residence', RPC_HEALTH, {}, meta('test'), { timeoutMs: 3000 });
      return reply.ok;
    },
    { timeoutMs: 60_000, intervalMs: 250, what: 'the residence service to answer' },
  );

  const producer: Producer = testKafka(infra).producer();
  await producer.connect();
  const identityTopic = topicNames(prefix).events('identity');
  let position = 0;
  let prevHash = GENESIS_HASH;
  const republish = async (...envelopes: EventEnvelope[]) => {
    await producer.send({ topic: identityTopic, acks: -1, messages: envelopes.map(envelopeToMessage) });
  };

  const pg = new Client({ connectionString: db.url });
  await pg.connect();

  const published: EventEnvelope[] = [];
  const unreadable: string[] = [];
  const listener: Consumer = testKafka(infra).consumer({ groupId: `${prefix}test-listener` });
  await listener.connect();
  await listener.subscribe({ topic: topicNames(prefix).events('residence'), fromBeginning: true });
  await listener.run({
    eachMessage: async ({ message }) => {
      const parsed = parseEnvelope(message.value, { checkHash: true });
      if (parsed.ok) published.push(parsed.envelope);
      else unreadable.push(parsed.error);
    },
  });

  return {
    app,
    db,
    prefix,
    call: (type, payload, { clientId = 'portal', key, requestId } = {}) =>
      client.call('residence', type, payload, { ...meta(clientId), ...(requestId ? { requestId } : {}) }, { key }),
    async publishIdentity(...inputs) {
      const envelopes = inputs.map(({ event, streamVersion, eventId }) => {
        position += 1;
        const e = sealEnvelope({
          eventId: eventId ?? randomUUID(),
          service: 'identity',
          type: event.type,
          schemaVersion: 1,
          streamId: event.data.personalId,
          streamVersion,
          position,
          occurredAt: clock.now().toISOString(),
          correlationId: randomUUID(),
          causationId: null,
          actor: { clientId: 'officer' },
          data: event.data,
          prevHash,
        });
        prevHash = e.hash;
        return e;
      });
      await republish(...envelopes);
      return envelopes;
    },
    republish,
    published,
    unreadable,
    async sql(text, params = []) {
      return (await pg.query(text, params)).rows;
    },
    async close() {
      await pg.end().catch(() => undefined);
      await listener.disconnect().catch(() => undefined);
      await producer.disconnect().catch(() => undefined);
      await client.stop();
      await app.close();
      await db.drop();
      await deleteTopicsWithPrefix(prefix, infra).catch(() => undefined);
    },
  };
}

let serial = 0;
/** A valid personal ID (Đắk Lắk birth registration, male, born 1990) unique within the run. */
export function nextPersonalId(): string {
  serial += 1;
  return `066090${String(Date.now() % 1000).padStart(3, '0')}${String(serial).padStart(3, '0')}`;
}

export const citizenRegistered = (personalId: string, permanentAddress: Address | null, at = '2026-01-05T09:00:00+07:00'): IdentityEvent => ({
  type: 'CitizenRegistered',
  data: { personalId, fullName: 'Nguyễn Văn An', dateOfBirth: '1990-05-17', gender: 'MALE', permanentAddress, registeredAt: at },
});
