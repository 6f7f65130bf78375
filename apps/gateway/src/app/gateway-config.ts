import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { EnvReader, GATEWAY_DEFAULT_PORT, readCommonConfig, type CommonConfig } from '@d06/platform';

export interface GatewayConfig extends CommonConfig {
  httpHost: string;
  httpPort: number;
  /** The gateway's own database (idempotency records). */
  database: string;
  dbPoolSize: number;
  /** How long the gateway waits for a service's reply before answering 503. */
  rpcTimeoutMs: number;
  /** Health asks each service with this shorter timeout. */
  healthTimeoutMs: number;
  corsOrigins: string[];
  /** Express `trust proxy` (rate limits by client IP behind a load balancer); false when unset. */
  trustProxy: boolean | number | string[];
  /** The OAuth clients file, resolved to an absolute path (undefined when it cannot be found). */
  clientsFile: string | undefined;
  /** What GATEWAY_CLIENTS_FILE said, for error messages. */
  clientsFileSetting: string;
  /** HS256 signing key of access tokens. */
  jwtSecret: string;
  /** True when no key was configured and a random one was made at start (tokens die with the process). */
  jwtSecretGenerated: boolean;
  jwtIssuer: string;
  jwtAudience: string;
  tokenTtlSeconds: number;
  /** Requests per minute per client, unless the clients file says otherwise for a client. */
  rateLimitPerMinute: number;
  /** Requests per minute per IP address before a client is known (token endpoint, bad tokens). */
  anonymousRateLimitPerMinute: number;
  idempotencyTtlHours: number;
  idempotencyPurgeIntervalMs: number;
  /** Requests one instance works on at once; beyond it, 503 OVERLOADED at once (health and metrics exempt). */
  maxInFlight: number;
}

export const DEFAULT_CLIENTS_FILE = 'deploy/local/clients.json';
const MIN_JWT_SECRET_LENGTH = 32;

/**
 * A relative clients file is looked for from the working directory and its parents, then from the
 * running script's directory and its parents: the same default works from the repo root, from
 * `dist/apps/gateway` and from a test runner started anywhere inside the repo.
 */
export function resolveClientsFile(setting: string, startDirs: string[] = defaultStartDirs()): string | undefined {
  if (path.isAbsolute(setting)) return existsSync(setting) ? setting : undefined;
  for (const start of startDirs) {
    for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
      const candidate = path.join(dir, setting);
      if (existsSync(candidate)) return candidate;
      if (path.dirname(dir) === dir) break;
    }
  }
  return undefined;
}

function defaultStartDirs(): string[] {
  const dirs = [process.cwd()];
  if (process.argv[1]) dirs.push(path.dirname(process.argv[1]));
  if (typeof __dirname === 'string') dirs.push(__dirname);
  return dirs;
}

function readTrustProxy(r: EnvReader): GatewayConfig['trustProxy'] {
  const raw = r.optional('GATEWAY_TRUST_PROXY');
  if (!raw || raw === 'false') return false;
  if (raw === 'true') return true;
  if (/^\d+$/.test(raw)) return Number(raw);
  return raw.split(',').map((s) => s.trim()).filter(Boolean);
}

function readJwtSecret(r: EnvReader, nodeEnv: CommonConfig['nodeEnv']): { jwtSecret: string; jwtSecretGenerated: boolean } {
  const given = r.optional('GATEWAY_JWT_SECRET');
  if (given) {
    if (given.length < MIN_JWT_SECRET_LENGTH) r.problems.push(`GATEWAY_JWT_SECRET must be at least ${MIN_JWT_SECRET_LENGTH} characters`);
    return { jwtSecret: given, jwtSecretGenerated: false };
  }
  if (nodeEnv === 'production') {
    r.problems.push('GATEWAY_JWT_SECRET is required when NODE_ENV=production (at least 32 random characters)');
    return { jwtSecret: '', jwtSecretGenerated: false };
  }
  return { jwtSecret: randomBytes(32).toString('base64url'), jwtSecretGenerated: true };
}

export function readGatewayConfig(r: EnvReader): GatewayConfig {
  const common = readCommonConfig(r);
  const clientsFileSetting = r.string('GATEWAY_CLIENTS_FILE', DEFAULT_CLIENTS_FILE);
  return {
    ...common,
    httpHost: r.string('HTTP_HOST', '127.0.0.1'),
    httpPort: r.int('GATEWAY_PORT', GATEWAY_DEFAULT_PORT, { min: 0, max: 65535 }),
    database: r.string('GATEWAY_DATABASE', 'd06_gateway'),
    dbPoolSize: r.int('D06_DB_POOL_SIZE', 10, { min: 2, max: 200 }),
    rpcTimeoutMs: r.int('GATEWAY_RPC_TIMEOUT_MS', 5000, { min: 100, max: 120_000 }),
    healthTimeoutMs: r.int('GATEWAY_HEALTH_TIMEOUT_MS', 1500, { min: 100, max: 30_000 }),
    corsOrigins: r.list('GATEWAY_CORS_ORIGINS', []),
    trustProxy: readTrustProxy(r),
    clientsFile: resolveClientsFile(clientsFileSetting),
    clientsFileSetting,
    ...readJwtSecret(r, common.nodeEnv),
    jwtIssuer: r.string('GATEWAY_JWT_ISSUER', 'd06-gateway'),
    jwtAudience: r.string('GATEWAY_JWT_AUDIENCE', 'd06-api'),
    tokenTtlSeconds: r.int('GATEWAY_TOKEN_TTL_SECONDS', 900, { min: 60, max: 3600 }),
    rateLimitPerMinute: r.int('GATEWAY_RATE_LIMIT_PER_MINUTE', 6000, { min: 1, max: 1_000_000 }),
    anonymousRateLimitPerMinute: r.int('GATEWAY_ANONYMOUS_RATE_LIMIT_PER_MINUTE', 600, { min: 1, max: 1_000_000 }),
    idempotencyTtlHours: r.int('GATEWAY_IDEMPOTENCY_TTL_HOURS', 24, { min: 24, max: 168 }),
    idempotencyPurgeIntervalMs: r.int('GATEWAY_IDEMPOTENCY_PURGE_INTERVAL_MS', 600_000, { min: 1000, max: 86_400_000 }),
    maxInFlight: r.int('GATEWAY_MAX_IN_FLIGHT', 2000, { min: 1, max: 1_000_000 }),
  };
}

export function loadGatewayConfig(env: Record<string, string | undefined>): GatewayConfig {
  const r = new EnvReader(env);
  const config = readGatewayConfig(r);
  r.done();
  return config;
}
