import 'reflect-metadata';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DataSource, type MigrationInterface } from 'typeorm';
import type {
  Address,
  CitizenDataAccessedData,
  CitizenRegisteredData,
  CitizenResidenceChangedData,
  RequestMeta,
  ServiceName,
} from '@d06/contracts';
import { EventStore, installEventStoreSchema, quietLogger, Sealer, type NewEvent, type Projection } from '@d06/event-sourcing';
import { listProvinces, listWards } from '@d06/reference-data';
import { createTestDatabase, testInfra, type TestDatabase } from '@d06/testing';
import { runCli, type CliResult } from '../app/cli-runner';

/**
 * Test kit of the ops-cli integration suites: a service database built with the event-sourcing
 * library itself (store schema, read-model migrations, inline projections, a sealer), events in
 * the shapes the contracts define, and the CLI run in-process against it.
 */

export type MigrationClass = new () => MigrationInterface;

export interface StoreFixture {
  service: ServiceName;
  db: TestDatabase;
  dataSource: DataSource;
  store: EventStore;
  sealer: Sealer;
  /** Seals everything committed so far (what the service's sealer does in the background). */
  seal(): Promise<number>;
  sql<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export async function storeFixture(
  label: string,
  service: ServiceName,
  migrations: readonly MigrationClass[],
  projections: readonly Projection[],
): Promise<StoreFixture> {
  const db = await createTestDatabase(label);
  const dataSource = await new DataSource({ type: 'postgres', url: db.url, logging: false, extra: { max: 12 } }).initialize();
  await installEventStoreSchema(dataSource);
  const runner = dataSource.createQueryRunner();
  try {
    for (const Migration of migrations) await new Migration().up(runner);
  } finally {
    await runner.release();
  }
  const store = new EventStore({ dataSource, service, projections, logger: quietLogger });
  const sealer = new Sealer({ store, logger: quietLogger, batchSize: 5000 });
  return {
    service,
    db,
    dataSource,
    store,
    sealer,
    seal: () => sealer.sealAll(),
    sql: async <T>(text: string, params: unknown[] = []) => (await dataSource.query(text, params)) as T[],
    async close() {
      if (dataSource.isInitialized) await dataSource.destroy();
      await db.drop();
    },
  };
}

export const meta = (correlationId = 'corr-ops-test'): RequestMeta => ({ correlationId, actor: { clientId: 'officer', subject: 'cb-042' } });

// ---------------------------------------------------------------------------------------------
// Events in the contract's shapes

export interface TestCitizen {
  personalId: string;
  fullName: string;
  dateOfBirth: string;
  gender: 'MALE';
}

/** A valid personal ID: Hà Nội (001), a man born in 1990, serial n. */
export function citizen(n: number): TestCitizen {
  return { personalId: `001090${String(n).padStart(6, '0')}`, fullName: `Nguyễn Văn ${n}`, dateOfBirth: '1990-01-01', gender: 'MALE' };
}

/** The i-th real ward of the 2025 list (so payload validators accept the address). */
export function address(i: number, detail = `Số ${i} đường Lê Lợi`): Address {
  const wards = listProvinces().flatMap((p) => listWards(p.code));
  const ward = wards[i % wards.length];
  return { provinceCode: ward.provinceCode, wardCode: ward.code, detail };
}

export function registered(c: TestCitizen, at: string, permanentAddress: Address | null = address(1)): NewEvent<'CitizenRegistered', CitizenRegisteredData> {
  return { type: 'CitizenRegistered', data: { ...c, permanentAddress, registeredAt: at } };
}

export function movedPermanently(
  c: TestCitizen,
  to: Address,
  at: string,
  dossierId: string,
): NewEvent<'CitizenResidenceChanged', CitizenResidenceChangedData> {
  return {
    type: 'CitizenResidenceChanged',
    data: { personalId: c.personalId, kind: 'PERMANENT', address: to, validUntil: null, dossierId, procedure: 'PERMANENT_REGISTRATION', changedAt: at },
  };
}

export function accessed(c: TestCitizen, at: string, correlationId = 'corr-read'): NewEvent<'CitizenDataAccessed', CitizenDataAccessedData> {
  return {
    type: 'CitizenDataAccessed',
    data: { personalId: c.personalId, clientId: 'agency', purpose: 'xác minh cư trú', fields: ['fullName'], channel: 'SHARING', correlationId, accessedAt: at },
  };
}

/** A UUID that tests can recognise: n in the last group. */
export function testUuid(n: number): string {
  return `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
}

// ---------------------------------------------------------------------------------------------
// The CLI in-process

export interface OpsEnvOptions {
  databases?: Partial<Record<ServiceName, string>>;
  topicPrefix?: string;
  dataDir?: string;
  extra?: Record<string, string>;
}

/** The environment `npm run ops` would see, pointed at the suite's databases and topics. */
export function opsEnv(options: OpsEnvOptions = {}): Record<string, string> {
  const infra = testInfra();
  const env: Record<string, string> = {
    DATABASE_URL: infra.databaseUrl,
    KAFKA_BROKERS: infra.kafkaBrokers.join(','),
    D06_TOPIC_PREFIX: options.topicPrefix ?? '',
    OPS_CONNECT_TIMEOUT_MS: '5000',
  };
  for (const [service, name] of Object.entries(options.databases ?? {})) env[`${service.toUpperCase()}_DATABASE`] = name;
  if (options.dataDir) env['OPS_DATA_DIR'] = options.dataDir;
  return { ...env, ...options.extra };
}

export function ops(args: readonly string[], env: Record<string, string>): Promise<CliResult> {
  return runCli(args, env);
}

/** Fails with everything the CLI said when it did not end as expected. */
export function expectCode(result: CliResult, code: number): CliResult {
  if (result.code !== code) {
    throw new Error(`expected exit ${code}, got ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`);
  }
  return result;
}

export async function temporaryDirectory(label: string): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), `d06-ops-${label}-`));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
