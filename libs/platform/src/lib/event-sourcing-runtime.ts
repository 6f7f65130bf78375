import { Logger } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import type { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { topicNames, type DomainEvent, type ServiceName, type TopicNames } from '@d06/contracts';
import {
  EventConsumer,
  EventPipeline,
  EventStore,
  UpcasterRegistry,
  type Clock,
  type ConsumerHandlers,
  type IdGenerator,
  type PayloadValidator,
  type Projection,
  type TopicRouter,
} from '@d06/event-sourcing';
import { kafkaClientConfig } from './kafka-options';
import { errorMessage, retryForever } from './retry';

/** A consumer of other services' topics, declared by a service (its own read model of them). */
export interface ConsumerDeclaration<E extends DomainEvent = DomainEvent> {
  /** Unique within the service; becomes part of the consumer group and the processed-events key. */
  name: string;
  topics: (t: TopicNames) => string[];
  handlers: ConsumerHandlers<E>;
  validators?: Readonly<Record<string, PayloadValidator>>;
  ignoreTypes?: readonly string[];
}

export interface EventSourcingDeclaration {
  /** Read models of the service's own events, updated in each append's transaction. */
  projections: readonly Projection[];
  consumers?: readonly ConsumerDeclaration[];
  /** Where each sealed event is published; default: the service's own events topic. */
  router?: (t: TopicNames) => TopicRouter;
  upcasters?: UpcasterRegistry;
}

export interface EventSourcingRuntimeOptions {
  service: ServiceName;
  brokers: string[];
  topicPrefix: string;
  instanceId: string;
  clock: Clock;
  ids: IdGenerator;
  registry: Registry;
  declaration: EventSourcingDeclaration;
  consumerConcurrency: number;
  consumerFetchWindowMs?: number;
}

/**
 * The write side of one service once its database is up: the event store with its inline
 * projections, the pipeline (sealer + relay, one leader among replicas) and the consumers of
 * other services' topics. Request handlers await `ready()`.
 */
export class EventSourcingRuntime {
  private storeValue: EventStore | null = null;
  private pipeline: EventPipeline | null = null;
  private readonly consumers: EventConsumer[] = [];
  private readonly logger = new Logger('EventSourcing');
  private stopped = false;
  private resolveReady!: (store: EventStore) => void;
  private readonly readyPromise = new Promise<EventStore>((r) => (this.resolveReady = r));
  readonly topics: TopicNames;

  constructor(private readonly options: EventSourcingRuntimeOptions) {
    this.topics = topicNames(options.topicPrefix);
  }

  ready(): Promise<EventStore> {
    return this.readyPromise;
  }

  get store(): EventStore {
    if (!this.storeValue) throw new Error('event store not ready yet');
    return this.storeValue;
  }

  get consumerList(): readonly EventConsumer[] {
    return this.consumers;
  }

  /** Whether this instance holds the pipeline's leader lock (runs the sealer and the relay). */
  get isPipelineLeader(): boolean {
    return this.pipeline?.isLeader ?? false;
  }

  async pipelineStatus() {
    return this.pipeline?.status() ?? null;
  }

  start(dataSource: DataSource): void {
    const { service, brokers, clock, ids, registry, declaration, instanceId } = this.options;
    const logger = {
      info: (msg: string, fields?: Record<string, unknown>) => this.logger.log({ ...fields }, msg),
      warn: (msg: string, fields?: Record<string, unknown>) => this.logger.warn({ ...fields }, msg),
      error: (msg: string, fields?: Record<string, unknown>) => this.logger.error({ ...fields }, msg),
    };
    const store = new EventStore({
      dataSource,
      service,
      clock,
      ids,
      projections: declaration.projections,
      upcasters: declaration.upcasters,
      logger,
      coalesceAppends: {},
    });
    this.storeValue = store;
    const group = `d06-${service}${instanceId ? `-${instanceId}` : ''}`;
    const kafka = new Kafka(kafkaClientConfig(`${group}-events`, brokers));
    const router = declaration.router?.(this.topics) ?? (() => this.topics.events(service));
    this.pipeline = new EventPipeline({ store, kafka, router, registry, logger, election: { name: `d06-pipeline-${service}` } });
    this.pipeline.start();
    for (const decl of declaration.consumers ?? []) {
      const consumer = new EventConsumer({
        dataSource,
        kafka,
        groupId: `${group}-${decl.name}`,
        name: decl.name,
        topics: decl.topics(this.topics),
        handlers: decl.handlers,
        validators: decl.validators,
        ignoreTypes: decl.ignoreTypes,
        upcasters: declaration.upcasters,
        partitionsConsumedConcurrently: this.options.consumerConcurrency,
        fetchWindowMs: this.options.consumerFetchWindowMs,
        registry,
        logger,
        clock,
      });
      this.consumers.push(consumer);
      void retryForever(() => consumer.start(), {
        stopped: () => this.stopped,
        onError: (err, n) => {
          void consumer.stop().catch(() => undefined);
          if (n === 1 || n % 10 === 0) this.logger.warn(`consumer ${decl.name} not started yet (${errorMessage(err)}); retrying`);
        },
      }).catch(() => undefined);
    }
    this.resolveReady(store);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.consumers.map((c) => c.stop().catch(() => undefined)));
    await this.pipeline?.stop().catch(() => undefined);
  }
}
