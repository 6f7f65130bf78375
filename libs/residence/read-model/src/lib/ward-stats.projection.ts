import type { EntityManager } from 'typeorm';
import type { DossierApprovedData, DossierRejectedData, ResidenceEvent } from '@d06/contracts';
import { defineProjection, type RecordedEvent } from '@d06/event-sourcing';
import { localDateOfInstant } from './local-time';
import { firstRow, rows } from './sql';

export const WARD_STATS_PROJECTION = 'residence_ward_stats';

async function decided(event: RecordedEvent<string, DossierApprovedData | DossierRejectedData>, manager: EntityManager): Promise<void> {
  const d = event.data;
  // The decision event does not carry the ward: the receipt's ward, remembered here, is the one
  // the dossier was counted in, whatever the applicant's address has become since.
  const claimed = await firstRow<{ ward_code: string | null }>(
    manager,
    `UPDATE ward_stats_dossiers SET version = $2 WHERE dossier_id = $1 AND version < $2 RETURNING ward_code`,
    [d.dossierId, event.streamVersion],
  );
  if (!claimed) return;
  await rows(manager, 'DELETE FROM open_dossiers WHERE dossier_id = $1', [d.dossierId]);
  if (claimed.ward_code === null) return;
  const column = d.late ? 'resolved_late' : 'resolved_on_time';
  await rows(
    manager,
    `INSERT INTO ward_daily_stats (ward_code, day, ${column}) VALUES ($1, $2, 1)
     ON CONFLICT (ward_code, day) DO UPDATE SET ${column} = ward_daily_stats.${column} + 1`,
    [claimed.ward_code, localDateOfInstant(d.decidedAt)],
  );
}

/**
 * Per-ward figures of CONTRACT.md §2.4, kept as counters so that the stats query never scans
 * dossiers: `ward_daily_stats` counts receipts on the receipt's local date and decisions (on
 * time or late) on the decision's local date; `open_dossiers` holds the undecided ones with
 * their due date, for `pending` and `overdue` (which depend on the time asked). A dossier
 * without a ward (no address, applicant without a permanent one) counts in no ward.
 */
export const wardStatsProjection = defineProjection<ResidenceEvent>({
  name: WARD_STATS_PROJECTION,
  tables: ['ward_daily_stats', 'open_dossiers', 'ward_stats_dossiers'],
  handlers: {
    DossierReceived: async (event, manager) => {
      const d = event.data;
      const claimed = await rows(
        manager,
        `INSERT INTO ward_stats_dossiers (dossier_id, ward_code, version) VALUES ($1, $2, $3)
         ON CONFLICT (dossier_id) DO NOTHING RETURNING 1`,
        [d.dossierId, d.wardCode, event.streamVersion],
      );
      if (claimed.length === 0 || d.wardCode === null) return;
      const day = localDateOfInstant(d.receivedAt);
      await rows(
        manager,
        `INSERT INTO ward_daily_stats (ward_code, day, received) VALUES ($1, $2, 1)
         ON CONFLICT (ward_code, day) DO UPDATE SET received = ward_daily_stats.received + 1`,
        [d.wardCode, day],
      );
      await rows(
        manager,
        `INSERT INTO open_dossiers (dossier_id, ward_code, received_day, due_date) VALUES ($1, $2, $3, $4)
         ON CONFLICT (dossier_id) DO NOTHING`,
        [d.dossierId, d.wardCode, day, d.dueDate],
      );
    },
    DossierApproved: decided,
    DossierRejected: decided,
  },
});
