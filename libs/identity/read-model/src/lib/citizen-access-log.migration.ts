import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The `citizen_access_log` read model (who read which citizen's data): one row per
 * `CitizenDataAccessed`. Its key is the event id rather than a serial, so a replay rebuilds the
 * very same rows; pages are read newest first on (accessed_at, id).
 */
export class CitizenAccessLogReadModel1764288000001 implements MigrationInterface {
  readonly name = 'CitizenAccessLogReadModel1764288000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE IF NOT EXISTS citizen_access_log (
      id             uuid        PRIMARY KEY,
      personal_id    text        NOT NULL,
      accessed_at    timestamptz NOT NULL,
      client_id      text        NOT NULL,
      purpose        text,
      fields         jsonb       NOT NULL,
      channel        text        NOT NULL,
      correlation_id text        NOT NULL
    )`);
    await queryRunner.query(
      'CREATE INDEX IF NOT EXISTS citizen_access_log_page_idx ON citizen_access_log (personal_id, accessed_at DESC, id DESC)',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE IF EXISTS citizen_access_log');
  }
}
