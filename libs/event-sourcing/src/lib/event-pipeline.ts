import type { Kafka } from 'kafkajs';
import type { ClientConfig } from 'pg';
import type { Registry } from 'prom-client';
import type { EventStore } from './event-store';
import { LeaderElection } from './leader-election';
import { stderrLogger, type Logger } from './logger';
import { pipelineStatus, registerPipelineMetrics, type PipelineStatus } from './pipeline-status';
import { Relay, type RelayOptions, type RelayStatus, type TopicRouter } from './relay';
import { Sealer, type SealerOptions, type SealerStatus } from './sealer';

export interface EventPipelineOptions {
  store: EventStore;
  /** With `kafka` and `router` the pipeline also runs the relay; without, it only seals. */
  kafka?: Kafka;
  router?: TopicRouter;
  /** prom-client registry for the pipeline gauges. */
  registry?: Registry;
  sealer?: Omit<SealerOptions, 'store' | 'logger'>;
  relay?: Omit<RelayOptions, 'store' | 'kafka' | 'router' | 'logger'>;
  election?: { name?: string; retryIntervalMs?: number; heartbeatIntervalMs?: number; connection?: ClientConfig };
  logger?: Logger;
}

export interface EventPipelineStatus extends PipelineStatus {
  leader: boolean;
  sealer: SealerStatus;
  relay: RelayStatus | null;
  kafka: 'up' | 'down' | 'unknown' | 'not-configured';
}

/**
 * The write side's background work for one service: the sealer and the relay, run by whichever
 * replica holds the leader lock (one active sealer keeps positions dense; one active relay keeps
 * Kafka in position order). Every replica can call start(); followers wait for the lock.
 */
export class EventPipeline {
  readonly sealer: Sealer;
  readonly relay: Relay | undefined;
  private readonly store: EventStore;
  private readonly election: LeaderElection;
  private readonly unsubscribe: () => void;

  constructor(options: EventPipelineOptions) {
    const logger = options.logger ?? stderrLogger;
    this.store = options.store;
    this.sealer = new Sealer({ ...options.sealer, store: options.store, logger });
    if (options.kafka && options.router) {
      this.relay = new Relay({ ...options.relay, store: options.store, kafka: options.kafka, router: options.router, logger });
    }
    const relay = this.relay;
    this.unsubscribe = this.sealer.onSealed(() => relay?.poke());
    this.election = new LeaderElection({
      dataSource: options.store.dataSource,
      ...options.election,
      logger,
      onElected: () => {
        this.sealer.start();
        relay?.start();
      },
      onDemoted: async () => {
        await Promise.all([this.sealer.stop(), relay?.stop()]);
      },
    });
    if (options.registry) registerPipelineMetrics({ store: options.store, registry: options.registry, relay });
  }

  get isLeader(): boolean {
    return this.election.isLeader;
  }

  start(): void {
    this.election.start();
  }

  async stop(): Promise<void> {
    await this.election.stop();
    this.unsubscribe();
  }

  async status(): Promise<EventPipelineStatus> {
    const relay = this.relay?.status() ?? null;
    return {
      ...(await pipelineStatus(this.store)),
      leader: this.election.isLeader,
      sealer: this.sealer.status(),
      relay,
      kafka: relay ? relay.kafka : 'not-configured',
    };
  }
}
