import type { Kafka, Message, Producer, TopicMessages } from 'kafkajs';
import { HEADERS, type EventEnvelope } from '@d06/contracts';
import { errorMessage } from './errors';
import type { EventStore } from './event-store';
import { stderrLogger, type Logger } from './logger';
import { backoffDelay, WakeSignal } from './signal';
import { execute, queryOne } from './sql';

/** Picks the topic of an event (identity: `CitizenDataAccessed` to audit.events, the rest to its own). */
export type TopicRouter = (envelope: EventEnvelope) => string;

export interface RelayOptions {
  store: EventStore;
  kafka: Kafka;
  router: TopicRouter;
  /** Checkpoint name (default 'kafka'); a second relay to elsewhere would use another. */
  name?: string;
  /** Events per Kafka batch (default 500). */
  batchSize?: number;
  /** How often to look for newly sealed events when nobody pokes (default 250 ms; the sealer pokes it after each batch). */
  pollIntervalMs?: number;
  /** Longest pause between attempts while Kafka is down (default 5000 ms). */
  maxBackoffMs?: number;
  /** Timeout of one send, broker acknowledgement included (default 30000 ms). */
  sendTimeoutMs?: number;
  logger?: Logger;
}

export interface RelayStatus {
  running: boolean;
  kafka: 'up' | 'down' | 'unknown';
  checkpoint: number;
  publishedTotal: number;
  lastPublishedAt: string | null;
  lastError: string | null;
}

/** The envelope exactly as hashed, keys in CONTRACT.md order: what goes on the wire. */
export function envelopeToMessage(envelope: EventEnvelope): Message {
  const value: EventEnvelope = {
    eventId: envelope.eventId,
    service: envelope.service,
    type: envelope.type,
    schemaVersion: envelope.schemaVersion,
    streamId: envelope.streamId,
    streamVersion: envelope.streamVersion,
    position: envelope.position,
    occurredAt: envelope.occurredAt,
    correlationId: envelope.correlationId,
    causationId: envelope.causationId,
    actor: envelope.actor,
    data: envelope.data,
    prevHash: envelope.prevHash,
    hash: envelope.hash,
  };
  return {
    key: envelope.streamId,
    value: JSON.stringify(value),
    headers: {
      [HEADERS.correlationId]: envelope.correlationId,
      [HEADERS.eventType]: envelope.type,
      [HEADERS.eventId]: envelope.eventId,
      [HEADERS.service]: envelope.service,
    },
  };
}

/**
 * The outbox relay: publishes sealed events in position order and moves its checkpoint only
 * after the broker acknowledged them (acks=-1: all in-sync replicas). A crash between the ack
 * and the checkpoint re-sends that batch on restart: duplicates, which consumers ignore by event
 * id, but never a loss. One request in flight keeps each key's events in order across retries.
 * Kafka being away is a state, not a crash: the relay reports `kafka: 'down'` and keeps trying.
 */
export class Relay {
  private readonly options: RelayOptions;
  private readonly name: string;
  private readonly batchSize: number;
  private readonly logger: Logger;
  private readonly signal = new WakeSignal();
  private producer: Producer | undefined;
  private connected = false;
  private running = false;
  private loop: Promise<void> | undefined;
  private checkpointValue: number | undefined;
  private state: RelayStatus = {
    running: false,
    kafka: 'unknown',
    checkpoint: 0,
    publishedTotal: 0,
    lastPublishedAt: null,
    lastError: null,
  };

  constructor(options: RelayOptions) {
    this.options = options;
    this.name = options.name ?? 'kafka';
    this.batchSize = options.batchSize ?? 500;
    this.logger = options.logger ?? stderrLogger;
  }

  get checkpointName(): string {
    return this.name;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.state.running = true;
    // Re-read on every start: another replica may have moved it while we were not leading.
    this.checkpointValue = undefined;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    if (this.running) {
      this.running = false;
      this.state.running = false;
      this.signal.poke();
      await this.loop;
      this.loop = undefined;
    }
    await this.disconnect();
  }

  poke(): void {
    this.signal.poke();
  }

  status(): RelayStatus {
    return { ...this.state };
  }

  /** The stored checkpoint: every position up to it has been acknowledged by the broker. */
  async checkpoint(): Promise<number> {
    const row = await queryOne<{ position: string }>(
      this.options.store.dataSource,
      'SELECT position FROM relay_checkpoints WHERE name = $1',
      [this.name],
    );
    return Number(row?.position ?? 0);
  }

  /** Publishes the next batch after the checkpoint; returns how many events it published. */
  async publishOnce(): Promise<number> {
    if (this.checkpointValue === undefined) this.checkpointValue = await this.checkpoint();
    const events = await this.options.store.readAll(this.checkpointValue, this.batchSize, { upcast: false });
    if (events.length === 0) return 0;
    await this.send(events);
    const last = events[events.length - 1].position;
    // GREATEST: a relay that lost leadership without noticing must not move it backwards.
    await execute(
      this.options.store.dataSource,
      `INSERT INTO relay_checkpoints (name, position) VALUES ($1, $2)
       ON CONFLICT (name) DO UPDATE SET position = GREATEST(relay_checkpoints.position, EXCLUDED.position), updated_at = now()`,
      [this.name, last],
    );
    this.checkpointValue = last;
    this.state.checkpoint = last;
    this.state.publishedTotal += events.length;
    this.state.lastPublishedAt = new Date().toISOString();
    return events.length;
  }

  /**
   * Re-sends events from `fromPosition` (inclusive) up to `toPosition` (default: the head)
   * without touching the checkpoint: the operator's `republish`. Consumers ignore what they saw.
   */
  async republish(fromPosition: number, toPosition = Number.MAX_SAFE_INTEGER): Promise<number> {
    let after = Math.max(0, fromPosition - 1);
    let count = 0;
    for (;;) {
      const events = (await this.options.store.readAll(after, this.batchSize, { upcast: false })).filter(
        (e) => e.position <= toPosition,
      );
      if (events.length === 0) return count;
      await this.send(events);
      count += events.length;
      after = events[events.length - 1].position;
    }
  }

  private async send(events: readonly EventEnvelope[]): Promise<void> {
    const producer = await this.connect();
    const byTopic = new Map<string, Message[]>();
    for (const event of events) {
      const topic = this.options.router(event);
      const list = byTopic.get(topic) ?? [];
      list.push(envelopeToMessage(event));
      byTopic.set(topic, list);
    }
    const topicMessages: TopicMessages[] = [...byTopic].map(([topic, messages]) => ({ topic, messages }));
    try {
      await producer.sendBatch({ topicMessages, acks: -1, timeout: this.options.sendTimeoutMs ?? 30_000 });
      this.state.kafka = 'up';
    } catch (err) {
      this.state.kafka = 'down';
      throw err;
    }
  }

  private async connect(): Promise<Producer> {
    if (!this.producer) {
      this.producer = this.options.kafka.producer({
        allowAutoTopicCreation: false,
        maxInFlightRequests: 1,
        // Our own loop retries forever with back-off; kafkajs' retries only smooth small blips.
        retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1000 },
      });
    }
    if (!this.connected) {
      try {
        await this.producer.connect();
        this.connected = true;
      } catch (err) {
        this.state.kafka = 'down';
        throw err;
      }
    }
    return this.producer;
  }

  private async disconnect(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    this.connected = false;
    if (producer) await producer.disconnect().catch(() => undefined);
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      try {
        const n = await this.publishOnce();
        if (failures > 0) this.logger.info('relay recovered', { relay: this.name, after: failures });
        failures = 0;
        this.state.lastError = null;
        if (n === this.batchSize) continue;
        await this.signal.wait(this.options.pollIntervalMs ?? 250);
      } catch (err) {
        failures += 1;
        this.state.lastError = errorMessage(err);
        this.logger.warn('relay batch failed; will retry from the checkpoint', {
          relay: this.name,
          kafka: this.state.kafka,
          error: this.state.lastError,
          failures,
        });
        // A producer that failed may hold broken connections; start it afresh after a few tries.
        if (failures % 5 === 0) await this.disconnect();
        await this.signal.wait(backoffDelay(failures, 100, 2, this.options.maxBackoffMs ?? 5000));
      }
    }
  }
}
