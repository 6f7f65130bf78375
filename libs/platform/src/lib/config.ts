/**
 * Typed configuration read once at start-up from the environment (DESIGN.md: one typed config
 * per app, validated at start; bad config fails fast with every problem listed).
 */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

type Env = Record<string, string | undefined>;

export class EnvReader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  string(name: string, fallback?: string): string {
    const v = this.env[name]?.trim();
    if (v) return v;
    if (fallback !== undefined) return fallback;
    this.problems.push(`${name} is required`);
    return '';
  }

  optional(name: string): string | undefined {
    const v = this.env[name]?.trim();
    return v ? v : undefined;
  }

  int(name: string, fallback: number, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}): number {
    const raw = this.env[name]?.trim();
    if (!raw) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      this.problems.push(`${name} must be an integer in [${min}, ${max}], got "${raw}"`);
      return fallback;
    }
    return n;
  }

  list(name: string, fallback: string[]): string[] {
    const raw = this.env[name]?.trim();
    if (!raw) return fallback;
    return raw.split(',').map((s) => s.trim()).filter(Boolean);
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.env[name]?.trim();
    if (!raw) return fallback;
    if ((allowed as readonly string[]).includes(raw)) return raw as T;
    this.problems.push(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
    return fallback;
  }

  url(name: string, fallback: string): string {
    const v = this.string(name, fallback);
    try {
      new URL(v);
    } catch {
      this.problems.push(`${name} must be a URL`);
    }
    return v;
  }

  /** Throws ConfigError listing every problem found so far. */
  done(): void {
    if (this.problems.length > 0) throw new ConfigError(this.problems);
  }
}

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
export const DEFAULT_KAFKA_BROKERS = ['127.0.0.1:9092'];

/** The part of the configuration every service shares. */
export interface CommonConfig {
  nodeEnv: 'development' | 'test' | 'production';
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Server URL (any database on it); each app uses its own database on that server. */
  databaseServerUrl: string;
  kafkaBrokers: string[];
  /** Prepended to every topic name (tests and parallel stacks); empty in production. */
  topicPrefix: string;
  topicPartitions: number;
  /** Replication of the topics an app creates when missing (3 on a real cluster, 1 locally). */
  topicReplication: number;
  /** Suffix that keeps consumer groups of parallel stacks apart (defaults to the topic prefix). */
  instanceId: string;
}

export function readCommonConfig(r: EnvReader): CommonConfig {
  const topicPrefix = r.string('D06_TOPIC_PREFIX', '');
  return {
    nodeEnv: r.oneOf('NODE_ENV', ['development', 'test', 'production'] as const, 'development'),
    logLevel: r.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
    databaseServerUrl: r.url('DATABASE_URL', DEFAULT_DATABASE_URL),
    kafkaBrokers: r.list('KAFKA_BROKERS', DEFAULT_KAFKA_BROKERS),
    topicPrefix,
    topicPartitions: r.int('D06_TOPIC_PARTITIONS', 6, { min: 1, max: 1000 }),
    topicReplication: r.int('D06_TOPIC_REPLICATION', 1, { min: 1, max: 7 }),
    instanceId: r.string('D06_INSTANCE_ID', ''),
  };
}

/** The URL of `database` on the server that `serverUrl` points to. */
export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** What each of the three services reads: common settings plus its own port and database. */
export interface ServiceConfig extends CommonConfig {
  httpHost: string;
  httpPort: number;
  database: string;
  rpcConcurrency: number;
  /** Requests a service works on at once (same-aggregate requests stay in order). */
  rpcMaxInFlight: number;
  dbPoolSize: number;
  /** How long the broker may hold a consumer's fetch to gather events (0: answer at the first). */
  consumerFetchWindowMs: number;
}

export const SERVICE_DEFAULT_PORTS = { identity: 3101, residence: 3102, lodging: 3103 } as const;
export const GATEWAY_DEFAULT_PORT = 3000;

export function readServiceConfig(r: EnvReader, service: keyof typeof SERVICE_DEFAULT_PORTS): ServiceConfig {
  const upper = service.toUpperCase();
  return {
    ...readCommonConfig(r),
    httpHost: r.string('HTTP_HOST', '127.0.0.1'),
    httpPort: r.int(`${upper}_HTTP_PORT`, SERVICE_DEFAULT_PORTS[service], { min: 0, max: 65535 }),
    database: r.string(`${upper}_DATABASE`, `d06_${service}`),
    rpcConcurrency: r.int('D06_RPC_CONCURRENCY', 12, { min: 1, max: 256 }),
    rpcMaxInFlight: r.int('D06_RPC_MAX_IN_FLIGHT', 256, { min: 1, max: 4096 }),
    // Four apps and their test stacks share one server's 100 connections on small machines.
    dbPoolSize: r.int('D06_DB_POOL_SIZE', 10, { min: 2, max: 200 }),
    // Off by default: on small machines the idle polls cost what the batching saves (see
    // EventConsumerOptions.fetchWindowMs); a knob for loads where the events trickle in.
    consumerFetchWindowMs: r.int('D06_CONSUMER_FETCH_WINDOW_MS', 0, { min: 0, max: 1000 }),
  };
}
