import type { ServiceName } from './topics';

/** Who caused an event: the OAuth client, and the end user where the caller names one. */
export interface Actor {
  clientId: string;
  subject?: string;
}

/**
 * The event envelope of CONTRACT.md §3, as stored, published on Kafka and hashed.
 * `hash` = lowercase hex SHA-256 of the RFC 8785 canonical JSON of the envelope without `hash`;
 * `prevHash` = the hash at `position - 1` of the same service (64 zeros at position 1).
 */
export interface EventEnvelope<TType extends string = string, TData = unknown> {
  eventId: string;
  service: ServiceName;
  type: TType;
  schemaVersion: number;
  streamId: string;
  streamVersion: number;
  position: number;
  occurredAt: string;
  correlationId: string;
  causationId: string | null;
  actor: Actor;
  data: TData;
  prevHash: string;
  hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);

/** Request metadata carried from the gateway into every event a request causes. */
export interface RequestMeta {
  correlationId: string;
  actor: Actor;
  /** The id of the message that caused this one (request id or consumed event id). */
  causationId?: string | null;
  /**
   * Epoch milliseconds after which the caller no longer waits for the answer (it said 503).
   * A service skips a request received after it, so a client's retry cannot run it twice.
   */
  deadline?: number;
  /**
   * Stable id of the client's request across retries (derived from client + Idempotency-Key).
   * A service derives the ids of what the request creates from it, so a retry whose first
   * attempt ran late finds what that attempt created instead of creating it again.
   */
  requestId?: string;
}

/** Kafka header names used across the platform. */
export const HEADERS = {
  correlationId: 'x-correlation-id',
  eventType: 'x-event-type',
  service: 'x-service',
  eventId: 'x-event-id',
  dlqError: 'x-dlq-error',
  dlqSourceTopic: 'x-dlq-source-topic',
  dlqSourcePartition: 'x-dlq-source-partition',
  dlqSourceOffset: 'x-dlq-source-offset',
  dlqConsumerGroup: 'x-dlq-consumer-group',
  dlqFailedAt: 'x-dlq-failed-at',
  dlqAttempts: 'x-dlq-attempts',
} as const;
