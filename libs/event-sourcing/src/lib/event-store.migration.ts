import type { MigrationInterface, QueryRunner } from 'typeorm';
import { execute, queryRows, type SqlTarget } from './sql';

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
 * The second layout (README "Schema"): the sealer no longer rewrites each wide event row. An
 * append inserts its rows into `event_log` plus one narrow `event_pending` row listing their
 * seqs; the sealer inserts narrow `event_seals` rows (position, seq, prev_hash, hash) and deletes
 * the pending row. A non-HOT UPDATE of the wide row (a new tuple and four index entries) cost
 * more than the append itself; a narrow insert costs about a quarter of it. `events` becomes a
 * view with the old columns, so readers and operators query what they always did.
 *
 * Written as a conversion of the first layout, data included, so that a database that already
 * ran the first migration keeps every event, position and hash; on a new database it converts
 * empty tables. A database already converted is left alone (idempotent like the first).
 */
export const EVENT_SEALS_SCHEMA_SQL: readonly string[] = [
  `DO $$
   BEGIN
     IF (SELECT relkind FROM pg_class WHERE oid = to_regclass('events')) = 'r' THEN
       LOCK TABLE events IN ACCESS EXCLUSIVE MODE;
       DROP TRIGGER IF EXISTS events_sealed_immutable ON events;
       DROP TRIGGER IF EXISTS events_no_truncate ON events;
       ALTER TABLE events RENAME TO event_log;
       CREATE TABLE event_seals (
         position  bigint PRIMARY KEY,
         seq       bigint NOT NULL,
         prev_hash text   NOT NULL,
         hash      text   NOT NULL,
         CONSTRAINT event_seals_seq_key UNIQUE (seq),
         CONSTRAINT event_seals_position_check CHECK (position >= 1)
       );
       INSERT INTO event_seals (position, seq, prev_hash, hash)
         SELECT position, seq, prev_hash, hash FROM event_log WHERE position IS NOT NULL ORDER BY position;
       CREATE TABLE event_pending (
         id          bigserial   PRIMARY KEY,
         seqs        bigint[]    NOT NULL,
         recorded_at timestamptz NOT NULL DEFAULT now()
       );
       INSERT INTO event_pending (seqs, recorded_at)
         SELECT array_agg(seq ORDER BY seq), min(recorded_at) FROM event_log WHERE position IS NULL HAVING count(*) > 0;
       -- Takes events_position_key and events_unsealed_idx with it.
       ALTER TABLE event_log DROP CONSTRAINT events_sealed_check,
         DROP COLUMN position, DROP COLUMN prev_hash, DROP COLUMN hash;
       DROP FUNCTION IF EXISTS events_refuse_change();
       DROP FUNCTION IF EXISTS events_refuse_truncate();
     END IF;
   END $$`,
  // Defence in depth: a stored event and its seal never change (nothing updates an unsealed row
  // either). verify() still catches whoever disables these.
  `CREATE OR REPLACE FUNCTION event_store_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     RAISE EXCEPTION 'stored events are immutable (% on %)', TG_OP, TG_TABLE_NAME
       USING ERRCODE = 'integrity_constraint_violation';
   END $$`,
  `CREATE OR REPLACE FUNCTION event_store_refuse_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     RAISE EXCEPTION 'the event store cannot be truncated (%)', TG_TABLE_NAME
       USING ERRCODE = 'integrity_constraint_violation';
   END $$`,
  ...['event_log', 'event_seals'].flatMap((table) => [
    `DROP TRIGGER IF EXISTS ${table}_immutable ON ${table}`,
    `CREATE TRIGGER ${table}_immutable BEFORE UPDATE OR DELETE ON ${table}
       FOR EACH ROW EXECUTE FUNCTION event_store_refuse_change()`,
    `DROP TRIGGER IF EXISTS ${table}_no_truncate ON ${table}`,
    `CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table}
       FOR EACH STATEMENT EXECUTE FUNCTION event_store_refuse_truncate()`,
  ]),
  // The first layout's columns, position/prev_hash/hash null until sealed. Readers in the
  // library query the tables directly (event-row.ts); the view is for operators and tests.
  `CREATE OR REPLACE VIEW events AS
     SELECT l.seq, s.position, l.stream_id, l.stream_version, l.event_id, l.type, l.schema_version,
            l.data, l.metadata, l.occurred_at, l.recorded_at, s.prev_hash, s.hash
       FROM event_log l LEFT JOIN event_seals s ON s.seq = l.seq`,
];

/** Back to the first layout, data included (the UPDATE is why the second layout exists). */
const SEALS_DOWN_SQL: readonly string[] = [
  `DROP VIEW IF EXISTS events`,
  `DROP TRIGGER IF EXISTS event_log_immutable ON event_log`,
  `DROP TRIGGER IF EXISTS event_log_no_truncate ON event_log`,
  `ALTER TABLE event_log ADD COLUMN position bigint, ADD COLUMN prev_hash text, ADD COLUMN hash text`,
  `UPDATE event_log l SET position = s.position, prev_hash = s.prev_hash, hash = s.hash FROM event_seals s WHERE s.seq = l.seq`,
  `ALTER TABLE event_log ADD CONSTRAINT events_sealed_check
     CHECK ((position IS NULL) = (hash IS NULL) AND (position IS NULL) = (prev_hash IS NULL))`,
  `DROP TABLE event_seals`,
  `DROP TABLE event_pending`,
  `DROP FUNCTION IF EXISTS event_store_refuse_change()`,
  `DROP FUNCTION IF EXISTS event_store_refuse_truncate()`,
  `ALTER TABLE event_log RENAME TO events`,
  ...EVENT_STORE_SCHEMA_SQL,
];

/** True once the second layout is in place: the first layout's statements must not run again. */
async function hasSealsLayout(run: (sql: string) => Promise<unknown>): Promise<boolean> {
  const rows = (await run(`SELECT to_regclass('event_log') IS NOT NULL AS converted`)) as { converted: boolean }[];
  return rows[0]?.converted === true;
}

/**
 * TypeORM migration: services list EVENT_STORE_MIGRATIONS in their DataSource `migrations`
 * (`synchronize` is never used). The timestamp suffix orders it before a service's own
 * read-model migrations.
 */
export class EventStoreMigration1764201600000 implements MigrationInterface {
  readonly name = 'EventStoreMigration1764201600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    if (await hasSealsLayout((sql) => queryRunner.query(sql))) return;
    for (const statement of EVENT_STORE_SCHEMA_SQL) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const statement of DROP_SQL) await queryRunner.query(statement);
  }
}

/** The second layout (EVENT_SEALS_SCHEMA_SQL). */
export class EventSealsMigration1764201600001 implements MigrationInterface {
  readonly name = 'EventSealsMigration1764201600001';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of EVENT_SEALS_SCHEMA_SQL) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const statement of SEALS_DOWN_SQL) await queryRunner.query(statement);
  }
}

/** Every migration of the library, in order. */
export const EVENT_STORE_MIGRATIONS = [EventStoreMigration1764201600000, EventSealsMigration1764201600001] as const;

/** For tools, tests and benchmarks that prepare a database without TypeORM's migration table. */
export async function installEventStoreSchema(target: SqlTarget): Promise<void> {
  if (!(await hasSealsLayout((sql) => queryRows(target, sql)))) {
    for (const statement of EVENT_STORE_SCHEMA_SQL) await execute(target, statement);
  }
  for (const statement of EVENT_SEALS_SCHEMA_SQL) await execute(target, statement);
}
