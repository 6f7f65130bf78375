import type { Consumer, EachBatchPayload, EachMessagePayload, IHeaders, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { Counter, type Registry } from 'prom-client';
import type { DataSource, EntityManager } from 'typeorm';
import { HEADERS, topicNames, type DomainEvent, type EventEnvelope } from '@d06/contracts';
import { systemClock, type Clock } from './clock';
import { errorMessage, EventSourcingError } from './errors';
import { parseEnvelope } from './envelope-parser';
import type { DataOf, Declared, TypeOf } from './projection';
import { stderrLogger, type Logger } from './logger';
import { backoffDelay, sleep } from './signal';
import { GroupCommitter } from './group-commit';
import { execute, isConnectionError, queryRows } from './sql';
import { UpcasterRegistry } from './upcaster-registry';

export type ConsumerHandler<TType extends string = string, TData = unknown> = (
  event: EventEnvelope<TType, TData>,
  manager: EntityManager,
) => Promise<void>;

export type ConsumerHandlers<E extends DomainEvent> = {
  [K in E['type']]?: ConsumerHandler<TypeOf<E, K>, DataOf<E, K>>;
};

/** Checks an event's `data` (at its current schema version); returns the problems found. */
export type PayloadValidator = (data: unknown) => readonly string[];

export interface RetryPolicy {
  /** Retries after the first failure before dead-lettering (default 3). */
  retries?: number;
  /** Delay before the first retry (default 100 ms); each next one `factor` times longer. */
  initialDelayMs?: number;
  /** Default 4: 100 ms, 400 ms, 1.6 s. */
  factor?: number;
  maxDelayMs?: number;
}

export interface EventConsumerOptions<E extends DomainEvent = DomainEvent> {
  dataSource: DataSource;
  kafka: Kafka;
  groupId: string;
  /** Key of this consumer in processed_events and dead_letters (default: groupId). */
  name?: string;
  topics: readonly string[];
  handlers: ConsumerHandlers<E>;
  /** Payload validators per event type. A type with neither handler nor entry in `ignoreTypes` is unknown. */
  validators?: Readonly<Record<string, PayloadValidator>>;
  /** Known types this consumer has no use for: acknowledged and skipped, not dead-lettered. */
  ignoreTypes?: readonly string[];
  upcasters?: UpcasterRegistry;
  retry?: RetryPolicy;
  /** Partitions handled in parallel (each one still strictly in order). Default 3. */
  partitionsConsumedConcurrently?: number;
  /** A new group starts at the beginning of the topics (default true: read models need the history). */
  fromBeginning?: boolean;
  /** Where dead letters go (default `<topic>.dlq`). */
  dlqTopic?: (topic: string) => string;
  /** Refuse messages whose content does not match their hash (default true). */
  checkHash?: boolean;
  registry?: Registry;
  logger?: Logger;
  clock?: Clock;
  /** Kafka group session timeout (default 10 s); retries of one message must fit well within it. */
  sessionTimeoutMs?: number;
  /**
   * How long the broker may hold a fetch to gather more events (Kafka's fetch.max.wait.ms with a
   * large fetch.min.bytes). Default 0: each fetch is answered as soon as one event is there, and an
   * idle consumer polls every 500 ms. With a window, a steady trickle of events comes in one batch
   * (one transaction) per window, at the price of an idle poll per window and up to the window
   * added to the propagation lag (contract: 2 s). On the 2-vCPU VMs measured the idle polls cost
   * as much as the batching saved at moderate load (bench/README.md), hence off by default.
   */
  fetchWindowMs?: number;
  /**
   * Offsets are committed at most this often (default 500 ms), and once more on stop, not after
   * every batch: a redelivery after a crash or a rebalance is harmless (processed_events), an
   * OffsetCommit per batch is not free.
   */
  commitIntervalMs?: number;
}

export type MessageOutcome = 'handled' | 'duplicate' | 'ignored' | 'dead-lettered';

export interface DeadLetter {
  id: number;
  consumer: string;
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
  error: string;
  attempts: number;
  failedAt: Date;
  retriedAt: Date | null;
  retryError: string | null;
}

export interface RetryDeadLettersResult {
  retried: number;
  failed: { id: number; error: string }[];
}

/** Raised inside a handler loop when the consumer is stopping: the offset must not be committed. */
export class ConsumerStoppingError extends EventSourcingError {
  readonly code = 'CONSUMER_STOPPING';
  constructor() {
    super('consumer is stopping');
    this.name = 'ConsumerStoppingError';
  }
}

interface SourceMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

/** One partition's batch, ready to apply: its events that have a handler, in order. */
interface PartitionWork {
  partitionKey: string;
  work: { envelope: EventEnvelope; handler: ConsumerHandler }[];
}

const partitionKey = (topic: string, partition: number) => `${topic}:${partition}`;

type Checked = { ok: true; envelope: EventEnvelope; handler: ConsumerHandler | undefined } | { ok: false; error: string };

function headersToRecord(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) out[name] = typeof first === 'string' ? first : first.toString('utf8');
  }
  return out;
}

/**
 * Consumes other services' event topics into this service's read model.
 *
 * Per message: parse and validate (malformed or unknown -> straight to the DLQ), then in ONE
 * transaction record the event id in processed_events for this consumer and run the handler
 * with that transaction's manager: a redelivered event finds its id and changes nothing. A
 * failing handler is retried with exponential back-off, then the message goes to `<topic>.dlq`
 * with the error in its headers and to the dead_letters table, and the consumer carries on.
 * Database outages are not the message's fault: those are retried until the database is back
 * (the partition waits), never dead-lettered.
 */
export class EventConsumer<E extends DomainEvent = DomainEvent> {
  readonly name: string;
  private readonly options: EventConsumerOptions<E>;
  private readonly handlers = new Map<string, ConsumerHandler>();
  private readonly ignored: Set<string>;
  private readonly upcasters: UpcasterRegistry;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly counter: Counter<'consumer' | 'outcome'> | undefined;
  private consumer: Consumer | undefined;
  private producer: Producer | undefined;
  private running = false;
  /** The partitions' batches of one fetch, applied together in one transaction. */
  private readonly group: GroupCommitter<PartitionWork, Set<string>>;
  /** Next offset to consume per partition, handled but not yet committed. */
  private readonly uncommitted = new Map<string, { topic: string; partition: number; offset: string }>();
  private commitTimer: NodeJS.Timeout | undefined;
  private committing: Promise<void> = Promise.resolve();

  constructor(options: EventConsumerOptions<Declared<E>>) {
    this.options = options;
    this.name = options.name ?? options.groupId;
    for (const [type, handler] of Object.entries(options.handlers)) {
      if (typeof handler === 'function') this.handlers.set(type, handler as ConsumerHandler);
    }
    this.ignored = new Set(options.ignoreTypes ?? []);
    this.upcasters = options.upcasters ?? new UpcasterRegistry();
    this.logger = options.logger ?? stderrLogger;
    this.clock = options.clock ?? systemClock;
    if (options.registry) {
      const name = 'event_consumer_messages_total';
      const existing = options.registry.getSingleMetric(name);
      this.counter =
        existing instanceof Counter
          ? (existing as Counter<'consumer' | 'outcome'>)
          : new Counter({
              name,
              help: 'Consumed messages by outcome (handled, duplicate, ignored, dead-lettered)',
              labelNames: ['consumer', 'outcome'],
              registers: [options.registry],
            });
    }
    // kafkajs hands the partitions' batches of one fetch to its workers at once; one transaction
    // for all of them costs what one costs. Two may run at once, so a slow one does not stall
    // every partition behind it.
    this.group = new GroupCommitter<PartitionWork, Set<string>>({
      keyOf: (w) => w.partitionKey,
      sizeOf: (w) => w.work.length,
      runBatch: (items) => this.applyGroup(items),
      runOne: (item) => this.applyAll(item.work),
      maxInFlight: 2,
      maxSize: 2000,
    });
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    const fetchWindowMs = this.options.fetchWindowMs ?? 0;
    const consumer = this.options.kafka.consumer({
      groupId: this.options.groupId,
      allowAutoTopicCreation: false,
      // A replica that died hands its partitions over within seconds, not half a minute: read
      // models of other services (e.g. known citizens) must not lag a restart for long.
      sessionTimeout: this.options.sessionTimeoutMs ?? 10_000,
      heartbeatInterval: 1_000,
      // With a window, the broker answers when it has 1 MiB or the window is over: under a steady
      // trickle of events a fetch brings all of the window's, not one. Without, it answers as soon
      // as one event is there, and 500 ms bounds only the polling of an idle consumer.
      ...(fetchWindowMs > 0 ? { minBytes: 1 << 20, maxWaitTimeInMs: fetchWindowMs } : { maxWaitTimeInMs: 500 }),
    });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics: [...this.options.topics], fromBeginning: this.options.fromBeginning ?? true });
    await consumer.run({
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 3,
      // Offsets move only past what was handled: a batch cut short by a stop or a rebalance
      // must not be marked done. They are committed by a timer (see `handled`), not after every batch.
      eachBatchAutoResolve: false,
      autoCommit: false,
      eachBatch: (payload) => this.onBatch(payload),
    });
  }

  /** Marks a message handled: its offset is committed within commitIntervalMs. */
  private handled(topic: string, partition: number, offset: string): void {
    this.uncommitted.set(partitionKey(topic, partition), { topic, partition, offset: (BigInt(offset) + 1n).toString() });
    if (this.commitTimer || !this.running) return;
    this.commitTimer = setTimeout(() => {
      this.commitTimer = undefined;
      void this.commitNow();
    }, this.options.commitIntervalMs ?? 500);
  }

  /** Commits what is handled; one commit at a time. A failed commit is retried by the next one. */
  private commitNow(): Promise<void> {
    this.committing = this.committing.then(async () => {
      const consumer = this.consumer;
      if (!consumer || this.uncommitted.size === 0) return;
      const offsets = [...this.uncommitted.values()];
      this.uncommitted.clear();
      try {
        await consumer.commitOffsets(offsets);
      } catch (err) {
        // A rebalance or a broker restart: what was handled is handled (processed_events); the
        // worst case is a redelivery, so keep the offsets for the next commit unless newer came.
        for (const o of offsets) {
          const key = partitionKey(o.topic, o.partition);
          if (!this.uncommitted.has(key)) this.uncommitted.set(key, o);
        }
        this.logger.warn('offset commit failed; retried with the next one', { consumer: this.name, error: errorMessage(err) });
      }
    });
    return this.committing;
  }

  /**
   * A fetched batch of one partition. When every message in it is well-formed, they are handled
   * in ONE transaction (one processed_events insert for all, then each handler in order):
   * under load a transaction per event was most of a consumer's cost. Anything else (a
   * malformed message, a handler that fails, a duplicate key) falls back to one message at a
   * time, with its retries and dead-lettering; the failed batch rolled back, so nothing is
   * applied twice.
   */
  private async onBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const { topic, partition, messages } = batch;
    if (messages.length === 0) return;
    if (await this.tryBatch(topic, partition, messages)) {
      const last = messages[messages.length - 1].offset;
      resolveOffset(last);
      this.handled(topic, partition, last);
      await heartbeat();
      return;
    }
    for (const message of messages) {
      if (!isRunning() || isStale()) return;
      await this.onMessage({ topic, partition, message, heartbeat });
      resolveOffset(message.offset);
      this.handled(topic, partition, message.offset);
      await heartbeat();
    }
  }

  /**
   * The all-or-nothing fast path of onBatch, shared with the other partitions' batches that
   * arrive with it (see `group`); false when it did not apply (nothing changed).
   */
  private async tryBatch(topic: string, partition: number, messages: readonly KafkaMessage[]): Promise<boolean> {
    const work: { envelope: EventEnvelope; handler: ConsumerHandler | undefined }[] = [];
    for (const message of messages) {
      const checked = this.check(message.value ? message.value.toString('utf8') : null);
      if (!checked.ok) return false;
      work.push({ envelope: checked.envelope, handler: checked.handler });
    }
    const handled = work.filter((w): w is { envelope: EventEnvelope; handler: ConsumerHandler } => w.handler !== undefined);
    let claimed: Set<string>;
    try {
      claimed = handled.length === 0 ? new Set() : await this.group.submit({ partitionKey: partitionKey(topic, partition), work: handled });
    } catch {
      // The one-by-one path finds the culprit, waits out a database outage, and logs either.
      return false;
    }
    for (const w of work) {
      const outcome: MessageOutcome = !w.handler ? 'ignored' : claimed.has(w.envelope.eventId.toLowerCase()) ? 'handled' : 'duplicate';
      this.counter?.inc({ consumer: this.name, outcome });
    }
    return true;
  }

  /** Several partitions' batches in one transaction. */
  private async applyGroup(items: readonly PartitionWork[]): Promise<Set<string>[]> {
    const claimed = await this.applyAll(items.flatMap((i) => i.work));
    return items.map(() => claimed);
  }

  /**
   * One transaction: claim the events' ids for this consumer in processed_events, then run the
   * handlers of the events not seen before, in order. Returns the ids claimed (lower case): an
   * id already there is a redelivery and changes nothing. One event twice in `work` is refused
   * before anything runs: the insert would claim it once and its handler would run twice (the
   * callers fall back to one message at a time).
   */
  private async applyAll(
    work: readonly { envelope: EventEnvelope; handler: ConsumerHandler }[],
    alsoInTransaction?: (manager: EntityManager) => Promise<void>,
  ): Promise<Set<string>> {
    if (new Set(work.map((w) => w.envelope.eventId.toLowerCase())).size !== work.length) {
      throw new Error('one event twice in one transaction');
    }
    return this.options.dataSource.transaction(async (manager) => {
      const rows = await queryRows<{ event_id: string }>(
        manager,
        `INSERT INTO processed_events (consumer, event_id) SELECT $1, unnest($2::uuid[])
         ON CONFLICT (consumer, event_id) DO NOTHING RETURNING event_id`,
        [this.name, work.map((w) => w.envelope.eventId)],
      );
      const claimed = new Set(rows.map((r) => r.event_id.toLowerCase()));
      for (const w of work) {
        if (claimed.has(w.envelope.eventId.toLowerCase())) await w.handler(w.envelope, manager);
      }
      if (alsoInTransaction) await alsoInTransaction(manager);
      return claimed;
    });
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.commitTimer);
    this.commitTimer = undefined;
    const consumer = this.consumer;
    // Stop first (the batches in hand finish), commit what they handled, then leave the group.
    if (consumer) await consumer.stop().catch(() => undefined);
    await this.commitNow();
    this.consumer = undefined;
    if (consumer) await consumer.disconnect();
    const producer = this.producer;
    this.producer = undefined;
    if (producer) await producer.disconnect().catch(() => undefined);
  }

  private async onMessage({ topic, partition, message, heartbeat }: Pick<EachMessagePayload, 'topic' | 'partition' | 'message' | 'heartbeat'>): Promise<void> {
    const source: SourceMessage = {
      topic,
      partition,
      offset: message.offset,
      key: message.key ? message.key.toString('utf8') : null,
      value: message.value ? message.value.toString('utf8') : null,
      headers: headersToRecord(message.headers),
    };
    const outcome = await this.handle(source, heartbeat);
    this.counter?.inc({ consumer: this.name, outcome });
  }

  /** Parse, validate, look up the handler: everything that needs no retry to decide. */
  private check(value: string | null): Checked {
    // An event this consumer has no use for is acknowledged unread, so its content's hash is not
    // worth a SHA-256 (identity reads every residence event for the few approvals among them).
    const ignoredType = (type: string) => !this.handlers.has(type) && this.ignored.has(type);
    const parsed = parseEnvelope(value, { checkHash: (e) => (this.options.checkHash ?? true) && !ignoredType(e.type) });
    if (!parsed.ok) return parsed;
    if (ignoredType(parsed.envelope.type)) return { ok: true, envelope: parsed.envelope, handler: undefined };
    let envelope: EventEnvelope;
    try {
      envelope = this.upcasters.upcast(parsed.envelope);
    } catch (err) {
      return { ok: false, error: errorMessage(err) };
    }
    const handler = this.handlers.get(envelope.type);
    if (!handler && !this.ignored.has(envelope.type)) {
      return { ok: false, error: `unknown event type ${envelope.type} (schema v${envelope.schemaVersion})` };
    }
    const validator = this.options.validators?.[envelope.type];
    if (handler && validator) {
      const problems = validator(envelope.data);
      if (problems.length > 0) return { ok: false, error: `invalid ${envelope.type} payload: ${problems.join('; ')}` };
    }
    return { ok: true, envelope, handler };
  }

  private async handle(source: SourceMessage, heartbeat: () => Promise<void>): Promise<MessageOutcome> {
    const checked = this.check(source.value);
    if (!checked.ok) {
      this.logger.warn('malformed message: dead-lettering without retry', {
        consumer: this.name,
        topic: source.topic,
        partition: source.partition,
        offset: source.offset,
        error: checked.error,
      });
      await this.whileDatabaseAway(() => this.deadLetter(source, checked.error, 0), heartbeat);
      return 'dead-lettered';
    }
    const { envelope, handler } = checked;
    if (!handler) return 'ignored';
    const policy = this.options.retry ?? {};
    const retries = policy.retries ?? 3;
    for (let attempt = 1; ; attempt++) {
      try {
        const applied = await this.whileDatabaseAway(() => this.apply(envelope, handler), heartbeat);
        return applied ? 'handled' : 'duplicate';
      } catch (err) {
        if (err instanceof ConsumerStoppingError) throw err;
        const error = errorMessage(err);
        if (attempt > retries) {
          this.logger.error('handler failed after retries: dead-lettering', {
            consumer: this.name,
            eventId: envelope.eventId,
            type: envelope.type,
            attempts: attempt,
            error,
          });
          await this.whileDatabaseAway(() => this.deadLetter(source, error, attempt), heartbeat);
          return 'dead-lettered';
        }
        const delay = backoffDelay(attempt, policy.initialDelayMs ?? 100, policy.factor ?? 4, policy.maxDelayMs ?? 30_000);
        this.logger.warn('handler failed; retrying', {
          consumer: this.name,
          eventId: envelope.eventId,
          type: envelope.type,
          attempt,
          retryInMs: delay,
          error,
        });
        await sleep(delay);
        await heartbeat();
      }
    }
  }

  /**
   * Runs `work`, retrying for as long as the database is unreachable (the message is fine; the
   * partition simply waits). Any other error goes to the caller.
   */
  private async whileDatabaseAway<T>(work: () => Promise<T>, heartbeat: () => Promise<void>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (err) {
        if (!isConnectionError(err)) throw err;
        if (!this.running) throw new ConsumerStoppingError();
        this.logger.warn('database unavailable; consumer waits', { consumer: this.name, error: errorMessage(err) });
        await sleep(backoffDelay(attempt, 200, 2, 5000));
        await heartbeat().catch(() => undefined);
      }
    }
  }

  /** One event in one transaction (see applyAll); false when it had been seen already. */
  private async apply(
    envelope: EventEnvelope,
    handler: ConsumerHandler,
    alsoInTransaction?: (manager: EntityManager) => Promise<void>,
  ): Promise<boolean> {
    return (await this.applyAll([{ envelope, handler }], alsoInTransaction)).size > 0;
  }

  private dlqTopicOf(topic: string): string {
    return this.options.dlqTopic ? this.options.dlqTopic(topic) : topicNames().dlq(topic);
  }

  /** Records the dead letter, then publishes it to `<topic>.dlq`; both must succeed before the offset moves. */
  private async deadLetter(source: SourceMessage, error: string, attempts: number): Promise<void> {
    const failedAt = this.clock.now();
    await execute(
      this.options.dataSource,
      `INSERT INTO dead_letters (consumer, topic, partition, "offset", key, value, headers, error, attempts, failed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10)
       ON CONFLICT (consumer, topic, partition, "offset") DO UPDATE
         SET error = EXCLUDED.error, attempts = EXCLUDED.attempts, failed_at = EXCLUDED.failed_at,
             retried_at = NULL, retry_error = NULL`,
      [
        this.name,
        source.topic,
        source.partition,
        source.offset,
        source.key,
        source.value,
        JSON.stringify(source.headers),
        error,
        attempts,
        failedAt.toISOString(),
      ],
    );
    const producer = await this.dlqProducer();
    await producer.send({
      topic: this.dlqTopicOf(source.topic),
      acks: -1,
      messages: [
        {
          key: source.key,
          value: source.value,
          headers: {
            ...source.headers,
            [HEADERS.dlqError]: error.slice(0, 2000),
            [HEADERS.dlqSourceTopic]: source.topic,
            [HEADERS.dlqSourcePartition]: String(source.partition),
            [HEADERS.dlqSourceOffset]: source.offset,
            [HEADERS.dlqConsumerGroup]: this.options.groupId,
            [HEADERS.dlqAttempts]: String(attempts),
            [HEADERS.dlqFailedAt]: failedAt.toISOString(),
          },
        },
      ],
    });
  }

  private async dlqProducer(): Promise<Producer> {
    if (!this.producer) {
      const producer = this.options.kafka.producer({ allowAutoTopicCreation: false, maxInFlightRequests: 1 });
      await producer.connect();
      this.producer = producer;
    }
    return this.producer;
  }

  /**
   * Re-runs this consumer's pending dead letters through the same validation and handlers (the
   * operator's `dlq --retry`, once the cause is fixed). Each success is marked retried in the
   * same transaction as its effect; failures stay pending with the new error. Note that a
   * retried event lands after later events of its stream that were handled meanwhile.
   */
  async retryDeadLetters(options: { ids?: readonly number[] } = {}): Promise<RetryDeadLettersResult> {
    const letters = await listDeadLetters(this.options.dataSource, { consumer: this.name, pendingOnly: true });
    const result: RetryDeadLettersResult = { retried: 0, failed: [] };
    for (const letter of letters) {
      if (options.ids && !options.ids.includes(letter.id)) continue;
      const markRetried = async (manager: EntityManager) => {
        await execute(manager, 'UPDATE dead_letters SET retried_at = now(), retry_error = NULL WHERE id = $1', [letter.id]);
      };
      try {
        const checked = this.check(letter.value);
        if (!checked.ok) throw new Error(checked.error);
        if (checked.handler) await this.apply(checked.envelope, checked.handler, markRetried);
        else await this.options.dataSource.transaction(markRetried);
        result.retried += 1;
      } catch (err) {
        const error = errorMessage(err);
        result.failed.push({ id: letter.id, error });
        await execute(
          this.options.dataSource,
          'UPDATE dead_letters SET attempts = attempts + 1, retry_error = $2 WHERE id = $1',
          [letter.id, error],
        );
        this.logger.warn('dead letter retry failed', { consumer: this.name, id: letter.id, error });
      }
    }
    return result;
  }
}

interface DeadLetterRow {
  id: string;
  consumer: string;
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
  error: string;
  attempts: number;
  failed_at: Date;
  retried_at: Date | null;
  retry_error: string | null;
}

/** Dead letters, oldest first (the operator's `dlq` listing). */
export async function listDeadLetters(
  dataSource: DataSource,
  filter: { consumer?: string; pendingOnly?: boolean } = {},
): Promise<DeadLetter[]> {
  const rows = await queryRows<DeadLetterRow>(
    dataSource,
    `SELECT id, consumer, topic, partition, "offset", key, value, headers, error, attempts, failed_at, retried_at, retry_error
       FROM dead_letters
      WHERE ($1::text IS NULL OR consumer = $1) AND (NOT $2 OR retried_at IS NULL)
      ORDER BY id`,
    [filter.consumer ?? null, filter.pendingOnly ?? false],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    consumer: r.consumer,
    topic: r.topic,
    partition: r.partition,
    offset: String(r.offset),
    key: r.key,
    value: r.value,
    headers: r.headers,
    error: r.error,
    attempts: r.attempts,
    failedAt: r.failed_at,
    retriedAt: r.retried_at,
    retryError: r.retry_error,
  }));
}

/** Functional form of {@link EventConsumer.retryDeadLetters}, for the operator CLI. */
export function retryDeadLetters<E extends DomainEvent>(
  consumer: EventConsumer<E>,
  options: { ids?: readonly number[] } = {},
): Promise<RetryDeadLettersResult> {
  return consumer.retryDeadLetters(options);
}
