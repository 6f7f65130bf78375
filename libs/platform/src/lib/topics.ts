import { Kafka } from 'kafkajs';
import { allTopics } from '@d06/contracts';
import { kafkaClientConfig } from './kafka-options';

/**
 * Creates the platform's topics under `prefix` when missing (the broker does not create topics
 * on its own). Event topics and their dead-letter topics keep messages forever; request/reply
 * topics keep them a day. Apps call it at start; two apps racing is harmless.
 */
export async function ensurePlatformTopics(brokers: string[], prefix: string, partitions: number, replicationFactor = 1): Promise<void> {
  const admin = new Kafka(kafkaClientConfig('d06-topic-admin', brokers)).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = allTopics(prefix).filter(({ topic }) => !existing.has(topic));
    if (missing.length === 0) return;
    await admin
      .createTopics({
        waitForLeaders: true,
        topics: missing.map(({ topic, keepForever }) => ({
          topic,
          numPartitions: partitions,
          replicationFactor,
          configEntries: keepForever
            ? [{ name: 'retention.ms', value: '-1' }, { name: 'retention.bytes', value: '-1' }]
            : [{ name: 'retention.ms', value: String(24 * 3600 * 1000) }],
        })),
      })
      .catch((err: { type?: string; message?: string }) => {
        // Another app created them between our list and create.
        if (err.type !== 'TOPIC_ALREADY_EXISTS' && !/already exists/i.test(err.message ?? '')) throw err;
      });
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
