import type { ITopicConfig, Kafka } from 'kafkajs';
import { allTopics } from '@d06/contracts';
import { sleep } from './signal';

export interface EnsureTopicsOptions {
  partitions?: number;
  replicationFactor?: number;
  /** Retention of the request/reply topics (default 1 h); event topics and DLQs keep forever. */
  rpcRetentionMs?: number;
  timeoutMs?: number;
}

function isAlreadyExists(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const nested = (err as { errors?: unknown[] }).errors ?? [];
  const all = [err, ...nested];
  return all.some((e) => {
    const type = (e as { type?: unknown }).type;
    return type === 'TOPIC_ALREADY_EXISTS' || (e instanceof Error && /already exists/i.test(e.message));
  });
}

/**
 * Creates the platform topics of CONTRACT.md §3 under `prefix` when missing (auto-creation is
 * off on the brokers). Event topics and their DLQs keep messages forever (`retention.ms=-1`):
 * together they are a second, independently checkable copy of every hash chain. Services that
 * start together race here; "already exists" is success.
 */
export async function ensureTopics(kafka: Kafka, prefix: string, options: EnsureTopicsOptions = {}): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const wanted = allTopics(prefix);
    const deadline = Date.now() + (options.timeoutMs ?? 30_000);
    const created: string[] = [];
    for (let attempt = 1; ; attempt++) {
      const existing = new Set(await admin.listTopics());
      const missing: ITopicConfig[] = wanted
        .filter(({ topic }) => !existing.has(topic))
        .map(({ topic, keepForever }) => ({
          topic,
          numPartitions: options.partitions ?? 3,
          replicationFactor: options.replicationFactor ?? 1,
          configEntries: [
            { name: 'retention.ms', value: keepForever ? '-1' : String(options.rpcRetentionMs ?? 3_600_000) },
            ...(keepForever ? [{ name: 'retention.bytes', value: '-1' }] : []),
          ],
        }));
      if (missing.length === 0) break;
      try {
        await admin.createTopics({ topics: missing, waitForLeaders: false, timeout: options.timeoutMs ?? 30_000 });
        created.push(...missing.map((t) => t.topic));
        break;
      } catch (err) {
        if (!isAlreadyExists(err) || Date.now() > deadline) throw err;
        // Another service created some of them meanwhile: look again and create the rest.
        await sleep(50 * attempt);
      }
    }
    await waitForLeaders(kafka, wanted.map((w) => w.topic), deadline);
    return created;
  } finally {
    await admin.disconnect();
  }
}

/**
 * A topic just created (by us or by a service starting next to us) has no partition leaders for
 * a moment, and producing to it then fails; wait until every partition has one.
 */
async function waitForLeaders(kafka: Kafka, topics: string[], deadline: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (;;) {
      try {
        const { topics: metadata } = await admin.fetchTopicMetadata({ topics });
        const ready = metadata.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0));
        if (ready) return;
      } catch (err) {
        if (Date.now() > deadline) throw err;
      }
      if (Date.now() > deadline) throw new Error(`topics have no leaders yet: ${topics.join(', ')}`);
      await sleep(100);
    }
  } finally {
    await admin.disconnect();
  }
}
