import { Gauge, type Registry } from 'prom-client';
import type { EventStore } from './event-store';
import type { Relay } from './relay';
import { queryOne } from './sql';

/** What an operator (or /health, or an alert) needs to see that the pipeline is moving. */
export interface PipelineStatus {
  service: string;
  /** Committed events still waiting for a position. */
  unsealed: number;
  /** Seconds since the oldest of them was written: the "horizon age". Grows when sealing stalls. */
  horizonAgeSeconds: number;
  lastSealedPosition: number;
  relays: { name: string; checkpoint: number; lag: number }[];
  deadLetters: { consumer: string; pending: number }[];
}

interface StatusRow {
  unsealed: string;
  horizon_age: number | null;
  last_position: string | null;
  relays: { name: string; position: number }[] | null;
  dead: { consumer: string; pending: number }[] | null;
}

/** One round trip; every part is small or index-backed (the sealer's queue, the seals' primary key, PKs). */
export async function pipelineStatus(store: EventStore): Promise<PipelineStatus> {
  const row = await queryOne<StatusRow>(
    store.dataSource,
    `SELECT
       (SELECT sum(cardinality(seqs)) FROM event_pending) AS unsealed,
       (SELECT extract(epoch FROM clock_timestamp() - min(recorded_at))::float8 FROM event_pending) AS horizon_age,
       (SELECT max(position) FROM event_seals) AS last_position,
       (SELECT json_agg(json_build_object('name', name, 'position', position)) FROM relay_checkpoints) AS relays,
       (SELECT json_agg(json_build_object('consumer', consumer, 'pending', n))
          FROM (SELECT consumer, count(*) AS n FROM dead_letters WHERE retried_at IS NULL GROUP BY consumer) d) AS dead`,
  );
  const last = Number(row?.last_position ?? 0);
  return {
    service: store.service,
    unsealed: Number(row?.unsealed ?? 0),
    horizonAgeSeconds: Math.max(0, row?.horizon_age ?? 0),
    lastSealedPosition: last,
    relays: (row?.relays ?? []).map((r) => ({
      name: r.name,
      checkpoint: Number(r.position),
      lag: Math.max(0, last - Number(r.position)),
    })),
    deadLetters: (row?.dead ?? []).map((d) => ({ consumer: d.consumer, pending: Number(d.pending) })),
  };
}

export interface PipelineMetricsOptions {
  store: EventStore;
  registry: Registry;
  /** The local relay, for its in-memory Kafka state (up/down). */
  relay?: Relay;
  /** Scrapes within this window share one status query (default 1000 ms). */
  cacheMs?: number;
}

function gauge(registry: Registry, name: string, help: string, labelNames: string[], collect: (g: Gauge) => Promise<void>): void {
  if (registry.getSingleMetric(name)) registry.removeSingleMetric(name);
  new Gauge({
    name,
    help,
    labelNames,
    registers: [registry],
    async collect() {
      // A failed status query keeps the last values rather than failing the whole scrape;
      // the database being away is visible in the health check.
      try {
        await collect(this);
      } catch {
        return;
      }
    },
  });
}

/**
 * Registers the pipeline gauges on the service's prom-client registry. Values are read from the
 * database at scrape time, so every replica reports the same numbers whoever leads.
 */
export function registerPipelineMetrics(options: PipelineMetricsOptions): void {
  const { store, registry, relay } = options;
  const cacheMs = options.cacheMs ?? 1000;
  let cached: { at: number; status: Promise<PipelineStatus> } | undefined;
  const status = (): Promise<PipelineStatus> => {
    const now = Date.now();
    if (!cached || now - cached.at > cacheMs) {
      cached = { at: now, status: pipelineStatus(store) };
      cached.status.catch(() => (cached = undefined));
    }
    return cached.status;
  };
  const service = store.service;
  gauge(registry, 'event_store_unsealed_events', 'Committed events not yet sealed (no position yet)', ['service'], async (g) => {
    g.set({ service }, (await status()).unsealed);
  });
  gauge(registry, 'event_store_horizon_age_seconds', 'Age of the oldest committed but unsealed event', ['service'], async (g) => {
    g.set({ service }, (await status()).horizonAgeSeconds);
  });
  gauge(registry, 'event_store_last_sealed_position', 'Highest sealed position', ['service'], async (g) => {
    g.set({ service }, (await status()).lastSealedPosition);
  });
  gauge(registry, 'event_relay_checkpoint_position', 'Last position the broker acknowledged', ['service', 'relay'], async (g) => {
    for (const r of (await status()).relays) g.set({ service, relay: r.name }, r.checkpoint);
  });
  gauge(registry, 'event_relay_lag_events', 'Sealed events not yet acknowledged by the broker', ['service', 'relay'], async (g) => {
    for (const r of (await status()).relays) g.set({ service, relay: r.name }, r.lag);
  });
  gauge(registry, 'event_consumer_dead_letters', 'Dead letters not yet retried, per consumer', ['service', 'consumer'], async (g) => {
    g.reset();
    for (const d of (await status()).deadLetters) g.set({ service, consumer: d.consumer }, d.pending);
  });
  if (relay) {
    gauge(registry, 'event_relay_kafka_up', '1 when the last publish reached the broker', ['service', 'relay'], async (g) => {
      g.set({ service, relay: relay.checkpointName }, relay.status().kafka === 'down' ? 0 : 1);
    });
  }
}
