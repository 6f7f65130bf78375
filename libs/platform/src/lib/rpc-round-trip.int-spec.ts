import { randomUUID } from 'node:crypto';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createTestDatabase, deleteTopicsWithPrefix, eventually, testInfra, uniqueTopicPrefix, type TestDatabase } from '@d06/testing';
import { ManagedDataSource } from './managed-data-source';
import { ResilientRpcServer, RpcDispatcher } from './rpc-server';
import { ResilientRpcClient } from './rpc-client';

class CreateNotes1700000000000 implements MigrationInterface {
  async up(q: QueryRunner) {
    await q.query('CREATE TABLE notes (id uuid PRIMARY KEY, text text NOT NULL)');
  }
  async down(q: QueryRunner) {
    await q.query('DROP TABLE notes');
  }
}

/**
 * The foundation's proof that the parts fit: kafkajs 2.2.4 (through Nest's ClientKafka and
 * ServerKafka) against the real local broker, and a row written to a service's own database,
 * created and migrated at start.
 */
describe('request/reply through the real broker into a service database', () => {
  const infra = testInfra();
  const prefix = uniqueTopicPrefix('rpc');
  let db: TestDatabase;
  let data: ManagedDataSource;
  let server: ResilientRpcServer;
  let client: ResilientRpcClient;

  beforeAll(async () => {
    db = await createTestDatabase('rpc');
    data = new ManagedDataSource({
      serverUrl: infra.databaseUrl,
      database: db.name,
      migrations: [CreateNotes1700000000000],
      poolSize: 4,
      appName: 'rpc-test',
    });
    data.start();
    await data.ready();
    const dispatcher = new RpcDispatcher().register('AddNote', async (payload) => {
      const { text } = payload as { text: string };
      const id = randomUUID();
      await data.dataSource.query('INSERT INTO notes (id, text) VALUES ($1, $2)', [id, text]);
      return { ok: true, status: 201, body: { id, text } };
    });
    server = new ResilientRpcServer(
      { service: 'identity', brokers: infra.kafkaBrokers, topicPrefix: prefix, instanceId: prefix, concurrency: 2, topicPartitions: 2 },
      dispatcher,
    );
    server.start();
    client = new ResilientRpcClient({ brokers: infra.kafkaBrokers, topicPrefix: prefix, instanceId: prefix, defaultTimeoutMs: 10_000, topicPartitions: 2 });
    client.start();
    await eventually(() => server.kafkaStatus === 'up' && client.kafkaStatus === 'up', { timeoutMs: 45_000, what: 'Kafka links up' });
  }, 60_000);

  afterAll(async () => {
    await client?.stop();
    await server?.stop();
    await data?.stop();
    await db?.drop();
    await deleteTopicsWithPrefix(prefix);
  });

  it('given a running service, when the client sends a request, then the reply carries the row the service stored', async () => {
    const meta = { correlationId: randomUUID(), actor: { clientId: 'test' } };
    const reply = await eventually(
      async () => {
        const r = await client.call('identity', 'AddNote', { text: 'xin chào' }, meta, { timeoutMs: 5000 });
        return r.ok ? r : undefined;
      },
      { timeoutMs: 30_000, what: 'a reply' },
    );
    expect(reply).toMatchObject({ ok: true, status: 201, body: { text: 'xin chào' } });
    const id = (reply as { body: { id: string } }).body.id;
    const rows = await data.dataSource.query('SELECT text FROM notes WHERE id = $1', [id]);
    expect(rows).toEqual([{ text: 'xin chào' }]);
  }, 45_000);

  it('given an unknown request type, when it is sent, then the service answers with a refusal value', async () => {
    const reply = await client.call('identity', 'NoSuchThing', {}, { correlationId: randomUUID(), actor: { clientId: 'test' } });
    expect(reply).toEqual({ ok: false, error: expect.objectContaining({ code: 'UNKNOWN_RPC_TYPE' }) });
  }, 30_000);

  it('given a service that is not running, when a request is sent, then the client gives up with ServiceUnavailableError', async () => {
    await expect(
      client.call('residence', 'Anything', {}, { correlationId: randomUUID(), actor: { clientId: 'test' } }, { timeoutMs: 300 }),
    ).rejects.toThrow(/residence service unavailable/);
  });
});
