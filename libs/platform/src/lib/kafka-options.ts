import { logLevel, type KafkaConfig } from 'kafkajs';

/**
 * kafkajs settings tuned for fast recovery on small machines: retry quickly while a broker is
 * restarting, detect a dead consumer within seconds (session 6 s, heartbeat 1 s), short fetch
 * waits so request/reply stays in milliseconds.
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
  maxWaitTimeInMs: 50,
  allowAutoTopicCreation: false,
} as const;
