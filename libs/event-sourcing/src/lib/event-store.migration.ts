import type { MigrationInterface, QueryRunner } from 'typeorm';
import { execute, type SqlTarget } from './sql';

/**
 * The event store's schema, one statement per entry (a service's own database; see README
 * "Schema" for why each column and index exists). Every statement is idempotent so the
 * migration may run against a database that a test or an older deploy already prepared.
 */
export const EVENT_STORE_SCHEMA_SQL: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS events (
    seq            bigserial   PRIMARY KEY,
    position       bigint,
    stream_id      text        NOT NULL,
    stream_version integer     NOT NULL,
    event_id       uuid        NOT NULL,
    type           text        NOT NULL,
    schema_version integer     NOT NULL,
    data           jsonb       NOT NULL,
    metadata       jsonb       NOT NULL,
    occurred_at    timestamptz NOT NULL,
    recorded_at    timestamptz NOT NULL DEFAULT now(),
    prev_hash      text,
    hash           text,
    CONSTRAINT events_stream_version_key UNIQUE (stream_id, stream_version),
    CONSTRAINT events_event_id_key UNIQUE (event_id),
    CONSTRAINT events_stream_version_check CHECK (stream_version >= 1),
    CONSTRAINT events_sealed_check CHECK ((position IS NULL) = (hash IS NULL) AND (position IS NULL) = (prev_hash IS NULL))
  )`,
  // Positions are unique and read in order (readAll, replay, verify). Partial, so that an append
  // writes no index entry for its still-null position: the sealer adds it.
  `CREATE UNIQUE INDEX IF NOT EXISTS events_position_key ON events (position) WHERE position IS NOT NULL`,
  // The sealer's work queue: only the rows still waiting for a position, in insertion order.
  `CREATE INDEX IF NOT EXISTS events_unsealed_idx ON events (seq) WHERE position IS NULL`,
  // Defence in depth: a sealed event never changes. verify() still catches whoever disables this.
  `CREATE OR REPLACE FUNCTION events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     RAISE EXCEPTION 'sealed events are immutable (% of position %)', TG_OP, OLD.position
       USING ERRCODE = 'integrity_constraint_violation';
   END $$`,
  `CREATE OR REPLACE FUNCTION events_refuse_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     RAISE EXCEPTION 'the event store cannot be truncated' USING ERRCODE = 'integrity_constraint_violation';
   END $$`,
  `DROP TRIGGER IF EXISTS events_sealed_immutable ON events`,
  `CREATE TRIGGER events_sealed_immutable BEFORE UPDATE OR DELETE ON events
     FOR EACH ROW WHEN (OLD.position IS NOT NULL) EXECUTE FUNCTION events_refuse_change()`,
  `DROP TRIGGER IF EXISTS events_no_truncate ON events`,
  `CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
     FOR EACH STATEMENT EXECUTE FUNCTION events_refuse_truncate()`,
  `CREATE TABLE IF NOT EXISTS relay_checkpoints (
    name       text        PRIMARY KEY,
    position   bigint      NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
  )`,
  `CREATE TABLE IF NOT EXISTS projection_checkpoints (
    name       text        PRIMARY KEY,
    position   bigint      NOT NULL,
    detail     jsonb,
    updated_at timestamptz NOT NULL DEFAULT now()
  )`,
  `CREATE TABLE IF NOT EXISTS processed_events (
    consumer     text        NOT NULL,
    event_id     uuid        NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, event_id)
  )`,
  `CREATE TABLE IF NOT EXISTS dead_letters (
    id          bigserial   PRIMARY KEY,
    consumer    text        NOT NULL,
    topic       text        NOT NULL,
    partition   integer     NOT NULL,
    "offset"    bigint      NOT NULL,
    key         text,
    value       text,
    headers     jsonb       NOT NULL DEFAULT '{}'::jsonb,
    error       text        NOT NULL,
    attempts    integer     NOT NULL,
    failed_at   timestamptz NOT NULL,
    retried_at  timestamptz,
    retry_error text,
    CONSTRAINT dead_letters_source_key UNIQUE (consumer, topic, partition, "offset")
  )`,
  `CREATE INDEX IF NOT EXISTS dead_letters_pending_idx ON dead_letters (consumer) WHERE retried_at IS NULL`,
];

const DROP_SQL: readonly string[] = [
  `DROP TABLE IF EXISTS dead_letters`,
  `DROP TABLE IF EXISTS processed_events`,
  `DROP TABLE IF EXISTS projection_checkpoints`,
  `DROP TABLE IF EXISTS relay_checkpoints`,
  `DROP TABLE IF EXISTS events`,
  `DROP FUNCTION IF EXISTS events_refuse_change()`,
  `DROP FUNCTION IF EXISTS events_refuse_truncate()`,
];

/**
 * TypeORM migration: services list it in their DataSource `migrations` (`synchronize` is never
 * used). The timestamp suffix orders it before a service's own read-model migrations.
 */
export class EventStoreMigration1764201600000 implements MigrationInterface {
  readonly name = 'EventStoreMigration1764201600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of EVENT_STORE_SCHEMA_SQL) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const statement of DROP_SQL) await queryRunner.query(statement);
  }
}

/** For tools, tests and benchmarks that prepare a database without TypeORM's migration table. */
export async function installEventStoreSchema(target: SqlTarget): Promise<void> {
  for (const statement of EVENT_STORE_SCHEMA_SQL) await execute(target, statement);
}
