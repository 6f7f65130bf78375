import type { ResidenceStats } from '@d06/contracts';
import { firstRow, type SqlTarget } from './sql';

export interface WardStatsQuery {
  wardCode: string;
  /** Local dates, inclusive. */
  from: string;
  to: string;
  /** The local date at the time asked: an undecided dossier due before it is overdue. */
  today: string;
}

interface StatsRow {
  received: string;
  resolved_on_time: string;
  resolved_late: string;
  pending: string;
  overdue: string;
}

/**
 * CONTRACT.md §2.4 for one ward over [from, to]: received and resolved from the daily counters
 * (a row per ward and day), pending and overdue from the ward's undecided dossiers received in
 * the range (an index range of `open_dossiers`), overdue as of `today`.
 */
export async function wardStats(target: SqlTarget, q: WardStatsQuery): Promise<ResidenceStats> {
  const row = await firstRow<StatsRow>(
    target,
    `SELECT coalesce(s.received, 0) AS received, coalesce(s.resolved_on_time, 0) AS resolved_on_time,
            coalesce(s.resolved_late, 0) AS resolved_late, o.pending, o.overdue
       FROM (SELECT sum(received) AS received, sum(resolved_on_time) AS resolved_on_time, sum(resolved_late) AS resolved_late
               FROM ward_daily_stats WHERE ward_code = $1 AND day BETWEEN $2::date AND $3::date) s,
            (SELECT count(*) AS pending, count(*) FILTER (WHERE due_date < $4::date) AS overdue
               FROM open_dossiers WHERE ward_code = $1 AND received_day BETWEEN $2::date AND $3::date) o`,
    [q.wardCode, q.from, q.to, q.today],
  );
  const n = (v: string | undefined) => Number(v ?? 0);
  const resolvedOnTime = n(row?.resolved_on_time);
  const resolvedLate = n(row?.resolved_late);
  return {
    received: n(row?.received),
    resolved: resolvedOnTime + resolvedLate,
    resolvedOnTime,
    resolvedLate,
    pending: n(row?.pending),
    overdue: n(row?.overdue),
  };
}
