import { Logger } from '@nestjs/common';
import { ServerKafka, type KafkaContext } from '@nestjs/microservices';
import { Subject } from 'rxjs';
import type { RpcReply, RpcRequest, RequestMeta, ServiceName } from '@d06/contracts';
import { RPC_HEALTH, topicNames } from '@d06/contracts';
import { CONSUMER_TIMINGS, kafkaClientConfig } from './kafka-options';
import { errorMessage, retryForever } from './retry';
import { ensurePlatformTopics } from './topics';
import { withCoalescingProducers } from './coalescing-producer';

export type RpcHandler = (payload: unknown, meta: RequestMeta) => Promise<RpcReply>;

function isRequest(raw: unknown): raw is RpcRequest {
  if (typeof raw !== 'object' || raw === null) return false;
  const r = raw as Record<string, unknown>;
  const meta = r['meta'] as Record<string, unknown> | undefined;
  const actor = meta?.['actor'] as Record<string, unknown> | undefined;
  return (
    typeof r['type'] === 'string' &&
    typeof meta === 'object' &&
    typeof meta['correlationId'] === 'string' &&
    typeof actor === 'object' &&
    actor !== null &&
    typeof actor['clientId'] === 'string'
  );
}

/**
 * The service side of the gateway's request/reply over Kafka: one topic per service
 * (`<service>.rpc`), messages `{type, payload, meta}` dispatched by `type`. Handlers answer with
 * an RpcReply value, never an exception, so a refusal reaches the client as data.
 */
export class RpcDispatcher {
  private readonly handlers = new Map<string, RpcHandler>();
  private readonly logger = new Logger('RpcDispatcher');

  register(type: string, handler: RpcHandler): this {
    if (this.handlers.has(type)) throw new Error(`RPC handler for "${type}" registered twice`);
    this.handlers.set(type, handler);
    return this;
  }

  has(type: string): boolean {
    return this.handlers.has(type);
  }

  async dispatch(raw: unknown): Promise<RpcReply> {
    if (!isRequest(raw)) {
      return { ok: false, error: { code: 'VALIDATION_FAILED', message: 'malformed request envelope', status: 400 } };
    }
    const handler = this.handlers.get(raw.type);
    if (!handler) {
      return { ok: false, error: { code: 'UNKNOWN_RPC_TYPE', message: `unknown request type "${raw.type}"` } };
    }
    if (typeof raw.meta.deadline === 'number' && Date.now() > raw.meta.deadline) {
      this.logger.warn({ type: raw.type, correlationId: raw.meta.correlationId }, 'request expired before it was handled; skipped');
      return { ok: false, error: { code: 'SERVICE_UNAVAILABLE', message: 'the request expired before the service could handle it' } };
    }
    try {
      return await handler(raw.payload, raw.meta);
    } catch (err) {
      this.logger.error({ err, type: raw.type, correlationId: raw.meta.correlationId }, 'request handler failed');
      return { ok: false, error: { code: 'INTERNAL_ERROR', message: 'the service could not complete the request', status: 500 } };
    }
  }
}

export interface RpcServerOptions {
  service: ServiceName;
  brokers: string[];
  topicPrefix: string;
  instanceId: string;
  /** Partitions processed at once; each partition stays in order. */
  concurrency: number;
  topicPartitions: number;
  topicReplication?: number;
  /** Requests handled at once (across partitions). */
  maxInFlight?: number;
}

export type KafkaLinkStatus = 'connecting' | 'up' | 'down';

/**
 * Nest's ServerKafka awaits each request before taking the next one of the same partition, so a
 * service could work on at most as many requests as the topic has partitions. Requests are
 * independent, so this one takes up to `maxInFlight` at once (waiting for a free slot gives
 * back-pressure) while keeping requests with the same key (the same aggregate) in order.
 * Offsets may be committed before a request finishes: a request lost in a crash is answered
 * by the gateway's timeout (503), which is what the contract promises for requests not yet 2xx.
 */
class ConcurrentServerKafka extends ServerKafka {
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly chains = new Map<string, Promise<unknown>>();

  constructor(
    options: ConstructorParameters<typeof ServerKafka>[0],
    private readonly maxInFlight: number,
  ) {
    super(options);
  }

  private async acquire(): Promise<void> {
    if (this.inFlight < this.maxInFlight) {
      this.inFlight++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.inFlight--;
  }

  /** Replies finished in one turn of the event loop go to Kafka as one Produce request. */
  override createClient<T = import('kafkajs').Kafka>(): T {
    return withCoalescingProducers(super.createClient<import('kafkajs').Kafka>()) as T;
  }

  /** Lets requests in flight finish (and answer) before the producer goes away. */
  override async close(): Promise<void> {
    const deadline = Date.now() + 5000;
    while (this.inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await super.close();
  }

  override async sendMessage(...args: Parameters<ServerKafka['sendMessage']>): ReturnType<ServerKafka['sendMessage']> {
    // Closed while a request was still running: nobody can be answered; the caller times out.
    if (!this.producer) return [];
    return super.sendMessage(...args);
  }

  override getMessageHandler() {
    return async (payload: import('kafkajs').EachMessagePayload) => {
      await this.acquire();
      const key = payload.message.key?.toString('utf8') ?? null;
      const previous = key ? this.chains.get(key) : undefined;
      const run = (previous ?? Promise.resolve())
        .catch(() => undefined)
        .then(() => this.handleMessage(payload))
        .catch((err: unknown) => this.logger.error(`request failed: ${errorMessage(err)}`))
        .finally(() => {
          this.release();
          if (key && this.chains.get(key) === run) this.chains.delete(key);
        });
      if (key) this.chains.set(key, run);
    };
  }
}

/**
 * Builds the Nest Kafka strategy for a service and keeps it connected: started before the broker
 * is up, it retries in the background (the service reports kafka "down", never crash-loops);
 * when the consumer crashes for good, it reconnects.
 */
export class ResilientRpcServer {
  private server: ServerKafka | null = null;
  private status: KafkaLinkStatus = 'connecting';
  private stopped = false;
  private readonly logger = new Logger('RpcServer');
  readonly statusChanges = new Subject<KafkaLinkStatus>();

  constructor(
    private readonly options: RpcServerOptions,
    private readonly dispatcher: RpcDispatcher,
  ) {
    dispatcher.register(RPC_HEALTH, async () => ({ ok: true, status: 200, body: { service: options.service, status: 'up' } }));
  }

  get kafkaStatus(): KafkaLinkStatus {
    return this.status;
  }

  private setStatus(s: KafkaLinkStatus) {
    if (s !== this.status) {
      this.status = s;
      this.statusChanges.next(s);
    }
  }

  private build(): ServerKafka {
    const { service, brokers, topicPrefix, instanceId, concurrency } = this.options;
    const topic = topicNames(topicPrefix).rpc(service);
    const group = `d06-${service}${instanceId ? `-${instanceId}` : ''}`;
    const server = new ConcurrentServerKafka({
      client: kafkaClientConfig(`${group}-rpc`, brokers),
      consumer: { groupId: `${group}-rpc`, ...CONSUMER_TIMINGS },
      producer: { allowAutoTopicCreation: false },
      run: { partitionsConsumedConcurrently: concurrency },
      postfixId: '',
    }, this.options.maxInFlight ?? 256);
    server.addHandler(topic, (data: unknown, _ctx: KafkaContext) => this.dispatcher.dispatch(data), false);
    return server;
  }

  /** Connects in the background; resolves at once. */
  start(): void {
    void this.connectLoop();
  }

  private async connectLoop(): Promise<void> {
    await retryForever(
      async () => {
        if (this.stopped) return;
        await ensurePlatformTopics(this.options.brokers, this.options.topicPrefix, this.options.topicPartitions, this.options.topicReplication);
        const server = this.build();
        await new Promise<void>((resolve, reject) => {
          server.listen((err?: unknown) => (err ? reject(err) : resolve())).catch(reject);
        }).catch(async (err) => {
          await server.close().catch(() => undefined);
          throw err;
        });
        if (this.stopped) {
          await server.close().catch(() => undefined);
          return;
        }
        this.server = server;
        this.watch(server);
        this.setStatus('up');
        this.logger.log(`listening on ${topicNames(this.options.topicPrefix).rpc(this.options.service)}`);
      },
      {
        stopped: () => this.stopped,
        onError: (err, n) => {
          this.setStatus('down');
          if (n === 1 || n % 10 === 0) this.logger.warn(`Kafka not reachable yet (${errorMessage(err)}); retrying`);
        },
      },
    ).catch(() => undefined);
  }

  private watch(server: ServerKafka) {
    const [, consumer, producer] = server.unwrap<[unknown, import('kafkajs').Consumer, import('kafkajs').Producer]>();
    consumer.on(consumer.events.CRASH, (e) => {
      this.setStatus('down');
      const restart = (e.payload as { restart?: boolean }).restart;
      if (restart === false && !this.stopped) {
        this.logger.warn('Kafka consumer crashed without restart; reconnecting');
        void server.close().catch(() => undefined).then(() => this.connectLoop());
      }
    });
    consumer.on(consumer.events.DISCONNECT, () => this.setStatus('down'));
    consumer.on(consumer.events.GROUP_JOIN, () => this.setStatus('up'));
    consumer.on(consumer.events.FETCH, () => this.setStatus('up'));
    producer.on(producer.events.DISCONNECT, () => this.setStatus('down'));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.server?.close().catch(() => undefined);
    this.server = null;
  }
}
