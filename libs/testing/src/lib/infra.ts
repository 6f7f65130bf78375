import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { Kafka, logLevel } from 'kafkajs';

/**
 * Where the tests find Postgres and Kafka. The jest global set-up of the int and e2e targets
 * (tools/jest/global-setup.cjs) makes sure both are running and exports their addresses;
 * running a suite without it means the caller set DATABASE_URL and KAFKA_BROKERS.
 */
export interface TestInfra {
  databaseUrl: string;
  kafkaBrokers: string[];
}

export function testInfra(): TestInfra {
  const databaseUrl = process.env['DATABASE_URL'];
  const brokers = process.env['KAFKA_BROKERS'];
  if (!databaseUrl || !brokers) {
    throw new Error(
      'DATABASE_URL and KAFKA_BROKERS are not set: run integration suites through `npm test` ' +
        '(or `npx nx run <project>:int-test`), whose global set-up starts Postgres and Kafka.',
    );
  }
  return { databaseUrl, kafkaBrokers: brokers.split(',').map((b) => b.trim()) };
}

/** A short unique name, safe for database names and topic prefixes. */
export function uniqueName(label: string): string {
  const clean = label.toLowerCase().replace(/[^a-z0-9]+/g, '_').slice(0, 24);
  return `t_${clean}_${randomBytes(4).toString('hex')}`;
}

export function databaseUrlFor(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A fresh, empty database of its own for one suite; `drop()` removes it. */
export async function createTestDatabase(label: string, infra = testInfra()): Promise<TestDatabase> {
  const name = uniqueName(label);
  const admin = new Client({ connectionString: infra.databaseUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  return {
    name,
    url: databaseUrlFor(infra.databaseUrl, name),
    async drop() {
      const c = new Client({ connectionString: infra.databaseUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

export function testKafka(infra = testInfra(), clientId = 'd06-test'): Kafka {
  return new Kafka({ clientId, brokers: infra.kafkaBrokers, logLevel: logLevel.NOTHING });
}

/** A topic prefix of its own for one suite, e.g. `t_gateway_1a2b3c4d.`. */
export function uniqueTopicPrefix(label: string): string {
  return `${uniqueName(label)}.`;
}

/** Deletes every topic whose name starts with `prefix` (a suite's clean-up). */
export async function deleteTopicsWithPrefix(prefix: string, infra = testInfra()): Promise<void> {
  if (!prefix) throw new Error('refusing to delete topics without a prefix');
  const admin = testKafka(infra).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 10_000 });
  } finally {
    await admin.disconnect();
  }
}
