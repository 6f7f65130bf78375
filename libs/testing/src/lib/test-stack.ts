import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Client } from 'pg';
import { databaseUrlFor, deleteTopicsWithPrefix, testInfra, uniqueName, type TestInfra } from './infra';
import { eventually } from './wait';

export const STACK_APPS = ['identity-service', 'residence-service', 'lodging-service', 'gateway'] as const;
export type StackApp = (typeof STACK_APPS)[number];

const ROOT = path.resolve(__dirname, '../../../..');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface TestStack {
  /** e.g. http://127.0.0.1:41234 (no trailing slash); the API is under /api/v1. The first gateway. */
  gatewayUrl: string;
  /** Every gateway instance's URL (one per replica), as a load balancer would spread over them. */
  gatewayUrls: string[];
  /** Instances of each app (TestStackOptions.replicas). */
  replicas: number;
  prefix: string;
  databases: Record<StackApp, string>;
  /** The HTTP port of each app's first instance. */
  ports: Record<StackApp, number>;
  /** The HTTP ports of every instance of each app. */
  instancePorts: Record<StackApp, number[]>;
  infra: TestInfra;
  /** A bearer token of a demo client (secret `<clientId>-local-secret`). */
  token(clientId: string): Promise<string>;
  /** fetch against a gateway (the first unless `gateway` names another replica) with JSON in and out. */
  http(method: string, apiPath: string, options?: { token?: string; body?: unknown; headers?: Record<string, string>; gateway?: number }): Promise<{ status: number; body: any; headers: Headers }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** A direct connection to one app's database. */
  query<T = Record<string, unknown>>(app: StackApp, sql: string, params?: unknown[]): Promise<T[]>;
  /** Kills one instance of `app` (replica 0 unless told). */
  kill(app: StackApp, signal?: NodeJS.Signals, replica?: number): Promise<void>;
  restart(app: StackApp, replica?: number): Promise<void>;
  waitHealthy(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export interface TestStackOptions {
  label: string;
  env?: Record<string, string>;
  /** Apps to run (default all four). */
  apps?: readonly StackApp[];
  partitions?: number;
  /**
   * Instances of each app (default 1). Replicas of an app share its database and consumer
   * groups, as Deployments with several pods do: Kafka spreads the partitions over them and
   * one instance at a time runs the sealer and relay. Each has an HTTP port of its own.
   */
  replicas?: number;
}

const PORT_VARIABLE: Record<StackApp, string> = {
  'identity-service': 'IDENTITY_HTTP_PORT',
  'residence-service': 'RESIDENCE_HTTP_PORT',
  'lodging-service': 'LODGING_HTTP_PORT',
  gateway: 'GATEWAY_PORT',
};

/**
 * Extra node flags for every app of a test stack, e.g. `D06_STACK_NODE_ARGS="--cpu-prof
 * --cpu-prof-dir=/tmp/prof"` to profile the apps under a benchmark (node refuses --cpu-prof in
 * NODE_OPTIONS).
 */
const STACK_NODE_ARGS = (process.env['D06_STACK_NODE_ARGS'] ?? '').split(/\s+/).filter(Boolean);

/** Each app's own node flags, as `npm start` and the deployments give them (deploy/local/node-args.json). */
const APP_NODE_ARGS = JSON.parse(readFileSync(path.join(ROOT, 'deploy/local/node-args.json'), 'utf8')) as Partial<Record<StackApp, string[]>>;

/**
 * The whole system as separate processes (the built apps in dist/), on the real broker and
 * Postgres, under a topic prefix and databases of its own: what end-to-end and fault tests
 * run against. Needs `nx run-many -t build` first (the e2e-test target depends on it).
 */
export async function startTestStack(options: TestStackOptions): Promise<TestStack> {
  const infra = testInfra();
  const base = uniqueName(options.label);
  const prefix = `${base}.`;
  const apps = options.apps ?? STACK_APPS;
  for (const app of apps) {
    const main = path.join(ROOT, 'dist/apps', app, 'main.js');
    if (!existsSync(main)) throw new Error(`${main} is missing: run \`npx nx run-many -t build\` first`);
  }
  const databases = {
    'identity-service': `${base}_identity`,
    'residence-service': `${base}_residence`,
    'lodging-service': `${base}_lodging`,
    gateway: `${base}_gateway`,
  } as Record<StackApp, string>;
  const replicas = options.replicas ?? 1;
  if (!Number.isInteger(replicas) || replicas < 1) throw new Error(`replicas must be a positive integer, not ${replicas}`);
  const instancePorts = {} as Record<StackApp, number[]>;
  for (const app of STACK_APPS) {
    instancePorts[app] = [];
    for (let r = 0; r < replicas; r++) instancePorts[app].push(await freePort());
  }
  const ports = Object.fromEntries(STACK_APPS.map((app) => [app, instancePorts[app][0]])) as Record<StackApp, number>;
  const logDir = path.join(ROOT, '.data/test-logs', base);
  mkdirSync(logDir, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: process.env['D06_TEST_LOG_LEVEL'] ?? 'info',
    DATABASE_URL: infra.databaseUrl,
    KAFKA_BROKERS: infra.kafkaBrokers.join(','),
    D06_TOPIC_PREFIX: prefix,
    D06_INSTANCE_ID: base,
    D06_TOPIC_PARTITIONS: String(options.partitions ?? 3),
    IDENTITY_DATABASE: databases['identity-service'],
    RESIDENCE_DATABASE: databases['residence-service'],
    LODGING_DATABASE: databases['lodging-service'],
    GATEWAY_DATABASE: databases.gateway,
    IDENTITY_HTTP_PORT: String(ports['identity-service']),
    RESIDENCE_HTTP_PORT: String(ports['residence-service']),
    LODGING_HTTP_PORT: String(ports['lodging-service']),
    GATEWAY_PORT: String(ports.gateway),
    // Parallel suites each run four apps against one server with 100 connections.
    D06_DB_POOL_SIZE: process.env['D06_TEST_DB_POOL_SIZE'] ?? '6',
    // One signing key for the whole stack: a token from one gateway instance is good at the
    // others and after a gateway restart, as in a deployment (each would make its own otherwise).
    GATEWAY_JWT_SECRET: randomBytes(24).toString('hex'),
    ...options.env,
  };
  const children = new Map<string, ChildProcess>();
  const instanceName = (app: StackApp, replica: number) => (replicas === 1 ? app : `${app}-${replica}`);
  const spawnApp = (app: StackApp, replica: number) => {
    const name = instanceName(app, replica);
    const log = createWriteStream(path.join(logDir, `${name}.log`), { flags: 'a' });
    const child = spawn(process.execPath, [...(APP_NODE_ARGS[app] ?? []), ...STACK_NODE_ARGS, path.join(ROOT, 'dist/apps', app, 'main.js')], {
      cwd: ROOT,
      env: { ...env, [PORT_VARIABLE[app]]: String(instancePorts[app][replica]) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    children.set(name, child);
  };
  for (const app of apps) for (let r = 0; r < replicas; r++) spawnApp(app, r);

  const gatewayUrls = instancePorts.gateway.map((port) => `http://127.0.0.1:${port}`);
  const gatewayUrl = gatewayUrls[0];
  const http: TestStack['http'] = async (method, apiPath, { token, body, headers = {}, gateway = 0 } = {}) => {
    const target = gatewayUrls[gateway];
    if (!target) throw new Error(`no gateway replica ${gateway} (the stack runs ${replicas})`);
    const res = await fetch(`${target}${apiPath.startsWith('/api') || apiPath.startsWith('/health') || apiPath.startsWith('/metrics') ? apiPath : `/api/v1${apiPath}`}`, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: parsed, headers: res.headers };
  };
  const waitHealthy = async (timeoutMs = 90_000) => {
    const healthy = async (url: string) => (await fetch(`${url}/health`).catch(() => null))?.status === 200;
    // Every gateway (which asks each service over Kafka) and, with replicas, every service instance.
    const urls = [
      ...gatewayUrls,
      ...(replicas > 1 ? apps.filter((a) => a !== 'gateway').flatMap((a) => instancePorts[a].map((p) => `http://127.0.0.1:${p}`)) : []),
    ];
    await eventually(async () => (await Promise.all(urls.map(healthy))).every(Boolean), { timeoutMs, intervalMs: 250, what: `stack ${base} healthy (logs: ${logDir})` });
  };
  const tokens = new Map<string, string>();
  const stop = async () => {
    await Promise.all(
      [...children.values()].map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            const t = setTimeout(() => c.kill('SIGKILL'), 10_000);
            c.once('exit', () => {
              clearTimeout(t);
              resolve();
            });
            c.kill('SIGTERM');
          }),
      ),
    );
    const admin = new Client({ connectionString: infra.databaseUrl });
    await admin.connect();
    try {
      for (const db of Object.values(databases)) await admin.query(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`);
    } finally {
      await admin.end();
    }
    await deleteTopicsWithPrefix(prefix, infra).catch(() => undefined);
  };
  const stack: TestStack = {
    gatewayUrl,
    gatewayUrls,
    replicas,
    prefix,
    databases,
    ports,
    instancePorts,
    infra,
    http,
    async token(clientId) {
      const cached = tokens.get(clientId);
      if (cached) return cached;
      const res = await http('POST', '/auth/token', { body: { grant_type: 'client_credentials', client_id: clientId, client_secret: `${clientId}-local-secret` } });
      if (res.status !== 200) throw new Error(`token for ${clientId}: ${res.status} ${JSON.stringify(res.body)}`);
      tokens.set(clientId, res.body.access_token);
      return res.body.access_token;
    },
    async query(app, sql, params = []) {
      const c = new Client({ connectionString: databaseUrlFor(infra.databaseUrl, databases[app]) });
      await c.connect();
      try {
        return (await c.query(sql, params)).rows;
      } finally {
        await c.end();
      }
    },
    async kill(app, signal = 'SIGKILL', replica = 0) {
      const c = children.get(instanceName(app, replica));
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        c.once('exit', () => resolve());
        c.kill(signal);
      });
    },
    async restart(app, replica = 0) {
      await stack.kill(app, 'SIGTERM', replica);
      spawnApp(app, replica);
    },
    waitHealthy,
    stop,
  };
  if (apps.includes('gateway') && apps.length === STACK_APPS.length) {
    try {
      await waitHealthy();
    } catch (err) {
      await stop();
      throw err;
    }
  }
  return stack;
}
