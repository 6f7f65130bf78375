import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { InvalidArgumentError } from './errors';

/** Anything raw SQL can be sent through: the data source, a transaction's manager, a query runner. */
export type SqlTarget = DataSource | EntityManager | QueryRunner;

export interface SqlResult<T> {
  rows: T[];
  rowCount: number;
}

interface StructuredResult {
  records: unknown[];
  affected?: number;
}

function isQueryRunner(target: SqlTarget): target is QueryRunner {
  return 'startTransaction' in target && 'release' in target;
}

function isDataSource(target: SqlTarget): target is DataSource {
  return 'initialize' in target && 'createQueryRunner' in target;
}

/**
 * Runs one statement and returns its rows and affected-row count. TypeORM's `query()` returns
 * `[rows, count]` for UPDATE/DELETE and plain rows otherwise; the structured form of a query
 * runner gives both uniformly, so everything goes through one.
 */
export async function execute<T>(target: SqlTarget, sql: string, params: readonly unknown[] = []): Promise<SqlResult<T>> {
  let runner: QueryRunner | undefined;
  let owned = false;
  if (isQueryRunner(target)) runner = target;
  else if (isDataSource(target)) {
    runner = target.createQueryRunner();
    owned = true;
  } else if (target.queryRunner) runner = target.queryRunner;
  else {
    runner = target.connection.createQueryRunner();
    owned = true;
  }
  try {
    const result = (await runner.query(sql, [...params], true)) as StructuredResult;
    const rows = (result.records ?? []) as T[];
    return { rows, rowCount: result.affected ?? rows.length };
  } finally {
    if (owned) await runner.release();
  }
}

export async function queryRows<T>(target: SqlTarget, sql: string, params: readonly unknown[] = []): Promise<T[]> {
  return (await execute<T>(target, sql, params)).rows;
}

export async function queryOne<T>(target: SqlTarget, sql: string, params: readonly unknown[] = []): Promise<T | undefined> {
  return (await execute<T>(target, sql, params)).rows[0];
}

/** Postgres error fields we branch on; TypeORM wraps the driver error in `driverError`. */
export interface PgErrorInfo {
  code?: string;
  constraint?: string;
  detail?: string;
}

export function pgError(err: unknown): PgErrorInfo {
  if (typeof err !== 'object' || err === null) return {};
  const inner = (err as { driverError?: unknown }).driverError;
  const source = (typeof inner === 'object' && inner !== null ? inner : err) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return { code: str(source['code']), constraint: str(source['constraint']), detail: str(source['detail']) };
}

/**
 * Connection-level failures: the database is away, not the message at fault. Consumers keep
 * retrying these instead of dead-lettering a good message because Postgres restarted.
 */
export function isConnectionError(err: unknown): boolean {
  const { code } = pgError(err);
  if (code && (code.startsWith('08') || code.startsWith('57P') || code === '53300')) return true;
  if (code && ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND'].includes(code)) return true;
  const message = err instanceof Error ? err.message : '';
  return /Connection terminated|connection timeout|Client has encountered a connection error|ECONNREFUSED/i.test(message);
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** Table and schema names come from code, but are still checked before they meet SQL text. */
export function ident(name: string): string {
  if (!IDENTIFIER.test(name)) {
    throw new InvalidArgumentError(`"${name}" is not a plain lower-case SQL identifier`);
  }
  return `"${name}"`;
}

export function isIdentifier(name: string): boolean {
  return IDENTIFIER.test(name);
}

/** A named statement: pg prepares it once per connection and then only binds and executes. */
export interface PreparedQuery {
  name: string;
  text: string;
  values: unknown[];
}

/** The bit of a pg Pool the hot paths use. */
export interface PgPool {
  query<R>(sql: string, params?: unknown[]): Promise<{ rows: R[]; rowCount: number | null }>;
  query<R>(config: PreparedQuery): Promise<{ rows: R[]; rowCount: number | null }>;
  connect(): Promise<PgPoolClient>;
}

export interface PgPoolClient {
  query(sql: string, params?: unknown[]): Promise<unknown>;
  release(err?: Error | boolean): void;
  on(event: 'error', listener: (err: Error) => void): unknown;
  off(event: 'error', listener: (err: Error) => void): unknown;
}

/**
 * The pg pool under a TypeORM Postgres data source. The two hot paths (an append outside any
 * transaction, a sealer batch) go straight to it: TypeORM's per-query runner, logging and
 * broadcast cost more than the query itself at a few hundred microseconds a round trip.
 */
export function pgPoolOf(dataSource: DataSource): PgPool {
  const master = (dataSource.driver as unknown as { master?: unknown }).master;
  const pool = master as Partial<PgPool> | undefined;
  if (!pool || typeof pool.query !== 'function' || typeof pool.connect !== 'function') {
    throw new InvalidArgumentError('the event store needs an initialized TypeORM data source of type "postgres"');
  }
  return pool as PgPool;
}

interface PgQueryable {
  query<R>(config: PreparedQuery): Promise<{ rows: R[] }>;
}

/**
 * Runs a statement as a named prepared statement (parsed and planned once per connection,
 * generic plan after Postgres' five custom ones). For the event store's hot statements, whose
 * planning cost more than their execution: the append CTE took 0.6-0.7 ms to plan and 0.4-0.6 ms
 * to run. Inside a TypeORM transaction it goes through that transaction's own connection.
 */
export async function queryPrepared<T>(target: SqlTarget | PgPool, query: PreparedQuery): Promise<T[]> {
  if (isPgPoolTarget(target)) return (await target.query<T>(query)).rows;
  if (isDataSource(target)) return (await pgPoolOf(target).query<T>(query)).rows;
  const runner = isQueryRunner(target) ? target : target.queryRunner;
  // A manager outside any transaction: any pooled connection will do.
  if (!runner) return (await pgPoolOf(target.connection).query<T>(query)).rows;
  const client = (await runner.connect()) as PgQueryable;
  return (await client.query<T>(query)).rows;
}

function isPgPoolTarget(target: SqlTarget | PgPool): target is PgPool {
  return !('createQueryRunner' in target) && !('connection' in target) && !('startTransaction' in target);
}
