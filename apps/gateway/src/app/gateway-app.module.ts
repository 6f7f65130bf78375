import { Global, Module, type DynamicModule, type ExecutionContext, type MiddlewareConsumer, type NestModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import type { DestinationStream } from 'pino';
import {
  APP_CONFIG,
  CLOCK,
  ID_GENERATOR,
  METRICS_REGISTRY,
  ManagedDataSource,
  RPC_CLIENT,
  ResilientRpcClient,
  createMetricsRegistry,
  uuidGenerator,
  systemClock,
  type Clock,
  type IdGenerator,
} from '@d06/platform';
import type { GatewayConfig } from './gateway-config';
import { CLIENT_REGISTRY, GATEWAY_DATABASE } from './gateway.tokens';
import { HealthController } from './health/health.controller';
import { ProblemFilter } from './common/problem.filter';
import { correlationIdMiddleware } from './common/correlation-id.middleware';
import { gatewayLoggerModule } from './common/gateway-logger';
import { gatewayValidationPipe } from './common/validation';
import { ServiceForwarder } from './common/service-forwarder.service';
import type { GatewayRequest } from './common/gateway-request';
import { ClientRegistry } from './auth/client-registry.service';
import { TokenService } from './auth/token.service';
import { TokenController } from './auth/token.controller';
import { TokenAuthGuard } from './auth/token-auth.guard';
import { ClientThrottlerGuard, RATE_LIMIT_THROTTLER } from './auth/client-throttler.guard';
import { SlidingWindowThrottlerStorage } from './auth/sliding-window-throttler.storage';
import { ScopesGuard } from './auth/scopes.guard';
import { IdempotencyService } from './idempotency/idempotency.service';
import { IdempotencyKeysMigration1765000000000 } from './idempotency/idempotency.migration';
import { IdentityController } from './identity/identity.controller';
import { ResidenceController } from './residence/residence.controller';
import { LodgingController } from './lodging/lodging.controller';
import { SharingController } from './sharing/sharing.controller';
import { AuditController } from './audit/audit.controller';

class RpcLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(private readonly rpc: ResilientRpcClient) {}
  onApplicationBootstrap() {
    this.rpc.start();
  }
  async onApplicationShutdown() {
    await this.rpc.stop();
  }
}

class DatabaseLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(private readonly db: ManagedDataSource) {}
  onApplicationBootstrap() {
    this.db.start();
  }
  async onApplicationShutdown() {
    await this.db.stop();
  }
}

export interface GatewayOverrides {
  clock?: Clock;
  ids?: IdGenerator;
  /** Clients to use instead of GATEWAY_CLIENTS_FILE (tests). */
  clients?: ClientRegistry;
  /** Where logs go instead of stdout (tests that read the log). */
  logDestination?: DestinationStream;
}

const ONE_MINUTE_MS = 60_000;

@Global()
@Module({})
export class GatewayAppModule implements NestModule {
  /** Throws ConfigError (before anything starts) when the clients file is missing, malformed or a demo file in production. */
  static forRoot(config: GatewayConfig, overrides: GatewayOverrides = {}): DynamicModule {
    const clients = overrides.clients ?? ClientRegistry.fromFile(config.clientsFile, config.clientsFileSetting, config.nodeEnv);
    const rpc = new ResilientRpcClient({
      brokers: config.kafkaBrokers,
      topicPrefix: config.topicPrefix,
      instanceId: config.instanceId,
      defaultTimeoutMs: config.rpcTimeoutMs,
      topicPartitions: config.topicPartitions,
    });
    const database = new ManagedDataSource({
      serverUrl: config.databaseServerUrl,
      database: config.database,
      migrations: [IdempotencyKeysMigration1765000000000],
      poolSize: config.dbPoolSize,
      appName: 'd06-gateway',
    });
    const limitPerMinute = (context: ExecutionContext): number => {
      const principal = context.switchToHttp().getRequest<GatewayRequest>().principal;
      if (!principal) return config.anonymousRateLimitPerMinute;
      return clients.get(principal.clientId)?.rateLimitPerMinute ?? config.rateLimitPerMinute;
    };
    return {
      module: GatewayAppModule,
      imports: [
        gatewayLoggerModule(config.logLevel, overrides.logDestination),
        ThrottlerModule.forRoot({
          throttlers: [{ name: RATE_LIMIT_THROTTLER, ttl: ONE_MINUTE_MS, limit: limitPerMinute }],
          storage: new SlidingWindowThrottlerStorage(),
        }),
      ],
      controllers: [HealthController, TokenController, IdentityController, ResidenceController, LodgingController, SharingController, AuditController],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: RPC_CLIENT, useValue: rpc },
        { provide: METRICS_REGISTRY, useValue: createMetricsRegistry('gateway') },
        { provide: CLOCK, useValue: overrides.clock ?? systemClock },
        { provide: ID_GENERATOR, useValue: overrides.ids ?? uuidGenerator },
        { provide: CLIENT_REGISTRY, useValue: clients },
        { provide: GATEWAY_DATABASE, useValue: database },
        { provide: RpcLifecycle, useFactory: () => new RpcLifecycle(rpc) },
        { provide: DatabaseLifecycle, useFactory: () => new DatabaseLifecycle(database) },
        TokenService,
        IdempotencyService,
        ServiceForwarder,
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: APP_PIPE, useFactory: gatewayValidationPipe },
        // In this order: who is calling, then their rate limit (by client or by IP), then their scopes.
        { provide: APP_GUARD, useClass: TokenAuthGuard },
        { provide: APP_GUARD, useClass: ClientThrottlerGuard },
        { provide: APP_GUARD, useClass: ScopesGuard },
      ],
      exports: [APP_CONFIG, RPC_CLIENT, METRICS_REGISTRY, CLOCK, ID_GENERATOR, CLIENT_REGISTRY, GATEWAY_DATABASE],
    };
  }

  configure(consumer: MiddlewareConsumer) {
    consumer.apply(correlationIdMiddleware).forRoutes('*path');
  }
}
