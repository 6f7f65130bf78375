import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { Kafka, logLevel, type ISocketFactory, type KafkaMessage } from 'kafkajs';
import { Registry } from 'prom-client';
import { topicNames, type EventEnvelope } from '@d06/contracts';
import { deleteTopicsWithPrefix, eventually, testInfra, testKafka, uniqueTopicPrefix } from '@d06/testing';
import { createStoreHarness, meta, type StoreHarness } from '../testing/harness';
import { EventPipeline } from './event-pipeline';
import { ChainVerifier } from './hash-chain';
import { ensureTopics } from './kafka-topics';
import { quietLogger } from './logger';
import { Relay } from './relay';
import { Sealer } from './sealer';

jest.setTimeout(120_000);

const repoRoot = path.resolve(__dirname, '../../../..');
const relayScript = path.resolve(__dirname, '../testing/relay-process.ts');

function startRelayProcess(url: string, brokers: string[], prefix: string, killAfterBatch?: number): ChildProcess {
  const args = [relayScript, url, brokers.join(','), prefix, ...(killAfterBatch ? [String(killAfterBatch)] : [])];
  const child = spawn(process.execPath, ['-r', '@swc-node/register', ...args], {
    cwd: repoRoot,
    env: { ...process.env, SWC_NODE_PROJECT: 'tsconfig.base.json' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr?.on('data', (d: Buffer) => process.stderr.write(`[relay child] ${d.toString()}`));
  return child;
}

function killed(child: ChildProcess): Promise<NodeJS.Signals | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.signalCode);
    else child.once('exit', (_code, signal) => resolve(signal));
  });
}

/** Reads every message of `topics` from the beginning until `enough` says so. */
async function readTopics(kafka: Kafka, topics: string[], enough: (messages: KafkaMessage[]) => boolean): Promise<KafkaMessage[]> {
  const messages: KafkaMessage[] = [];
  const consumer = kafka.consumer({ groupId: `reader-${Math.random().toString(16).slice(2)}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void messages.push(message) });
    await eventually(() => enough(messages), { timeoutMs: 60_000, intervalMs: 100, what: 'all messages on the topics' });
    return messages;
  } finally {
    await consumer.disconnect();
  }
}

async function relayCheckpoint(h: StoreHarness): Promise<number> {
  const rows = await h.dataSource.query(`SELECT position FROM relay_checkpoints WHERE name = 'kafka'`);
  return rows.length ? Number(rows[0].position) : 0;
}

describe('Relay (Postgres + Kafka)', () => {
  const infra = testInfra();
  const kafka = testKafka(infra);
  const prefix = uniqueTopicPrefix('es_relay');
  const topics = topicNames(prefix);
  let h: StoreHarness;

  beforeAll(async () => {
    h = await createStoreHarness('es_relay', { poolSize: 6 });
    await ensureTopics(kafka, prefix, { partitions: 3 });
  });

  afterAll(async () => {
    await h?.close();
    await deleteTopicsWithPrefix(prefix, infra);
  });

  it('ensureTopics creates the platform topics once, event topics kept forever, and tolerates racing callers', async () => {
    expect(await ensureTopics(kafka, prefix)).toEqual([]);
    const admin = kafka.admin();
    await admin.connect();
    try {
      const configs = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: 2, name: topics.events('identity'), configNames: ['retention.ms'] }],
      });
      expect(configs.resources[0].configEntries[0].configValue).toBe('-1');
    } finally {
      await admin.disconnect();
    }
    const racing = uniqueTopicPrefix('es_race');
    try {
      const results = await Promise.all([ensureTopics(kafka, racing), ensureTopics(kafka, racing), ensureTopics(kafka, racing)]);
      expect(new Set(results.flat()).size).toBeLessThanOrEqual(results.flat().length);
      expect(await ensureTopics(kafka, racing)).toEqual([]);
    } finally {
      await deleteTopicsWithPrefix(racing, infra);
    }
  });

  it('relay killed with SIGKILL mid-publish, then restarted: every committed event is on the topic, per-key order kept', async () => {
    const sealer = new Sealer({ store: h.store, logger: quietLogger });
    sealer.start();
    const streams = 40;
    const rounds = 75;
    let writing = true;
    const round = (r: number) =>
      Promise.all(
        Array.from({ length: streams }, (_, s) =>
          h.store.append(`citizen-${s}`, 'any', [{ type: s % 10 === 0 ? 'CitizenDataAccessed' : 'CitizenChanged', data: { s, r } }], {
            meta,
          }),
        ),
      );
    // A backlog first, so that the relay is busy publishing (not idle) when it is killed...
    for (let r = 0; r < 40; r++) await round(r);
    await sealer.sealAll();
    // ...and writers keep appending while it is killed and restarted (3,000 events in all).
    const writers = (async () => {
      for (let r = 40; r < rounds; r++) {
        await round(r);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      writing = false;
    })();

    // 1. Killed at the worst moment: the broker acknowledged batch 25, the checkpoint is not stored.
    const first = startRelayProcess(h.db.url, infra.kafkaBrokers, prefix, 25);
    expect(await killed(first)).toBe('SIGKILL');
    expect(await relayCheckpoint(h)).toBe(24 * 20);
    // 2. Killed from outside at whatever point it has reached while busy with the backlog.
    const second = startRelayProcess(h.db.url, infra.kafkaBrokers, prefix);
    await eventually(async () => (await relayCheckpoint(h)) >= 1000, { timeoutMs: 60_000, intervalMs: 10, what: 'the relay to publish' });
    second.kill('SIGKILL');
    expect(await killed(second)).toBe('SIGKILL');
    const atKill = await relayCheckpoint(h);
    const headAtKill = (await h.store.head())!.position;
    // 3. Restarted: resumes from the checkpoint and catches up with the writers.
    const third = startRelayProcess(h.db.url, infra.kafkaBrokers, prefix);
    try {
      await writers;
      expect(writing).toBe(false);
      await sealer.sealAll();
      const head = (await h.store.head())!.position;
      expect(atKill).toBeLessThan(headAtKill);
      await eventually(async () => (await relayCheckpoint(h)) === head, { timeoutMs: 60_000, what: 'the restarted relay to catch up' });
    } finally {
      third.kill('SIGKILL');
      await killed(third);
      await sealer.stop();
    }

    const committed = await h.store.readAll(0, 100_000, { upcast: false });
    expect(committed).toHaveLength(streams * rounds);
    const wanted = new Set(committed.map((e) => e.eventId));
    const messages = await readTopics(kafka, [topics.events('identity'), topics.audit], (ms) => {
      const ids = new Set(ms.map((m) => (JSON.parse(m.value!.toString()) as EventEnvelope).eventId));
      return [...wanted].every((id) => ids.has(id));
    });

    const byKey = new Map<string, EventEnvelope[]>();
    for (const m of messages) {
      const envelope = JSON.parse(m.value!.toString()) as EventEnvelope;
      expect(m.key!.toString()).toBe(envelope.streamId);
      expect(m.headers!['x-event-id']!.toString()).toBe(envelope.eventId);
      expect(m.headers!['x-correlation-id']!.toString()).toBe(meta.correlationId);
      const list = byKey.get(envelope.streamId) ?? [];
      list.push(envelope);
      byKey.set(envelope.streamId, list);
    }
    // Per key, in the order Kafka holds them: first sightings go 1, 2, 3, ... (re-sends only repeat).
    for (const [key, list] of byKey) {
      const firstSeen: number[] = [];
      const ids = new Set<string>();
      for (const e of list) {
        if (ids.has(e.eventId)) continue;
        ids.add(e.eventId);
        firstSeen.push(e.streamVersion);
      }
      expect({ key, versions: firstSeen }).toEqual({ key, versions: firstSeen.map((_, i) => i + 1) });
    }
    const duplicates = messages.length - wanted.size;
    // The batch acknowledged but not checkpointed by the first process was sent again.
    expect(duplicates).toBeGreaterThanOrEqual(20);
    process.stdout.write(
      `relay SIGKILL test: killed at checkpoint ${atKill} of ${headAtKill}; ${messages.length} messages for ${wanted.size} events (${duplicates} re-sent)\n`,
    );

    // Anyone holding the topics can check the chain without our database (CONTRACT.md §3).
    const byPosition = new Map<number, EventEnvelope>();
    for (const m of messages) {
      const e = JSON.parse(m.value!.toString()) as EventEnvelope;
      byPosition.set(e.position, e);
    }
    const verifier = new ChainVerifier();
    for (const e of [...byPosition.values()].sort((a, b) => a.position - b.position)) expect(verifier.check(e)).toBeNull();
    expect(verifier.count).toBe(streams * rounds);
  });

  it('survives the broker going away: reports kafka down, keeps trying, resumes and loses nothing', async () => {
    const local = await createStoreHarness('es_outage', { poolSize: 4 });
    const localPrefix = uniqueTopicPrefix('es_outage');
    const outage = { down: false, sockets: new Set<net.Socket>() };
    const socketFactory: ISocketFactory = ({ host, port, onConnect }) => {
      const socket = net.connect({ host, port }, onConnect);
      outage.sockets.add(socket);
      socket.on('close', () => outage.sockets.delete(socket));
      if (outage.down) setImmediate(() => socket.destroy(new Error('simulated broker outage')));
      return socket;
    };
    const flaky = new Kafka({ clientId: 'flaky', brokers: infra.kafkaBrokers, logLevel: logLevel.NOTHING, socketFactory, retry: { retries: 1 } });
    const registry = new Registry();
    await ensureTopics(kafka, localPrefix, { partitions: 1 });
    const t = topicNames(localPrefix);
    const pipeline = new EventPipeline({
      store: local.store,
      kafka: flaky,
      router: () => t.events('identity'),
      registry,
      relay: { maxBackoffMs: 300, sendTimeoutMs: 2000 },
      logger: quietLogger,
    });
    pipeline.start();
    try {
      await local.store.append('o', 'no-stream', [{ type: 'Before', data: {} }], { meta });
      await eventually(async () => (await pipeline.status()).relays[0]?.checkpoint === 1, { what: 'first publish' });
      expect((await pipeline.status()).kafka).toBe('up');

      outage.down = true;
      for (const s of outage.sockets) s.destroy(new Error('simulated broker outage'));
      for (let i = 0; i < 5; i++) await local.store.append('o', 'any', [{ type: 'During', data: { i } }], { meta });
      await eventually(async () => (await pipeline.status()).kafka === 'down', { timeoutMs: 30_000, what: 'kafka: down' });
      const during = await pipeline.status();
      expect(during).toMatchObject({ leader: true, lastSealedPosition: 6, relays: [{ name: 'kafka', checkpoint: 1, lag: 5 }] });
      expect(during.relay?.lastError).toBeTruthy();
      const metrics = await registry.metrics();
      expect(metrics).toMatch(/event_relay_lag_events\{service="identity",relay="kafka"\} 5/);
      expect(metrics).toMatch(/event_relay_kafka_up\{service="identity",relay="kafka"\} 0/);
      expect(metrics).toMatch(/event_store_unsealed_events\{service="identity"\} 0/);

      outage.down = false;
      await eventually(async () => (await pipeline.status()).relays[0]?.checkpoint === 6, { timeoutMs: 30_000, what: 'relay to resume' });
      expect((await pipeline.status()).kafka).toBe('up');
      const messages = await readTopics(kafka, [t.events('identity')], (ms) => new Set(ms.map((m) => m.offset)).size >= 6);
      const versions = messages.map((m) => (JSON.parse(m.value!.toString()) as EventEnvelope).streamVersion);
      expect([...new Set(versions)]).toEqual([1, 2, 3, 4, 5, 6]);
    } finally {
      await pipeline.stop();
      await local.close();
      await deleteTopicsWithPrefix(localPrefix, infra);
    }
  });

  it('republish re-sends a range without moving the checkpoint', async () => {
    const relay = new Relay({ store: h.store, kafka, router: () => topics.events('identity'), logger: quietLogger });
    const before = await relay.checkpoint();
    try {
      expect(await relay.republish(5, 14)).toBe(10);
      expect(await relay.checkpoint()).toBe(before);
    } finally {
      await relay.stop();
    }
  });
});
