import { SERVICES, type ServiceName } from '@d06/contracts';
import { ConfigError, EnvReader, readCommonConfig } from '@d06/platform';

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * The operator CLI's configuration, read once per run from the environment the services read
 * too (README "Environment"), so that `npm run ops` finds the same databases and topics:
 *
 *   DATABASE_URL          the Postgres server (default postgres://postgres@127.0.0.1:5432/postgres)
 *   <SERVICE>_DATABASE    each service's own database on it (default d06_<service>)
 *   KAFKA_BROKERS         comma-separated (default 127.0.0.1:9092)
 *   D06_TOPIC_PREFIX      prepended to every topic (default empty)
 *   OPS_SIGNING_KEY_FILE  Ed25519 private key (PEM) that signs exports; default: a key pair
 *                         generated once under OPS_DATA_DIR
 *   OPS_DATA_DIR          where the CLI keeps its own files (default .data/ops)
 *   OPS_CONNECT_TIMEOUT_MS how long to wait for Postgres or Kafka before giving up (default 5000)
 */
export interface OpsConfig {
  databaseServerUrl: string;
  databases: Readonly<Record<ServiceName, string>>;
  kafkaBrokers: readonly string[];
  topicPrefix: string;
  signingKeyFile: string | null;
  dataDir: string;
  connectTimeoutMs: number;
}

const DATABASE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Throws the platform's ConfigError listing every problem at once. */
export function readOpsConfig(env: Env): OpsConfig {
  const r = new EnvReader({ ...env });
  const common = readCommonConfig(r);
  const databases = {} as Record<ServiceName, string>;
  for (const service of SERVICES) {
    const variable = `${service.toUpperCase()}_DATABASE`;
    const name = r.string(variable, `d06_${service}`);
    if (!DATABASE_NAME.test(name)) r.problems.push(`${variable} must be a plain lower-case database name, got "${name}"`);
    databases[service] = name;
  }
  const config: OpsConfig = {
    databaseServerUrl: common.databaseServerUrl,
    databases,
    kafkaBrokers: common.kafkaBrokers,
    topicPrefix: common.topicPrefix,
    signingKeyFile: r.optional('OPS_SIGNING_KEY_FILE') ?? null,
    dataDir: r.string('OPS_DATA_DIR', '.data/ops'),
    connectTimeoutMs: r.int('OPS_CONNECT_TIMEOUT_MS', 5000, { min: 100, max: 600_000 }),
  };
  r.done();
  return config;
}

/** The process environment: the one place the CLI reads it (main.ts hands it to runCli). */
export function processEnv(): Env {
  return process.env;
}

export { ConfigError };
