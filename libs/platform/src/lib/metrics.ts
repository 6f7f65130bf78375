import { collectDefaultMetrics, Histogram, Registry, type HistogramConfiguration } from 'prom-client';

/** One registry per process, with Node's default metrics, labelled with the app's name. */
export function createMetricsRegistry(app: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ app });
  collectDefaultMetrics({ register: registry });
  return registry;
}

/**
 * The histogram of that name in the registry, made and registered on first use. A provider
 * built twice on one registry (tests build several apps in a process) then shares it instead
 * of failing on a duplicate name.
 */
export function registryHistogram<L extends string>(registry: Registry, config: Omit<HistogramConfiguration<L>, 'registers'>): Histogram<L> {
  const existing = registry.getSingleMetric(config.name);
  if (existing instanceof Histogram) return existing as Histogram<L>;
  return new Histogram<L>({ ...config, registers: [registry] });
}
