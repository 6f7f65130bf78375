import { Kafka, logLevel } from 'kafkajs';
import { topicNames, type TopicNames } from '@d06/contracts';
import { kafkaClientConfig } from '@d06/platform';
import { OpsError, messageOf } from './ops-errors';
import type { OpsContext } from './ops-context';

/**
 * A Kafka client for one command. kafkajs' own logging is off (the CLI says what went wrong in
 * one line instead), and it gives up after a few quick retries rather than the services'
 * patient ones: an operator waiting on a dead broker wants to know now.
 */
export function opsKafka(ctx: OpsContext, purpose: string): Kafka {
  const config = ctx.config;
  return new Kafka({
    ...kafkaClientConfig(`d06-ops-${purpose}`, [...config.kafkaBrokers]),
    logLevel: logLevel.NOTHING,
    connectionTimeout: Math.min(config.connectTimeoutMs, 10_000),
    retry: { initialRetryTime: 200, maxRetryTime: 2000, retries: 3 },
  });
}

export function opsTopics(ctx: OpsContext): TopicNames {
  return topicNames(ctx.config.topicPrefix);
}

/**
 * Checks the broker answers and every topic we are about to write exists (brokers do not create
 * topics; a send to a missing one fails obscurely after its retries).
 */
export async function requireTopics(ctx: OpsContext, kafka: Kafka, topics: readonly string[]): Promise<void> {
  const admin = kafka.admin();
  const brokers = ctx.config.kafkaBrokers.join(',');
  try {
    await admin.connect();
  } catch (err) {
    throw new OpsError('KAFKA_UNREACHABLE', `cannot reach Kafka at ${brokers} (${messageOf(err)}): is it running, and is KAFKA_BROKERS right?`);
  }
  try {
    let existing: Set<string>;
    try {
      existing = new Set(await admin.listTopics());
    } catch (err) {
      throw new OpsError('KAFKA_UNREACHABLE', `cannot list the topics on ${brokers}: ${messageOf(err)}`);
    }
    const missing = [...new Set(topics)].filter((t) => !existing.has(t));
    if (missing.length > 0) {
      throw new OpsError(
        'TOPIC_MISSING',
        `topic${missing.length > 1 ? 's' : ''} ${missing.join(', ')} not found on ${brokers}: the services create them when they start (check D06_TOPIC_PREFIX)`,
      );
    }
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

export function kafkaSendError(ctx: OpsContext, err: unknown): OpsError {
  return new OpsError('KAFKA_UNREACHABLE', `sending to Kafka at ${ctx.config.kafkaBrokers.join(',')} failed: ${messageOf(err)}`);
}
