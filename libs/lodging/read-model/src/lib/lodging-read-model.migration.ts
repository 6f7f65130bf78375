import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The lodging service's read model (its own database, next to the event store).
 *
 * - `establishments`: projection of the establishment streams; what a notice is checked against.
 * - `lodging_notices`: one row per notice, the projection's idempotency anchor (a notice's guests
 *   and its ward counts are added only when its row is new) and what a departure marks.
 * - `current_guests`: the guests of notices not departed yet (occupancy per establishment).
 * - `ward_daily_lodging_stats`: counters per ward and local arrival date, so the police figures
 *   for any date range are a sum over days, never a scan of notices.
 * - `known_citizens`: fed by `identity.events` (not by this service's own events): who exists and
 *   is alive, with the normalized name and date of birth that guest verification compares.
 *
 * Times a client gets back verbatim (arrivalAt...) are kept as the text the event carries.
 */
export class LodgingReadModel1764201600300 implements MigrationInterface {
  name = 'LodgingReadModel1764201600300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE establishments (
      establishment_id uuid    PRIMARY KEY,
      name             text    NOT NULL,
      kind             text    NOT NULL,
      province_code    text    NOT NULL,
      ward_code        text    NOT NULL,
      address_detail   text    NOT NULL,
      registered_at    text    NOT NULL,
      version          integer NOT NULL
    )`);
    await q.query(`CREATE INDEX establishments_ward_idx ON establishments (ward_code)`);

    await q.query(`CREATE TABLE lodging_notices (
      notice_id        uuid    PRIMARY KEY,
      establishment_id uuid    NOT NULL,
      ward_code        text    NOT NULL,
      arrival_day      date    NOT NULL,
      guests           integer NOT NULL,
      foreign_guests   integer NOT NULL,
      late             boolean NOT NULL,
      departed_at      text,
      version          integer NOT NULL
    )`);

    await q.query(`CREATE TABLE current_guests (
      notice_id             uuid    NOT NULL,
      guest_no              integer NOT NULL,
      establishment_id      uuid    NOT NULL,
      nationality           text    NOT NULL,
      personal_id           text,
      passport_number       text,
      full_name             text,
      arrival_at            text    NOT NULL,
      expected_departure_at text,
      room                  text,
      verified              boolean NOT NULL,
      PRIMARY KEY (notice_id, guest_no)
    )`);
    await q.query(`CREATE INDEX current_guests_establishment_idx ON current_guests (establishment_id)`);

    await q.query(`CREATE TABLE ward_daily_lodging_stats (
      ward_code      text    NOT NULL,
      day            date    NOT NULL,
      notices        integer NOT NULL,
      guests         integer NOT NULL,
      foreign_guests integer NOT NULL,
      late           integer NOT NULL,
      PRIMARY KEY (ward_code, day)
    )`);

    await q.query(`CREATE TABLE known_citizens (
      personal_id          text    PRIMARY KEY,
      status               text    NOT NULL CHECK (status IN ('ALIVE', 'DECEASED')),
      full_name_normalized text,
      date_of_birth        text,
      version              integer NOT NULL
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['known_citizens', 'ward_daily_lodging_stats', 'current_guests', 'lodging_notices', 'establishments']) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
