import { Kafka } from 'kafkajs';
import { ensureTopics } from '@d06/event-sourcing';
import { kafkaClientConfig } from './kafka-options';

/**
 * Creates the platform's topics under `prefix` when missing (the broker does not create topics
 * on its own) and waits until each partition has a leader. Event topics and their dead-letter
 * topics keep messages forever; request/reply topics keep them a day. Apps call it at start;
 * two apps racing is harmless.
 */
export async function ensurePlatformTopics(brokers: string[], prefix: string, partitions: number, replicationFactor = 1): Promise<void> {
  await ensureTopics(new Kafka(kafkaClientConfig('d06-topic-admin', brokers)), prefix, {
    partitions,
    replicationFactor,
    rpcRetentionMs: 24 * 3600 * 1000,
  });
}
