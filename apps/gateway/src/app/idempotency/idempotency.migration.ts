import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The gateway's only table: one row per (client, Idempotency-Key). `state` is in_flight while
 * the first request runs (its holder named by `claim_token`, its lease ending at
 * `locked_until`), then done with the response to replay until `expires_at`.
 */
export class IdempotencyKeysMigration1765000000000 implements MigrationInterface {
  readonly name = 'IdempotencyKeysMigration1765000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE idempotency_keys (
        client_id     text        NOT NULL,
        key           text        NOT NULL,
        request_hash  char(64)    NOT NULL,
        method        text        NOT NULL,
        path          text        NOT NULL,
        state         text        NOT NULL CHECK (state IN ('in_flight', 'done')),
        claim_token   uuid        NOT NULL,
        locked_until  timestamptz NOT NULL,
        status_code   integer,
        content_type  text,
        response_body text,
        created_at    timestamptz NOT NULL,
        completed_at  timestamptz,
        expires_at    timestamptz NOT NULL,
        PRIMARY KEY (client_id, key),
        CHECK (state = 'in_flight' OR (status_code IS NOT NULL AND response_body IS NOT NULL))
      )`);
    await queryRunner.query(`CREATE INDEX idempotency_keys_expires_at ON idempotency_keys (expires_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS idempotency_keys`);
  }
}
