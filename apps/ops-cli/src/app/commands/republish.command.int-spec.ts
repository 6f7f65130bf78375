import type { Consumer, Kafka } from 'kafkajs';
import { Registry } from 'prom-client';
import { HEADERS, topicNames, type IdentityEvent, type TopicNames } from '@d06/contracts';
import { EventConsumer, ensureTopics, parseEnvelope, projectionChecksum, quietLogger, Relay } from '@d06/event-sourcing';
import { IDENTITY_PROJECTIONS, IDENTITY_READ_MODEL_MIGRATIONS } from '@d06/identity-read-model';
import {
  KNOWN_CITIZENS_CONSUMER,
  RESIDENCE_READ_MODEL_MIGRATIONS,
  knownCitizensHandlers,
  knownCitizensIgnoredTypes,
  knownCitizensValidators,
} from '@d06/residence-read-model';
import { deleteTopicsWithPrefix, eventually, testKafka, uniqueName, uniqueTopicPrefix } from '@d06/testing';
import {
  accessed,
  address,
  citizen,
  expectCode,
  meta,
  movedPermanently,
  ops,
  opsEnv,
  registered,
  storeFixture,
  testUuid,
  type StoreFixture,
} from '../../testing/ops-test-kit';
import { identityRouter } from '../service-catalog';

jest.setTimeout(90_000);

interface Received {
  topic: string;
  key: string;
  position: number;
  headers: Record<string, string>;
  hashOk: boolean;
}

/**
 * Republish on a topic prefix of its own: the identity store publishes once through the
 * library's relay, the residence service's real consumer of identity.events (its
 * known_citizens read model) applies it, then the CLI re-sends a range. A plain kafkajs consumer
 * reads everything back; the read model and the relay's checkpoint must not move.
 */
describe('republish (identity store, Kafka, the residence consumer)', () => {
  let identity: StoreFixture;
  let residence: StoreFixture;
  let kafka: Kafka;
  let topics: TopicNames;
  let prefix: string;
  let env: Record<string, string>;
  let knownCitizens: EventConsumer<IdentityEvent>;
  let reader: Consumer;
  const registry = new Registry();
  const received: Received[] = [];
  const people = Array.from({ length: 12 }, (_, i) => citizen(i + 1));

  const outcomes = async (): Promise<Record<string, number>> => {
    const metric = await registry.getSingleMetric('event_consumer_messages_total')?.get();
    return Object.fromEntries((metric?.values ?? []).map((v) => [String(v.labels['outcome']), v.value]));
  };
  const residenceState = async () => ({
    knownCitizens: (await projectionChecksum(residence.dataSource, 'public', ['known_citizens'])).checksum,
    processed: (await residence.sql<{ n: number }>('SELECT count(*)::int AS n FROM processed_events'))[0].n,
    deadLetters: (await residence.sql<{ n: number }>('SELECT count(*)::int AS n FROM dead_letters'))[0].n,
  });
  const identityState = async () => ({
    readModel: (await projectionChecksum(identity.dataSource, 'public', ['citizens', 'citizen_access_log'])).checksum,
    checkpoint: (await identity.sql<{ position: string }>(`SELECT position FROM relay_checkpoints WHERE name = 'kafka'`))[0]?.position,
  });

  beforeAll(async () => {
    prefix = uniqueTopicPrefix('ops_republish');
    topics = topicNames(prefix);
    kafka = testKafka();
    await ensureTopics(kafka, prefix, { partitions: 3 });
    identity = await storeFixture('ops_republish_identity', 'identity', IDENTITY_READ_MODEL_MIGRATIONS, IDENTITY_PROJECTIONS);
    residence = await storeFixture('ops_republish_residence', 'residence', RESIDENCE_READ_MODEL_MIGRATIONS, []);
    env = opsEnv({ databases: { identity: identity.db.name }, topicPrefix: prefix });

    // Positions: 1-5 registrations, 6 an access record (audit.events), 7-13 registrations, 14-15 moves.
    const register = (list: typeof people) =>
      identity.store.appendMany(
        list.map((c, i) => ({ streamId: c.personalId, expectedVersion: 'no-stream' as const, events: [registered(c, '2026-01-05T02:00:00.000Z', address(i))] })),
        { meta: meta() },
      );
    await register(people.slice(0, 5));
    await identity.seal();
    await identity.store.append(`access-${people[0].personalId}`, 'no-stream', [accessed(people[0], '2026-01-06T02:00:00.000Z')], { meta: meta('corr-read') });
    await identity.seal();
    await register(people.slice(5));
    await identity.seal();
    for (const [i, c] of people.slice(0, 2).entries()) {
      await identity.store.append(c.personalId, 1, [movedPermanently(c, address(40 + i), '2026-02-01T03:00:00.000Z', testUuid(i))], { meta: meta() });
    }
    await identity.seal();

    // The service's own relay publishes everything once.
    const relay = new Relay({ store: identity.store, kafka, router: identityRouter(topics), logger: quietLogger });
    while ((await relay.publishOnce()) > 0);
    await relay.stop();

    knownCitizens = new EventConsumer<IdentityEvent>({
      dataSource: residence.dataSource,
      kafka,
      groupId: uniqueName('residence_known'),
      name: KNOWN_CITIZENS_CONSUMER,
      topics: [topics.events('identity')],
      handlers: knownCitizensHandlers,
      validators: knownCitizensValidators,
      ignoreTypes: knownCitizensIgnoredTypes,
      registry,
      logger: quietLogger,
    });
    await knownCitizens.start();

    reader = kafka.consumer({ groupId: uniqueName('ops_reader'), allowAutoTopicCreation: false });
    await reader.connect();
    await reader.subscribe({ topics: [topics.events('identity'), topics.audit], fromBeginning: true });
    await reader.run({
      eachMessage: async ({ topic, message }) => {
        const value = message.value?.toString('utf8') ?? null;
        const parsed = parseEnvelope(value, { checkHash: true });
        const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
        received.push({
          topic,
          key: message.key?.toString('utf8') ?? '',
          position: parsed.ok ? parsed.envelope.position : -1,
          headers,
          hashOk: parsed.ok,
        });
      },
    });
    await eventually(() => received.length === 15, { what: 'the first publication read back', timeoutMs: 30_000 });
    await eventually(async () => (await outcomes())['handled'] === 14, { what: 'the residence consumer caught up', timeoutMs: 30_000 });
  });

  afterAll(async () => {
    await reader?.disconnect().catch(() => undefined);
    await knownCitizens?.stop().catch(() => undefined);
    await identity?.close();
    await residence?.close();
    if (prefix) await deleteTopicsWithPrefix(prefix).catch(() => undefined);
  });

  it('given a range, when republished, then the same messages reach the same topics again and no read model or checkpoint moves', async () => {
    const residenceBefore = await residenceState();
    const identityBefore = await identityState();
    expect(residenceBefore).toMatchObject({ processed: 14, deadLetters: 0 });
    expect(identityBefore.checkpoint).toBe('15');

    const result = expectCode(await ops(['republish', 'identity', '--from', '3', '--to', '9', '--json'], env), 0);
    expect(JSON.parse(result.stdout)).toEqual({
      service: 'identity',
      from: 3,
      to: 9,
      published: 7,
      topics: [topics.events('identity'), topics.audit],
    });

    await eventually(() => received.length === 22, { what: 'the republished messages read back', timeoutMs: 20_000 });
    const times = (position: number) => received.filter((r) => r.position === position);
    for (let position = 1; position <= 15; position++) {
      const copies = times(position);
      expect({ position, copies: copies.length }).toEqual({ position, copies: position >= 3 && position <= 9 ? 2 : 1 });
      // A republished copy is the relay's message again: same topic, key and headers.
      expect(copies.every((c) => c.hashOk && c.topic === copies[0].topic && c.key === copies[0].key)).toBe(true);
      expect(copies.map((c) => c.headers)).toEqual(copies.map(() => copies[0].headers));
    }
    expect(times(6)[0]).toMatchObject({ topic: topics.audit, key: `access-${people[0].personalId}` });
    expect(times(6)[0].headers[HEADERS.eventType]).toBe('CitizenDataAccessed');
    expect(times(3)[0]).toMatchObject({ topic: topics.events('identity'), key: people[2].personalId });

    // The consumer saw the six identity.events copies and ignored them (already processed).
    await eventually(async () => (await outcomes())['duplicate'] === 6, { what: 'duplicates seen by the consumer', timeoutMs: 20_000 });
    expect(await residenceState()).toEqual(residenceBefore);
    expect(await identityState()).toEqual(identityBefore);
  });

  it('given a range beyond the head or the relay checkpoint, or a store never published, when republish is asked, then it refuses and sends nothing', async () => {
    const before = received.length;
    // Position 16: sealed, not published yet (no relay runs here).
    await identity.store.append(people[5].personalId, 1, [movedPermanently(people[5], address(50), '2026-02-02T03:00:00.000Z', testUuid(9))], { meta: meta() });
    await identity.seal();
    const beyond = expectCode(await ops(['republish', 'identity', '--from', '17'], env), 2);
    expect(beyond.stderr).toBe('error [REFUSED]: --from 17 is beyond the head of the identity store (position 16)\n');
    const unpublished = expectCode(await ops(['republish', 'identity', '--from', '10', '--to', '16'], env), 2);
    expect(unpublished.stderr).toBe(
      'error [REFUSED]: the relay has published up to position 15 only: the positions after it are still on their way (the relay sends them itself, in order)\n',
    );
    const backwards = expectCode(await ops(['republish', 'identity', '--from', '5', '--to', '4'], env), 2);
    expect(backwards.stderr).toBe('error [REFUSED]: --to 4 is before --from 5\n');

    await identity.sql('DELETE FROM relay_checkpoints');
    const never = expectCode(await ops(['republish', 'identity', '--from', '1'], env), 2);
    expect(never.stderr).toContain(`error [REFUSED]: the relay of ${identity.db.name} has published nothing yet (no checkpoint)`);
    expect(never.stderr).toContain('check that DATABASE_URL, IDENTITY_DATABASE and D06_TOPIC_PREFIX point at the same stack');
    await new Promise((r) => setTimeout(r, 500));
    expect(received.length).toBe(before);
  });
});
