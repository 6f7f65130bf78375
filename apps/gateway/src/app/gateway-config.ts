import { EnvReader, readCommonConfig, type CommonConfig } from '@d06/platform';

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
}

export function readGatewayConfig(r: EnvReader): GatewayConfig {
  return {
    ...readCommonConfig(r),
    httpHost: r.string('HTTP_HOST', '127.0.0.1'),
    httpPort: r.int('GATEWAY_PORT', 3000, { min: 0, max: 65535 }),
    database: r.string('GATEWAY_DATABASE', 'd06_gateway'),
    dbPoolSize: r.int('D06_DB_POOL_SIZE', 20, { min: 2, max: 200 }),
    rpcTimeoutMs: r.int('GATEWAY_RPC_TIMEOUT_MS', 5000, { min: 100, max: 120_000 }),
    healthTimeoutMs: r.int('GATEWAY_HEALTH_TIMEOUT_MS', 1500, { min: 100, max: 30_000 }),
    corsOrigins: r.list('GATEWAY_CORS_ORIGINS', []),
  };
}

export function loadGatewayConfig(env: Record<string, string | undefined>): GatewayConfig {
  const r = new EnvReader(env);
  const config = readGatewayConfig(r);
  r.done();
  return config;
}
