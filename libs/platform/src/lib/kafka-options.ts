import { logLevel, type KafkaConfig } from 'kafkajs';

/**
 * kafkajs settings tuned for fast recovery on small machines: retry quickly while a broker is
 * restarting, detect a dead consumer within seconds (session 6 s, heartbeat 1 s).
 */
export function kafkaClientConfig(clientId: string, brokers: string[]): KafkaConfig {
  return {
    clientId,
    brokers,
    logLevel: logLevel.ERROR,
    connectionTimeout: 3000,
    requestTimeout: 10_000,
    retry: { initialRetryTime: 200, maxRetryTime: 3000, retries: 8 },
  };
}

export const CONSUMER_TIMINGS = {
  sessionTimeout: 6000,
  heartbeatInterval: 1000,
  rebalanceTimeout: 10_000,
  // The broker answers a fetch as soon as one byte is there (minBytes 1), so this bounds only
  // the polling of an idle consumer: at 50 ms the idle stack spent a third of a core on empty
  // fetches, and a request waited no less.
  maxWaitTimeInMs: 500,
  allowAutoTopicCreation: false,
} as const;
