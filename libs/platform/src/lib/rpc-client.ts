import { Logger } from '@nestjs/common';
import { ClientKafka } from '@nestjs/microservices';
import { firstValueFrom, timeout } from 'rxjs';
import type { Consumer, Kafka } from 'kafkajs';
import type { RequestMeta, RpcReply, RpcRequest, ServiceName } from '@d06/contracts';
import { HEADERS, SERVICES, topicNames } from '@d06/contracts';
import { CONSUMER_TIMINGS, kafkaClientConfig } from './kafka-options';
import { errorMessage, retryForever } from './retry';
import { ensurePlatformTopics } from './topics';
import type { KafkaLinkStatus } from './rpc-server';
import { withCoalescingProducers } from './coalescing-producer';

/** Nest's client, with the requests sent in one turn of the event loop produced together. */
class CoalescingClientKafka extends ClientKafka {
  override createClient<T = Kafka>(): T {
    return withCoalescingProducers(super.createClient<Kafka>()) as T;
  }
}

/** No answer from the service in time, or no link to Kafka: the gateway says 503. */
export class ServiceUnavailableError extends Error {
  constructor(
    readonly service: ServiceName,
    reason: string,
  ) {
    super(`${service} service unavailable: ${reason}`);
  }
}

export interface RpcClientOptions {
  brokers: string[];
  topicPrefix: string;
  instanceId: string;
  defaultTimeoutMs: number;
  topicPartitions: number;
  topicReplication?: number;
}

/**
 * The gateway's side of request/reply: Nest's ClientKafka, kept connected. ClientKafka can only
 * send once its reply consumer has joined the group and owns a reply partition (it names that
 * partition in each request), so `ready` waits for the assignment before the first send.
 */
export class ResilientRpcClient {
  private client: ClientKafka | null = null;
  private status: KafkaLinkStatus = 'connecting';
  private stopped = false;
  private readonly logger = new Logger('RpcClient');
  private readonly topics;

  constructor(private readonly options: RpcClientOptions) {
    this.topics = topicNames(options.topicPrefix);
  }

  get kafkaStatus(): KafkaLinkStatus {
    return this.status;
  }

  start(): void {
    void this.connectLoop();
  }

  private build(): ClientKafka {
    const group = `d06-gateway${this.options.instanceId ? `-${this.options.instanceId}` : ''}`;
    const client = new CoalescingClientKafka({
      client: kafkaClientConfig(group, this.options.brokers),
      consumer: { groupId: `${group}-replies`, ...CONSUMER_TIMINGS },
      producer: { allowAutoTopicCreation: false },
      // Replies are worth nothing to a restarted gateway (their callers are gone), so their
      // offsets are never committed: kafkajs would otherwise send an OffsetCommit after every
      // fetched batch, a write to the broker's log per batch of replies. Without a committed
      // offset the consumer starts at the end of its partitions.
      run: { partitionsConsumedConcurrently: SERVICES.length, autoCommit: false },
      postfixId: '',
    });
    for (const s of SERVICES) client.subscribeToResponseOf(this.topics.rpc(s));
    return client;
  }

  private hasAllReplyPartitions(client: ClientKafka): boolean {
    const assigned = client.getConsumerAssignments();
    return SERVICES.every((s) => assigned[this.topics.rpcReply(s)] !== undefined);
  }

  private async connectLoop(): Promise<void> {
    await retryForever(
      async () => {
        if (this.stopped) return;
        await ensurePlatformTopics(this.options.brokers, this.options.topicPrefix, this.options.topicPartitions, this.options.topicReplication);
        const client = this.build();
        try {
          await client.connect();
          const deadline = Date.now() + 15_000;
          while (!this.hasAllReplyPartitions(client)) {
            if (Date.now() > deadline) throw new Error('no reply partitions assigned within 15 s');
            await new Promise((r) => setTimeout(r, 50));
          }
        } catch (err) {
          await client.close().catch(() => undefined);
          throw err;
        }
        if (this.stopped) {
          // stop() ran while we were connecting: nobody else will close this client.
          await client.close().catch(() => undefined);
          return;
        }
        this.client = client;
        this.status = 'up';
        this.watch(client);
        this.logger.log('connected to Kafka for request/reply');
      },
      {
        stopped: () => this.stopped,
        onError: (err, n) => {
          this.status = 'down';
          if (n === 1 || n % 10 === 0) this.logger.warn(`Kafka not reachable yet (${errorMessage(err)}); retrying`);
        },
      },
    ).catch(() => undefined);
  }

  private watch(client: ClientKafka) {
    const consumer = (client as unknown as { _consumer: Consumer | null })._consumer;
    if (!consumer) return;
    consumer.on(consumer.events.CRASH, (e) => {
      this.status = 'down';
      if ((e.payload as { restart?: boolean }).restart === false && !this.stopped) {
        this.logger.warn('reply consumer crashed without restart; reconnecting');
        this.client = null;
        void client.close().catch(() => undefined).then(() => this.connectLoop());
      }
    });
    consumer.on(consumer.events.FETCH, () => (this.status = 'up'));
  }

  /**
   * Sends `{type, payload, meta}` to the service and waits for its reply. `key` keeps requests
   * about one aggregate on one partition, so they are handled in order.
   */
  async call<TBody = unknown>(
    service: ServiceName,
    type: string,
    payload: unknown,
    meta: RequestMeta,
    { timeoutMs = this.options.defaultTimeoutMs, key }: { timeoutMs?: number; key?: string } = {},
  ): Promise<RpcReply<TBody>> {
    const client = this.client;
    if (!client || this.status === 'down') throw new ServiceUnavailableError(service, 'no connection to Kafka');
    // The service skips a request whose deadline has passed: the caller has already been told
    // 503 and may retry, so running it late could do the work twice.
    const request: RpcRequest = { type, payload, meta: { ...meta, deadline: meta.deadline ?? Date.now() + timeoutMs } };
    try {
      return await firstValueFrom(
        client
          .send<RpcReply<TBody>>(this.topics.rpc(service), {
            key: key ?? null,
            value: request,
            headers: { [HEADERS.correlationId]: meta.correlationId },
          })
          .pipe(timeout(timeoutMs)),
      );
    } catch (err) {
      throw new ServiceUnavailableError(service, errorMessage(err));
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.client?.close().catch(() => undefined);
    this.client = null;
  }
}
