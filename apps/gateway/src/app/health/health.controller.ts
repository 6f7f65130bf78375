import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import type { Response } from 'express';
import type { Registry } from 'prom-client';
import { randomUUID } from 'node:crypto';
import { RPC_HEALTH, SERVICES, type ServiceName } from '@d06/contracts';
import { METRICS_REGISTRY, RPC_CLIENT, type ResilientRpcClient, APP_CONFIG } from '@d06/platform';
import type { GatewayConfig } from '../gateway-config';
import { Public } from '../auth/scopes.decorator';

type LinkState = 'up' | 'down';

/** Root-level endpoints outside /api/v1 (CONTRACT.md §2.6): no token needed. */
@ApiExcludeController()
@Public()
@SkipThrottle()
@Controller()
export class HealthController {
  constructor(
    @Inject(RPC_CLIENT) private readonly rpc: ResilientRpcClient,
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
    @Inject(APP_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /** Asks each service over Kafka request/reply; a service that does not answer in time is down. */
  @Get('health')
  async health(@Res() res: Response) {
    const states = await Promise.all(SERVICES.map((s) => this.probe(s)));
    const services = Object.fromEntries(SERVICES.map((s, i) => [s, states[i]])) as Record<ServiceName, LinkState>;
    const ok = states.every((s) => s === 'up');
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'degraded', services });
  }

  private async probe(service: ServiceName): Promise<LinkState> {
    try {
      const reply = await this.rpc.call(service, RPC_HEALTH, {}, { correlationId: randomUUID(), actor: { clientId: 'gateway' } }, { timeoutMs: this.config.healthTimeoutMs });
      return reply.ok ? 'up' : 'down';
    } catch {
      return 'down';
    }
  }

  @Get('metrics')
  async metrics(@Res() res: Response) {
    res.setHeader('Content-Type', this.registry.contentType);
    res.send(await this.registry.metrics());
  }
}
