import type { LodgingStats } from '@d06/contracts';
import type { SqlTarget } from './sql-target';

/**
 * CONTRACT.md §2.5: the notices of establishments in `wardCode` whose arrival falls on a local
 * date in [from, to] (inclusive), as a sum over the per-day counters.
 */
export async function lodgingStats(db: SqlTarget, query: { wardCode: string; from: string; to: string }): Promise<LodgingStats> {
  const rows: { notices: number; guests: number; foreign_guests: number; late: number }[] = await db.query(
    `SELECT coalesce(sum(notices), 0)::int AS notices, coalesce(sum(guests), 0)::int AS guests,
            coalesce(sum(foreign_guests), 0)::int AS foreign_guests, coalesce(sum(late), 0)::int AS late
       FROM ward_daily_lodging_stats
      WHERE ward_code = $1 AND day BETWEEN $2::date AND $3::date`,
    [query.wardCode, query.from, query.to],
  );
  const r = rows[0];
  return { notices: r.notices, guests: r.guests, foreignGuests: r.foreign_guests, late: r.late };
}
