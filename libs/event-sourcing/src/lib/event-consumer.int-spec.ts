import { randomUUID } from 'node:crypto';
import type { KafkaMessage, Producer } from 'kafkajs';
import { Registry } from 'prom-client';
import { GENESIS_HASH, HEADERS, topicNames, type EventEnvelope } from '@d06/contracts';
import { deleteTopicsWithPrefix, eventually, testInfra, testKafka, uniqueTopicPrefix } from '@d06/testing';
import { createStoreHarness, type StoreHarness } from '../testing/harness';
import { EventConsumer, listDeadLetters, retryDeadLetters } from './event-consumer';
import { sealEnvelope } from './hash-chain';
import { ensureTopics } from './kafka-topics';
import { quietLogger } from './logger';
import { envelopeToMessage } from './relay';

jest.setTimeout(90_000);

type ResidenceEvents =
  | { type: 'DossierSubmitted'; data: { dossierId: string; poison?: boolean } }
  | { type: 'DossierDecided'; data: { dossierId: string } };

let position = 0;
let prevHash = GENESIS_HASH;
/** An envelope as the residence service's relay would publish it (hashed, chained). */
function envelope(type: string, data: unknown, streamId = 'dossier-1'): EventEnvelope {
  position += 1;
  const e = sealEnvelope({
    eventId: randomUUID(),
    service: 'residence',
    type,
    schemaVersion: 1,
    streamId,
    streamVersion: position,
    position,
    occurredAt: new Date(Date.UTC(2025, 6, 1, 0, 0, position)).toISOString(),
    correlationId: `corr-${position}`,
    causationId: null,
    actor: { clientId: 'portal' },
    data,
    prevHash,
  });
  prevHash = e.hash;
  return e;
}

describe('EventConsumer (Postgres + Kafka)', () => {
  const infra = testInfra();
  const kafka = testKafka(infra);
  const prefix = uniqueTopicPrefix('es_consumer');
  const topics = topicNames(prefix);
  const source = topics.events('residence');
  let h: StoreHarness;
  let producer: Producer;
  let consumer: EventConsumer<ResidenceEvents>;
  let poisonFixed = false;
  const handlerCalls: string[] = [];
  const registry = new Registry();

  const send = (value: string | EventEnvelope, key = 'dossier-1') =>
    producer.send({
      topic: source,
      messages: [typeof value === 'string' ? { key, value } : envelopeToMessage(value)],
    });

  const effect = async (dossierId: string): Promise<number | undefined> => {
    const rows = await h.dataSource.query('SELECT n FROM dossier_counts WHERE dossier_id = $1', [dossierId]);
    return rows[0]?.n;
  };

  beforeAll(async () => {
    h = await createStoreHarness('es_consumer', { poolSize: 6 });
    await h.dataSource.query('CREATE TABLE dossier_counts (dossier_id text PRIMARY KEY, n int NOT NULL)');
    await ensureTopics(kafka, prefix, { partitions: 1 });
    producer = kafka.producer();
    await producer.connect();
    consumer = new EventConsumer<ResidenceEvents>({
      dataSource: h.dataSource,
      kafka,
      groupId: `${prefix}identity-from-residence`,
      topics: [source],
      handlers: {
        DossierSubmitted: async (event, manager) => {
          handlerCalls.push(event.eventId);
          if (event.data.poison && !poisonFixed) throw new Error(`cannot handle ${event.data.dossierId}`);
          if (event.data.dossierId === 'always-fails') throw new Error('this one always fails');
          await manager.query(
            `INSERT INTO dossier_counts (dossier_id, n) VALUES ($1, 1)
             ON CONFLICT (dossier_id) DO UPDATE SET n = dossier_counts.n + 1`,
            [event.data.dossierId],
          );
        },
      },
      validators: {
        DossierSubmitted: (data) =>
          typeof (data as { dossierId?: unknown }).dossierId === 'string' ? [] : ['dossierId must be a string'],
      },
      ignoreTypes: ['DossierDecided'],
      retry: { retries: 3, initialDelayMs: 20, factor: 2 },
      registry,
      logger: quietLogger,
    });
    await consumer.start();
  });

  afterAll(async () => {
    await consumer?.stop();
    await producer?.disconnect();
    await h?.close();
    await deleteTopicsWithPrefix(prefix, infra);
  });

  it('the same event delivered twice: no double effect', async () => {
    const once = envelope('DossierSubmitted', { dossierId: 'twice' });
    await send(once);
    await send(once);
    const marker = envelope('DossierSubmitted', { dossierId: 'after-twice' });
    await send(marker);
    await eventually(async () => (await effect('after-twice')) === 1, { what: 'the marker to be handled' });
    expect(await effect('twice')).toBe(1);
    // The handler ran once: the redelivery was recognised before it, in the same transaction.
    expect(handlerCalls.filter((id) => id === once.eventId)).toHaveLength(1);
    const processed = await h.dataSource.query('SELECT count(*)::int AS n FROM processed_events WHERE event_id = $1', [once.eventId]);
    expect(processed[0].n).toBe(1);
    expect(await registry.metrics()).toMatch(/event_consumer_messages_total\{consumer="[^"]+",outcome="duplicate"\} 1/);
  });

  it('a burst of events: handled in shared transactions, each once; a failing one in a burst is dead-lettered alone', async () => {
    const burst = Array.from({ length: 40 }, (_, i) => envelope('DossierSubmitted', { dossierId: `burst-${i}` }, `burst-${i}`));
    await producer.send({ topic: source, messages: burst.map(envelopeToMessage) });
    await eventually(async () => (await effect('burst-39')) === 1, { what: 'the burst to be handled' });
    for (let i = 0; i < 40; i++) expect(await effect(`burst-${i}`)).toBe(1);
    // processed_at defaults to the transaction's start: events that shared one share it.
    const [{ transactions }] = await h.dataSource.query(
      'SELECT count(DISTINCT processed_at)::int AS transactions FROM processed_events WHERE event_id = ANY($1::uuid[])',
      [burst.map((e) => e.eventId)],
    );
    expect(transactions).toBeLessThan(40);

    const failing = envelope('DossierSubmitted', { dossierId: 'always-fails' }, 'burst-x');
    const second = [
      ...Array.from({ length: 10 }, (_, i) => envelope('DossierSubmitted', { dossierId: `second-${i}` }, `second-${i}`)),
      failing,
      ...Array.from({ length: 10 }, (_, i) => envelope('DossierSubmitted', { dossierId: `second-${10 + i}` }, `second-${10 + i}`)),
    ];
    await producer.send({ topic: source, messages: second.map(envelopeToMessage) });
    await eventually(async () => (await effect('second-19')) === 1, { what: 'the second burst to be handled' });
    for (let i = 0; i < 20; i++) expect(await effect(`second-${i}`)).toBe(1);
    const letters = await listDeadLetters(h.dataSource, { consumer: consumer.name, pendingOnly: true });
    expect(letters.filter((l) => l.error === 'this one always fails')).toHaveLength(1);
    // Its own four attempts, plus one inside the batch that rolled back, if it was batched.
    expect(handlerCalls.filter((id) => id === failing.eventId).length).toBeGreaterThanOrEqual(4);
    await h.dataSource.query(`DELETE FROM dead_letters WHERE error = 'this one always fails'`);
  });

  it('a poison message lands in the DLQ with the error, and the next messages are still handled', async () => {
    const poison = envelope('DossierSubmitted', { dossierId: 'poison', poison: true });
    const unknown = envelope('DossierTeleported', { dossierId: 'x' });
    const badPayload = envelope('DossierSubmitted', { dossierId: 42 });
    const ignored = envelope('DossierDecided', { dossierId: 'x' });
    const tampered = { ...envelope('DossierSubmitted', { dossierId: 'tampered' }) };
    tampered.data = { dossierId: 'changed-in-flight' };
    await send('this is not JSON');
    await send(JSON.stringify({ hello: 'world' }));
    await send(poison);
    await send(unknown);
    await send(badPayload);
    await send(ignored);
    await send(tampered);
    const next = envelope('DossierSubmitted', { dossierId: 'next' });
    await send(next);
    await eventually(async () => (await effect('next')) === 1, { what: 'the message after the poison to be handled' });

    const letters = await listDeadLetters(h.dataSource, { consumer: consumer.name });
    expect(letters.map((l) => [l.attempts, l.error.split(':')[0]])).toEqual([
      [0, 'value is not JSON'],
      [0, 'not an event envelope'],
      [4, 'cannot handle poison'],
      [0, 'unknown event type DossierTeleported (schema v1)'],
      [0, 'invalid DossierSubmitted payload'],
      [0, 'hash does not match the content of event ' + tampered.eventId],
    ]);
    expect(handlerCalls.filter((id) => id === poison.eventId)).toHaveLength(4);

    const dlq: KafkaMessage[] = [];
    const reader = kafka.consumer({ groupId: `${prefix}dlq-reader` });
    await reader.connect();
    await reader.subscribe({ topics: [topics.dlq(source)], fromBeginning: true });
    await reader.run({ eachMessage: async ({ message }) => void dlq.push(message) });
    try {
      await eventually(() => dlq.length >= 6, { what: 'six dead letters on the DLQ topic' });
    } finally {
      await reader.disconnect();
    }
    const poisonLetter = dlq.find((m) => m.headers?.[HEADERS.eventId]?.toString() === poison.eventId)!;
    expect(poisonLetter.value!.toString()).toBe(JSON.stringify(poison));
    expect(poisonLetter.headers![HEADERS.dlqError]!.toString()).toBe('cannot handle poison');
    expect(poisonLetter.headers![HEADERS.dlqSourceTopic]!.toString()).toBe(source);
    expect(poisonLetter.headers![HEADERS.dlqAttempts]!.toString()).toBe('4');
    expect(poisonLetter.headers![HEADERS.dlqConsumerGroup]!.toString()).toBe(`${prefix}identity-from-residence`);
    expect(poisonLetter.headers![HEADERS.dlqSourceOffset]).toBeDefined();
    expect(poisonLetter.headers![HEADERS.dlqFailedAt]).toBeDefined();

    // The operator fixes the cause and retries: the poison event is applied; the malformed stay.
    poisonFixed = true;
    const retried = await retryDeadLetters(consumer);
    expect(retried.retried).toBe(1);
    expect(retried.failed).toHaveLength(5);
    expect(await effect('poison')).toBe(1);
    const again = await consumer.retryDeadLetters();
    expect(again.retried).toBe(0);
    expect(await effect('poison')).toBe(1);
    expect(await listDeadLetters(h.dataSource, { consumer: consumer.name, pendingOnly: true })).toHaveLength(5);
  });
});

describe('EventConsumer over several partitions (Postgres + Kafka)', () => {
  const infra = testInfra();
  const kafka = testKafka(infra);
  const prefix = uniqueTopicPrefix('es_consumer_parts');
  const source = topicNames(prefix).events('residence');
  const groupId = `${prefix}lodging-from-residence`;
  const PARTITIONS = 6;
  let h: StoreHarness;
  let producer: Producer;
  const calls: string[] = [];

  const newConsumer = () =>
    new EventConsumer<ResidenceEvents>({
      dataSource: h.dataSource,
      kafka,
      groupId,
      topics: [source],
      handlers: { DossierSubmitted: async (event) => void calls.push(event.eventId) },
      ignoreTypes: ['DossierDecided'],
      partitionsConsumedConcurrently: PARTITIONS,
      fetchWindowMs: 200,
      commitIntervalMs: 100,
      logger: quietLogger,
    });

  beforeAll(async () => {
    h = await createStoreHarness('es_consumer_parts', { poolSize: 6 });
    await ensureTopics(kafka, prefix, { partitions: PARTITIONS });
    // Idempotent: a send retried while the new partitions elect their leaders must not land
    // twice (a duplicate in a batch sends it down the one-by-one path this test is not about).
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await h?.close();
    await deleteTopicsWithPrefix(prefix, infra);
  });

  it('one fetch over several partitions is applied in one transaction, and its offsets are committed without a stop', async () => {
    const consumer = newConsumer();
    await consumer.start();
    try {
      const events = Array.from({ length: 30 }, (_, i) => envelope('DossierSubmitted', { dossierId: `spread-${i}` }, `spread-${i}`));
      const sent = await producer.send({ topic: source, messages: events.map(envelopeToMessage) });
      expect(new Set(sent.map((r) => r.partition)).size).toBeGreaterThan(2);
      await eventually(() => events.every((e) => calls.includes(e.eventId)), { what: 'every event to be handled' });
      // processed_at is the transaction's start: one value per transaction. Two may run at once,
      // so the batches of several partitions went in at most a few, not one per partition.
      const [{ transactions, partitions }] = await h.dataSource.query(
        'SELECT count(DISTINCT processed_at)::int AS transactions, $2::int AS partitions FROM processed_events WHERE event_id = ANY($1::uuid[])',
        [events.map((e) => e.eventId), new Set(sent.map((r) => r.partition)).size],
      );
      expect(transactions).toBeLessThan(partitions);

      const admin = kafka.admin();
      await admin.connect();
      try {
        const ends = await admin.fetchTopicOffsets(source);
        await eventually(
          async () => {
            const [committed] = await admin.fetchOffsets({ groupId, topics: [source] });
            return ends.every((e) => committed.partitions.find((p) => p.partition === e.partition)?.offset === e.offset);
          },
          { what: 'the committed offsets to reach the end of every partition while the consumer runs' },
        );
      } finally {
        await admin.disconnect();
      }
    } finally {
      await consumer.stop();
    }
  });

  it('offsets handled just before a stop are committed by the stop: a restart redelivers nothing', async () => {
    const first = newConsumer();
    await first.start();
    const events = Array.from({ length: 12 }, (_, i) => envelope('DossierSubmitted', { dossierId: `stop-${i}` }, `stop-${i}`));
    await producer.send({ topic: source, messages: events.map(envelopeToMessage) });
    await eventually(() => events.every((e) => calls.includes(e.eventId)), { what: 'the events to be handled' });
    await first.stop();
    const before = calls.length;

    const marker = envelope('DossierSubmitted', { dossierId: 'after-restart' }, 'stop-0');
    await producer.send({ topic: source, messages: [envelopeToMessage(marker)] });
    const second = newConsumer();
    await second.start();
    try {
      await eventually(() => calls.includes(marker.eventId), { what: 'the marker after the restart', timeoutMs: 30_000 });
      // Only the marker reached a handler: nothing before it was fetched again.
      expect(calls.slice(before)).toEqual([marker.eventId]);
    } finally {
      await second.stop();
    }
  });
});
