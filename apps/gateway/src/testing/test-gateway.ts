import type { INestApplication } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { SignJWT } from 'jose';
import type { DestinationStream } from 'pino';
import { RPC_CLIENT, startNestApp, type Clock, type ManagedDataSource, type ResilientRpcClient } from '@d06/platform';
import { createTestDatabase, deleteTopicsWithPrefix, eventually, testInfra, uniqueName, type TestDatabase } from '@d06/testing';
import { GatewayAppModule } from '../app/gateway-app.module';
import { loadGatewayConfig, type GatewayConfig } from '../app/gateway-config';
import { configureGateway } from '../app/configure-gateway';
import { GATEWAY_DATABASE } from '../app/gateway.tokens';
import { testClientRegistry, testSecretOf, type TestClientSpec } from './test-clients';

export const TEST_JWT_SECRET = 'test-signing-key-of-at-least-32-characters!';

export interface TestGatewayOptions {
  label?: string;
  /** Shared with fake services started by the test (default: a new unique prefix). */
  topicPrefix?: string;
  /** Environment for loadGatewayConfig on top of the test defaults (never process.env). */
  env?: Record<string, string>;
  clients?: readonly TestClientSpec[];
  clock?: Clock;
  logDestination?: DestinationStream;
}

export interface TestResponse {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed JSON body (undefined when the body is not JSON). */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface RequestOptions {
  token?: string;
  /** Sent as JSON unless a string (then sent as is, with the content type given in headers or JSON). */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface TestGateway {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  app: INestApplication;
  config: GatewayConfig;
  prefix: string;
  database: TestDatabase;
  /** A bearer token from POST /auth/token for a test client (cached per client and scope). */
  token(clientId: string, scope?: string): Promise<string>;
  /** A token signed with the gateway's key but claims of the test's choosing (expired, other audience...). */
  forgeToken(claims: { sub?: string; scope?: string; iat?: number; exp?: number; aud?: string; iss?: string; jti?: string }, key?: string): Promise<string>;
  /** `path` under /api/v1 unless it starts with / (then from the root). */
  request(method: string, path: string, options?: RequestOptions): Promise<TestResponse>;
  /** Rows of the gateway's own database. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

/**
 * Boots the gateway in-process the way main.ts does (GatewayAppModule + configureGateway through
 * startNestApp) on port 0, with a database and topic prefix of its own on the real Postgres and
 * Kafka of testInfra().
 */
export async function startTestGateway(options: TestGatewayOptions = {}): Promise<TestGateway> {
  const infra = testInfra();
  const label = options.label ?? 'gateway';
  const prefix = options.topicPrefix ?? `${uniqueName(label)}.`;
  const database = await createTestDatabase(label, infra);
  const config = loadGatewayConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: infra.databaseUrl,
    KAFKA_BROKERS: infra.kafkaBrokers.join(','),
    D06_TOPIC_PREFIX: prefix,
    D06_TOPIC_PARTITIONS: '2',
    D06_INSTANCE_ID: uniqueName(`${label}_gw`),
    GATEWAY_DATABASE: database.name,
    GATEWAY_JWT_SECRET: TEST_JWT_SECRET,
    GATEWAY_RPC_TIMEOUT_MS: '3000',
    GATEWAY_PORT: '0',
    D06_DB_POOL_SIZE: '10',
    ...options.env,
  });
  const clients = await testClientRegistry(options.clients);
  const app = await startNestApp(GatewayAppModule.forRoot(config, { clients, clock: options.clock, logDestination: options.logDestination }), {
    host: '127.0.0.1',
    port: 0,
    bodyParser: false,
    configure: (a) => configureGateway(a, config),
  });
  const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const db = app.get<ManagedDataSource>(GATEWAY_DATABASE);
  await db.ready();
  // Always waited for: closing the app while its Kafka client is still connecting would leak
  // the client (it would connect after stop() and keep the test process alive).
  const rpc = app.get<ResilientRpcClient>(RPC_CLIENT);
  await eventually(() => rpc.kafkaStatus === 'up', { timeoutMs: 60_000, intervalMs: 100, what: 'gateway request/reply link to Kafka' });

  const request: TestGateway['request'] = async (method, path, { token, body, headers = {} } = {}) => {
    const target = path.startsWith('/') ? `${url}${path}` : `${url}/api/v1/${path}`;
    const res = await fetch(target, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, headers: res.headers, text, body: parsed };
  };

  const tokens = new Map<string, string>();
  const key = new TextEncoder().encode(TEST_JWT_SECRET);
  return {
    url,
    app,
    config,
    prefix,
    database,
    request,
    async token(clientId, scope) {
      const cacheKey = `${clientId} ${scope ?? ''}`;
      const cached = tokens.get(cacheKey);
      if (cached) return cached;
      const res = await request('POST', 'auth/token', {
        body: { grant_type: 'client_credentials', client_id: clientId, client_secret: testSecretOf(clientId), ...(scope ? { scope } : {}) },
      });
      if (res.status !== 200) throw new Error(`token for ${clientId}: ${res.status} ${res.text}`);
      tokens.set(cacheKey, res.body.access_token);
      return res.body.access_token as string;
    },
    async forgeToken(claims, otherKey) {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ scope: claims.scope ?? '' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(claims.sub ?? 'admin')
        .setIssuer(claims.iss ?? config.jwtIssuer)
        .setAudience(claims.aud ?? config.jwtAudience)
        .setJti(claims.jti ?? uniqueName('jti'))
        .setIssuedAt(claims.iat ?? now)
        .setExpirationTime(claims.exp ?? now + 600)
        .sign(otherKey ? new TextEncoder().encode(otherKey) : key);
    },
    async query(sql, params = []) {
      return db.dataSource.query(sql, params);
    },
    async close() {
      await app.close();
      await database.drop().catch(() => undefined);
      if (!options.topicPrefix) await deleteTopicsWithPrefix(prefix, infra).catch(() => undefined);
    },
  };
}
