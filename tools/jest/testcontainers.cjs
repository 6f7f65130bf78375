// Postgres and Kafka in containers, for machines with a Docker engine (none runs on the CI
// machines of this project, which use deploy/local instead). Same Kafka version as the local broker.
const KAFKA_IMAGE = 'apache/kafka:3.9.1';
const POSTGRES_IMAGE = 'postgres:16-alpine';

async function startContainers() {
  const { GenericContainer, Wait } = require('testcontainers');
  const { PostgreSqlContainer } = require('@testcontainers/postgresql');
  const pg = await new PostgreSqlContainer(POSTGRES_IMAGE).withUsername('postgres').withPassword('postgres').start();
  const kafka = await new GenericContainer(KAFKA_IMAGE)
    .withExposedPorts({ container: 9092, host: 19092 })
    .withEnvironment({
      KAFKA_NODE_ID: '1',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_LISTENERS: 'PLAINTEXT://:9092,CONTROLLER://:9093',
      KAFKA_ADVERTISED_LISTENERS: 'PLAINTEXT://127.0.0.1:19092',
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
      KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
    })
    .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
    .start();
  globalThis.__D06_CONTAINERS__ = [pg, kafka];
  return {
    DATABASE_URL: `postgres://postgres:postgres@${pg.getHost()}:${pg.getPort()}/postgres`,
    KAFKA_BROKERS: '127.0.0.1:19092',
  };
}

async function stopContainers() {
  for (const c of globalThis.__D06_CONTAINERS__ ?? []) await c.stop().catch(() => undefined);
  globalThis.__D06_CONTAINERS__ = undefined;
}

module.exports = { startContainers, stopContainers };
