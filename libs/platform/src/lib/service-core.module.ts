import {
  Controller,
  Get,
  Global,
  Inject,
  Module,
  Res,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Response } from 'express';
import type { Registry } from 'prom-client';
import { Gauge } from 'prom-client';
import type { ServiceName } from '@d06/contracts';
import type { CommonConfig } from './config';
import { ManagedDataSource, type ManagedDataSourceOptions } from './managed-data-source';
import { ResilientRpcServer, RpcDispatcher } from './rpc-server';
import { createMetricsRegistry } from './metrics';
import { EVENT_SOURCING, CLOCK, ID_GENERATOR, MANAGED_DATA_SOURCE, METRICS_REGISTRY, RPC_DISPATCHER, RPC_SERVER, APP_CONFIG } from './tokens';
import { uuidGenerator, systemClock, type Clock, type IdGenerator } from './clock';
import { loggerModule } from './logging';
import { EVENT_STORE_MIGRATIONS } from '@d06/event-sourcing';
import { EventSourcingRuntime, type EventSourcingDeclaration } from './event-sourcing-runtime';

export interface ServiceCoreOptions<C extends CommonConfig> {
  service: ServiceName;
  config: C & { database: string; rpcConcurrency: number; rpcMaxInFlight: number; dbPoolSize: number; consumerFetchWindowMs: number };
  /** The service's read-model migrations (the event store's own schema is added here). */
  migrations: ManagedDataSourceOptions['migrations'];
  eventSourcing: EventSourcingDeclaration;
  clock?: Clock;
  ids?: IdGenerator;
}

@Controller()
class ServiceHealthController {
  constructor(
    @Inject(MANAGED_DATA_SOURCE) private readonly db: ManagedDataSource,
    @Inject(RPC_SERVER) private readonly rpc: ResilientRpcServer,
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
    @Inject(APP_CONFIG) private readonly config: { service: ServiceName },
  ) {}

  @Get('health')
  async health(@Res() res: Response) {
    const database = await this.db.probe();
    const kafka = this.rpc.kafkaStatus;
    const ok = database === 'up' && kafka === 'up';
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'degraded', service: this.config.service, database, kafka });
  }

  /** Liveness: the process answers. Readiness (/health) also needs the database and Kafka. */
  @Get('health/live')
  live() {
    return { status: 'ok' };
  }

  @Get('metrics')
  async metrics(@Res() res: Response) {
    res.setHeader('Content-Type', this.registry.contentType);
    res.send(await this.registry.metrics());
  }
}

class LinkLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    private readonly db: ManagedDataSource,
    private readonly rpc: ResilientRpcServer,
    private readonly runtime: EventSourcingRuntime,
  ) {}
  onApplicationBootstrap() {
    this.db.start();
    // Requests need the migrated database and the event store; take them only then.
    void this.db.ready().then((ds) => {
      this.runtime.start(ds);
      this.rpc.start();
    });
  }
  async onApplicationShutdown() {
    await this.rpc.stop();
    await this.runtime.stop();
    await this.db.stop();
  }
}

/**
 * What every service has: typed config, its own database (created, migrated, reconnecting),
 * the Kafka request/reply server, health and metrics over HTTP, logs, clock and ids.
 * Feature modules inject RPC_DISPATCHER and register their request types on it.
 */
@Global()
@Module({})
export class ServiceCoreModule {
  static forRoot<C extends CommonConfig>(options: ServiceCoreOptions<C>): DynamicModule {
    const { config, service } = options;
    const registry = createMetricsRegistry(`${service}-service`);
    const db = new ManagedDataSource({
      serverUrl: config.databaseServerUrl,
      database: config.database,
      migrations: [...EVENT_STORE_MIGRATIONS, ...(options.migrations as unknown[] as never[])],
      poolSize: config.dbPoolSize,
      appName: `d06-${service}`,
    });
    const dispatcher = new RpcDispatcher();
    const rpc = new ResilientRpcServer(
      {
        service,
        brokers: config.kafkaBrokers,
        topicPrefix: config.topicPrefix,
        instanceId: config.instanceId,
        concurrency: config.rpcConcurrency,
        topicPartitions: config.topicPartitions,
        topicReplication: config.topicReplication,
        maxInFlight: config.rpcMaxInFlight,
      },
      dispatcher,
    );
    const clock = options.clock ?? systemClock;
    const ids = options.ids ?? uuidGenerator;
    const runtime = new EventSourcingRuntime({
      service,
      brokers: config.kafkaBrokers,
      topicPrefix: config.topicPrefix,
      instanceId: config.instanceId,
      clock,
      ids,
      registry,
      declaration: options.eventSourcing,
      consumerConcurrency: config.rpcConcurrency,
      consumerFetchWindowMs: config.consumerFetchWindowMs,
    });
    // Sampled at scrape time by the gauges' own collect(), so a scrape shows the links as they
    // are now (a separate collecting gauge would run after these were already written out).
    new Gauge({
      name: 'd06_link_up',
      help: 'Database and Kafka link state (1 up)',
      labelNames: ['link'],
      registers: [registry],
      collect() {
        this.set({ link: 'database' }, db.status === 'up' ? 1 : 0);
        this.set({ link: 'kafka' }, rpc.kafkaStatus === 'up' ? 1 : 0);
      },
    });
    // Replicas of a service elect one of them to seal and relay: exactly one should say 1.
    new Gauge({
      name: 'd06_pipeline_leader',
      help: 'This instance runs the sealer and relay (1) or stands by (0)',
      registers: [registry],
      collect() {
        this.set(runtime.isPipelineLeader ? 1 : 0);
      },
    });
    return {
      module: ServiceCoreModule,
      imports: [loggerModule(`${service}-service`, config.logLevel)],
      controllers: [ServiceHealthController],
      providers: [
        { provide: APP_CONFIG, useValue: { ...config, service } },
        { provide: MANAGED_DATA_SOURCE, useValue: db },
        { provide: RPC_DISPATCHER, useValue: dispatcher },
        { provide: RPC_SERVER, useValue: rpc },
        { provide: METRICS_REGISTRY, useValue: registry },
        { provide: CLOCK, useValue: clock },
        { provide: ID_GENERATOR, useValue: ids },
        { provide: EVENT_SOURCING, useValue: runtime },
        { provide: LinkLifecycle, useFactory: () => new LinkLifecycle(db, rpc, runtime) },
      ],
      exports: [APP_CONFIG, MANAGED_DATA_SOURCE, RPC_DISPATCHER, RPC_SERVER, METRICS_REGISTRY, CLOCK, ID_GENERATOR, EVENT_SOURCING],
    };
  }
}
