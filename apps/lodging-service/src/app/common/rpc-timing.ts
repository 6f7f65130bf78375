import { Inject, Injectable } from '@nestjs/common';
import type { Histogram, Registry } from 'prom-client';
import { METRICS_REGISTRY, RPC_DISPATCHER, registryHistogram, type RpcDispatcher, type RpcHandler } from '@d06/platform';

const NAME = 'lodging_rpc_handler_seconds';

/**
 * Registers the service's RPC handlers with a duration histogram per request type and outcome
 * (`lodging_rpc_handler_seconds`), so /metrics shows how much of a request's time is spent in
 * this service, as opposed to the gateway and the Kafka hops.
 */
@Injectable()
export class TimedRpcRegistrar {
  private readonly histogram: Histogram<'type' | 'outcome'>;

  constructor(
    @Inject(RPC_DISPATCHER) private readonly dispatcher: RpcDispatcher,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    this.histogram = registryHistogram(registry, {
      name: NAME,
      help: 'Time the lodging service spent on a request, by type and outcome (ok, refused, error)',
      labelNames: ['type', 'outcome'],
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    });
  }

  register(type: string, handler: RpcHandler): void {
    this.dispatcher.register(type, async (payload, meta) => {
      const end = this.histogram.startTimer({ type });
      try {
        const reply = await handler(payload, meta);
        end({ outcome: reply.ok ? 'ok' : 'refused' });
        return reply;
      } catch (err) {
        end({ outcome: 'error' });
        throw err;
      }
    });
  }
}
