import { Global, Module, type DynamicModule, type MiddlewareConsumer, type NestModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import {
  APP_CONFIG,
  CLOCK,
  ID_GENERATOR,
  METRICS_REGISTRY,
  RPC_CLIENT,
  ResilientRpcClient,
  createMetricsRegistry,
  loggerModule,
  randomIds,
  systemClock,
  type Clock,
  type IdGenerator,
} from '@d06/platform';
import type { GatewayConfig } from './gateway-config';
import { HealthController } from './health/health.controller';
import { ProblemFilter } from './common/problem.filter';
import { correlationIdMiddleware } from './common/correlation-id.middleware';

class RpcLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(private readonly rpc: ResilientRpcClient) {}
  onApplicationBootstrap() {
    this.rpc.start();
  }
  async onApplicationShutdown() {
    await this.rpc.stop();
  }
}

export interface GatewayOverrides {
  clock?: Clock;
  ids?: IdGenerator;
}

@Global()
@Module({})
export class GatewayAppModule implements NestModule {
  static forRoot(config: GatewayConfig, overrides: GatewayOverrides = {}): DynamicModule {
    const rpc = new ResilientRpcClient({
      brokers: config.kafkaBrokers,
      topicPrefix: config.topicPrefix,
      instanceId: config.instanceId,
      defaultTimeoutMs: config.rpcTimeoutMs,
      topicPartitions: config.topicPartitions,
    });
    return {
      module: GatewayAppModule,
      imports: [loggerModule('gateway', config.logLevel)],
      controllers: [HealthController],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: RPC_CLIENT, useValue: rpc },
        { provide: METRICS_REGISTRY, useValue: createMetricsRegistry('gateway') },
        { provide: CLOCK, useValue: overrides.clock ?? systemClock },
        { provide: ID_GENERATOR, useValue: overrides.ids ?? randomIds },
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: RpcLifecycle, useFactory: () => new RpcLifecycle(rpc) },
      ],
      exports: [APP_CONFIG, RPC_CLIENT, METRICS_REGISTRY, CLOCK, ID_GENERATOR],
    };
  }

  configure(consumer: MiddlewareConsumer) {
    consumer.apply(correlationIdMiddleware).forRoutes('*path');
  }
}
