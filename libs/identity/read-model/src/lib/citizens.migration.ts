import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The `citizens` read model: one row per registered citizen, the state of the stream
 * `<personalId>` after `version` events. `full_name_normalized` holds `normalizeName(full_name)`
 * so that verification compares names without normalising on every request.
 */
export class CitizensReadModel1764288000000 implements MigrationInterface {
  readonly name = 'CitizensReadModel1764288000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE IF NOT EXISTS citizens (
      personal_id           text        PRIMARY KEY,
      full_name             text        NOT NULL,
      full_name_normalized  text        NOT NULL,
      date_of_birth         date        NOT NULL,
      gender                text        NOT NULL CHECK (gender IN ('MALE', 'FEMALE')),
      status                text        NOT NULL CHECK (status IN ('ALIVE', 'DECEASED')),
      date_of_death         date,
      permanent_address     jsonb,
      temporary_address     jsonb,
      temporary_valid_until date,
      version               integer     NOT NULL,
      updated_at            timestamptz NOT NULL
    )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE IF EXISTS citizens');
  }
}
