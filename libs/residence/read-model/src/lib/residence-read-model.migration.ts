import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The residence service's read model (after the event store's own schema, 1764201600000):
 *
 * - `known_citizens`: the applicants the service knows of, fed by `identity.events` (a consumer,
 *   not a projection of our own store); `version` is the citizen stream's last version applied.
 * - `dossiers`: one row per dossier with its history (projection `residence_dossiers`).
 * - `ward_daily_stats`, `open_dossiers`, `ward_stats_dossiers`: the per-ward figures of
 *   CONTRACT.md §2.4 (projection `residence_ward_stats`), so that a stats query reads a few
 *   rows per day of the range plus the ward's undecided dossiers, never every dossier.
 *
 * Statements are idempotent (IF NOT EXISTS) like the event store's, so a database prepared by a
 * test or an older deploy migrates cleanly.
 */
export const RESIDENCE_READ_MODEL_SQL: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS known_citizens (
    personal_id           text    PRIMARY KEY,
    status                text    NOT NULL CHECK (status IN ('ALIVE', 'DECEASED')),
    permanent_address     jsonb,
    temporary_address     jsonb,
    temporary_valid_until date,
    version               integer NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS dossiers (
    dossier_id       uuid        PRIMARY KEY,
    procedure        text        NOT NULL,
    applicant_id     text        NOT NULL,
    status           text        NOT NULL CHECK (status IN ('RECEIVED', 'APPROVED', 'REJECTED')),
    address          jsonb,
    start_date       date,
    end_date         date,
    reason           text,
    ward_code        text,
    received_at      timestamptz NOT NULL,
    due_date         date        NOT NULL,
    decided_at       timestamptz,
    decided_by       text,
    late             boolean,
    rejection_reason text,
    residence_effect jsonb,
    history          jsonb       NOT NULL,
    version          integer     NOT NULL
  )`,
  `CREATE INDEX IF NOT EXISTS dossiers_applicant_idx ON dossiers (applicant_id)`,
  // received counts on the receipt's local date, resolved on the decision's local date.
  `CREATE TABLE IF NOT EXISTS ward_daily_stats (
    ward_code        text    NOT NULL,
    day              date    NOT NULL,
    received         integer NOT NULL DEFAULT 0,
    resolved_on_time integer NOT NULL DEFAULT 0,
    resolved_late    integer NOT NULL DEFAULT 0,
    PRIMARY KEY (ward_code, day)
  )`,
  // Undecided dossiers only: a row is inserted on receipt and deleted on decision.
  `CREATE TABLE IF NOT EXISTS open_dossiers (
    dossier_id   uuid PRIMARY KEY,
    ward_code    text NOT NULL,
    received_day date NOT NULL,
    due_date     date NOT NULL
  )`,
  `CREATE INDEX IF NOT EXISTS open_dossiers_ward_idx ON open_dossiers (ward_code, received_day)`,
  // The stats projection's own memory of each dossier (ward, last version applied): what makes
  // its counters idempotent and lets a decision find the ward its receipt was counted in.
  `CREATE TABLE IF NOT EXISTS ward_stats_dossiers (
    dossier_id uuid    PRIMARY KEY,
    ward_code  text,
    version    integer NOT NULL
  )`,
];

const DROP_SQL: readonly string[] = [
  'DROP TABLE IF EXISTS ward_stats_dossiers',
  'DROP TABLE IF EXISTS open_dossiers',
  'DROP TABLE IF EXISTS ward_daily_stats',
  'DROP TABLE IF EXISTS dossiers',
  'DROP TABLE IF EXISTS known_citizens',
];

export class ResidenceReadModel1764288000000 implements MigrationInterface {
  readonly name = 'ResidenceReadModel1764288000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of RESIDENCE_READ_MODEL_SQL) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const statement of DROP_SQL) await queryRunner.query(statement);
  }
}

/** The read-model migrations of the residence service, in order. */
export const RESIDENCE_READ_MODEL_MIGRATIONS = [ResidenceReadModel1764288000000];
