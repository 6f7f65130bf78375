import { DataSource } from 'typeorm';
import type { ServiceName } from '@d06/contracts';
import { EventStore, pgError, queryOne } from '@d06/event-sourcing';
import { databaseUrl } from '@d06/platform';
import { OpsError, messageOf } from './ops-errors';
import type { OpsContext } from './ops-context';
import { serviceEntry } from './service-catalog';

export interface ServiceDatabase {
  service: ServiceName;
  database: string;
  dataSource: DataSource;
  /** The service's event store, read-only as far as the CLI is concerned (no inline projections). */
  store: EventStore;
  close(): Promise<void>;
}

/** The server part of a URL without credentials, for messages. */
export function displayServer(serverUrl: string): string {
  try {
    const url = new URL(serverUrl);
    return `${url.hostname}:${url.port || '5432'}`;
  } catch {
    return 'the configured server';
  }
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'ECONNRESET', 'EAI_AGAIN']);

/** Turns a failed connection into one line that says what to check. */
export function connectionError(err: unknown, service: ServiceName, database: string, serverUrl: string): OpsError {
  const server = displayServer(serverUrl);
  // Connecting to a host name with several addresses fails with an AggregateError of each attempt.
  const inner = typeof err === 'object' && err !== null ? (err as { errors?: unknown }).errors : undefined;
  const nested = Array.isArray(inner) && inner.length > 0 ? inner[0] : err;
  const code = pgError(nested).code ?? pgError(err).code;
  const variable = `${service.toUpperCase()}_DATABASE`;
  if (code === '3D000') {
    return new OpsError(
      'DATABASE_MISSING',
      `database ${database} does not exist on ${server}: has the ${service} service run there (check ${variable} and DATABASE_URL)?`,
    );
  }
  if (code === '28P01' || code === '28000') {
    return new OpsError('DATABASE_UNREACHABLE', `Postgres at ${server} refused the credentials of DATABASE_URL (${messageOf(err)})`);
  }
  const message = messageOf(err);
  if ((code && UNREACHABLE.has(code)) || /timeout|terminated|ECONNREFUSED|getaddrinfo/i.test(message)) {
    return new OpsError('DATABASE_UNREACHABLE', `cannot reach Postgres at ${server} (${message}): is it running, and is DATABASE_URL right?`);
  }
  return new OpsError('DATABASE_UNREACHABLE', `cannot open database ${database} on ${server}: ${message}`);
}

/**
 * Connects to one service's own database (never creating or migrating it: the service owns its
 * schema) and checks that it holds an event store. The pool is small: the CLI works next to the
 * running services and must not take their connections.
 */
export async function openServiceDatabase(ctx: OpsContext, service: ServiceName, purpose: string, poolSize = 6): Promise<ServiceDatabase> {
  const config = ctx.config;
  const database = config.databases[service];
  const dataSource = new DataSource({
    type: 'postgres',
    url: databaseUrl(config.databaseServerUrl, database),
    applicationName: `d06-ops-${purpose}`,
    logging: false,
    synchronize: false,
    migrationsRun: false,
    extra: { max: poolSize, connectionTimeoutMillis: config.connectTimeoutMs },
  });
  try {
    await dataSource.initialize();
  } catch (err) {
    throw connectionError(err, service, database, config.databaseServerUrl);
  }
  const close = async () => {
    if (dataSource.isInitialized) await dataSource.destroy().catch(() => undefined);
  };
  try {
    const found = await queryOne<{ events: string | null }>(dataSource, `SELECT to_regclass('public.events')::text AS events`);
    if (!found?.events) {
      throw new OpsError(
        'STORE_MISSING',
        `database ${database} has no event store (table events): is it the ${service} service's database, and has the service started there once?`,
      );
    }
  } catch (err) {
    await close();
    if (err instanceof OpsError) throw err;
    throw connectionError(err, service, database, config.databaseServerUrl);
  }
  const store = new EventStore({
    dataSource,
    service,
    upcasters: serviceEntry(service).upcasters(),
    logger: ctx.logger,
  });
  return { service, database, dataSource, store, close };
}

/** Opens, runs `work`, and always closes. */
export async function withServiceDatabase<T>(
  ctx: OpsContext,
  service: ServiceName,
  purpose: string,
  work: (db: ServiceDatabase) => Promise<T>,
  poolSize?: number,
): Promise<T> {
  const db = await openServiceDatabase(ctx, service, purpose, poolSize);
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

/** Tables of `tables` missing from the live schema. */
export async function missingTables(db: ServiceDatabase, tables: readonly string[]): Promise<string[]> {
  const missing: string[] = [];
  for (const table of tables) {
    const row = await queryOne<{ t: string | null }>(db.dataSource, 'SELECT to_regclass($1)::text AS t', [`public.${table}`]);
    if (!row?.t) missing.push(table);
  }
  return missing;
}
