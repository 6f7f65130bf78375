import type { EntityManager } from 'typeorm';
import { defineProjection, type RecordedEvent } from '@d06/event-sourcing';
import {
  VIETNAMESE_NATIONALITY,
  assertNever,
  type GuestsDepartedData,
  type NoticeEvent,
  type NoticeSubmittedData,
} from '@d06/contracts';
import { localDateOf } from '@d06/reference-data';

export const NOTICES_PROJECTION = 'notices';

/**
 * One statement for any number of notices and their guests (a 200-guest notice inline, or
 * thousands of notices in a replay batch): the notice rows go in first, and only the ones that
 * were new (RETURNING) bring their guests into `current_guests` and their counts into
 * `ward_daily_lodging_stats`. That is what makes re-applying a NoticeSubmitted harmless, and
 * what keeps a departed notice's guests from coming back. The counter upsert is grouped per
 * (ward, day) so one statement never touches a counter row twice, and it comes last so the
 * row lock on a busy ward's counter is held for as short a time as possible. Its rows go in
 * (ward, day) order, so two transactions that share counters lock them in the same order and
 * cannot deadlock (appends of several requests share a transaction since group commit).
 */
const SUBMITTED_SQL = `
WITH input AS (
  SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(
    notice_id uuid, establishment_id uuid, ward_code text, arrival_day date, arrival_at text,
    expected_departure_at text, room text, late boolean, version integer,
    guest_count integer, foreign_count integer, guests jsonb)
), new_notices AS (
  INSERT INTO lodging_notices (notice_id, establishment_id, ward_code, arrival_day, guests, foreign_guests, late, departed_at, version)
  SELECT notice_id, establishment_id, ward_code, arrival_day, guest_count, foreign_count, late, NULL, version FROM input
  ON CONFLICT (notice_id) DO NOTHING
  RETURNING notice_id, ward_code, arrival_day, guests, foreign_guests, late
), staying AS (
  INSERT INTO current_guests (notice_id, guest_no, establishment_id, nationality, personal_id, passport_number, full_name,
                              arrival_at, expected_departure_at, room, verified)
  SELECT i.notice_id, g."guestNo", i.establishment_id, g.nationality, g."personalId", g."passportNumber", g."fullName",
         i.arrival_at, i.expected_departure_at, i.room, g.verified
  FROM new_notices n
  JOIN input i ON i.notice_id = n.notice_id
  CROSS JOIN LATERAL jsonb_to_recordset(i.guests) AS g("guestNo" integer, nationality text, "personalId" text,
                                                      "passportNumber" text, "fullName" text, verified boolean)
  ON CONFLICT (notice_id, guest_no) DO NOTHING
)
INSERT INTO ward_daily_lodging_stats (ward_code, day, notices, guests, foreign_guests, late)
SELECT ward_code, arrival_day, count(*), sum(guests), sum(foreign_guests), count(*) FILTER (WHERE late)
FROM new_notices
GROUP BY ward_code, arrival_day
ORDER BY ward_code, arrival_day
ON CONFLICT (ward_code, day) DO UPDATE SET
  notices = ward_daily_lodging_stats.notices + EXCLUDED.notices,
  guests = ward_daily_lodging_stats.guests + EXCLUDED.guests,
  foreign_guests = ward_daily_lodging_stats.foreign_guests + EXCLUDED.foreign_guests,
  late = ward_daily_lodging_stats.late + EXCLUDED.late`;

/** A departure removes the notice's guests from occupancy; the stats keep counting the notice. */
const DEPARTED_SQL = `
WITH input AS (
  SELECT * FROM unnest($1::uuid[], $2::text[], $3::integer[]) AS x(notice_id, departed_at, version)
), marked AS (
  UPDATE lodging_notices n SET departed_at = i.departed_at, version = i.version
  FROM input i
  WHERE n.notice_id = i.notice_id AND n.version < i.version
  RETURNING n.notice_id
)
DELETE FROM current_guests g USING input i WHERE g.notice_id = i.notice_id`;

interface SubmittedRow {
  notice_id: string;
  establishment_id: string;
  ward_code: string;
  arrival_day: string;
  arrival_at: string;
  expected_departure_at: string | null;
  room: string | null;
  late: boolean;
  version: number;
  guest_count: number;
  foreign_count: number;
  guests: NoticeSubmittedData['guests'];
}

/** The row a NoticeSubmitted becomes; everything derived (local day, counts) from the event alone. */
export function submittedRow(event: RecordedEvent<'NoticeSubmitted', NoticeSubmittedData>): SubmittedRow {
  const d = event.data;
  return {
    notice_id: d.noticeId,
    establishment_id: d.establishmentId,
    ward_code: d.wardCode,
    arrival_day: localDateOf(new Date(d.arrivalAt)),
    arrival_at: d.arrivalAt,
    expected_departure_at: d.expectedDepartureAt,
    room: d.room,
    late: d.late,
    version: event.streamVersion,
    guest_count: d.guests.length,
    foreign_count: d.guests.filter((g) => g.nationality !== VIETNAMESE_NATIONALITY).length,
    guests: d.guests,
  };
}

async function applyNoticeEvents(events: readonly RecordedEvent<NoticeEvent['type']>[], manager: EntityManager): Promise<void> {
  const submitted: SubmittedRow[] = [];
  const departed: RecordedEvent<'GuestsDeparted', GuestsDepartedData>[] = [];
  for (const event of events) {
    switch (event.type) {
      case 'NoticeSubmitted':
        submitted.push(submittedRow(event as RecordedEvent<'NoticeSubmitted', NoticeSubmittedData>));
        break;
      case 'GuestsDeparted':
        departed.push(event as RecordedEvent<'GuestsDeparted', GuestsDepartedData>);
        break;
      default:
        assertNever(event.type, 'notice event type');
    }
  }
  // A departure always follows its notice's submission, so within one batch every submission
  // goes in before any departure.
  if (submitted.length > 0) await manager.query(SUBMITTED_SQL, [JSON.stringify(submitted)]);
  if (departed.length > 0) {
    await manager.query(DEPARTED_SQL, [
      departed.map((e) => e.data.noticeId),
      departed.map((e) => e.data.departedAt),
      departed.map((e) => e.streamVersion),
    ]);
  }
}

/**
 * `lodging_notices`, `current_guests` and `ward_daily_lodging_stats`, in the set-based form:
 * inline it gets the one event of an append, in a replay thousands at a time.
 */
export const noticesProjection = defineProjection<NoticeEvent>({
  name: NOTICES_PROJECTION,
  tables: ['lodging_notices', 'current_guests', 'ward_daily_lodging_stats'],
  eventTypes: ['NoticeSubmitted', 'GuestsDeparted'],
  applyBatch: applyNoticeEvents,
});
