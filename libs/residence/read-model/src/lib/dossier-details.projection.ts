import type { EntityManager } from 'typeorm';
import type { DossierApprovedData, DossierRejectedData, ResidenceEvent } from '@d06/contracts';
import { defineProjection, type RecordedEvent } from '@d06/event-sourcing';
import { formatLocalInstant } from './local-time';
import { rows } from './sql';

/** One entry of a dossier's history: who moved it to which status, when. */
export interface DossierHistoryEntry {
  status: 'RECEIVED' | 'APPROVED' | 'REJECTED';
  at: string;
  /** The client id of the caller that caused the change (the envelope's actor). */
  by: string;
}

export const DOSSIER_DETAILS_PROJECTION = 'residence_dossiers';

async function decided(
  event: RecordedEvent<string, DossierApprovedData | DossierRejectedData>,
  manager: EntityManager,
  fields: { status: 'APPROVED' | 'REJECTED'; residenceEffect: unknown; rejectionReason: string | null },
): Promise<void> {
  const d = event.data;
  const entry: DossierHistoryEntry = { status: fields.status, at: formatLocalInstant(d.decidedAt), by: event.actor.clientId };
  // `version < $n`: a decision applied once is not applied again (each row remembers its version).
  await rows(
    manager,
    `UPDATE dossiers
        SET status = $2, decided_at = $3, decided_by = $4, late = $5, residence_effect = $6::jsonb,
            rejection_reason = $7, history = history || $8::jsonb, version = $9
      WHERE dossier_id = $1 AND version < $9`,
    [
      d.dossierId,
      fields.status,
      d.decidedAt,
      d.decidedBy ?? event.actor.subject ?? event.actor.clientId,
      d.late,
      fields.residenceEffect === null ? null : JSON.stringify(fields.residenceEffect),
      fields.rejectionReason,
      JSON.stringify([entry]),
      event.streamVersion,
    ],
  );
}

/**
 * `dossiers`: what `GET /residence/dossiers/{id}` answers, one row per dossier with its history.
 * `late` of an undecided dossier depends on the time asked, so it is computed at query time.
 */
export const dossierDetailsProjection = defineProjection<ResidenceEvent>({
  name: DOSSIER_DETAILS_PROJECTION,
  tables: ['dossiers'],
  handlers: {
    DossierReceived: async (event, manager) => {
      const d = event.data;
      const entry: DossierHistoryEntry = { status: 'RECEIVED', at: formatLocalInstant(d.receivedAt), by: event.actor.clientId };
      await rows(
        manager,
        `INSERT INTO dossiers (dossier_id, procedure, applicant_id, status, address, start_date, end_date, reason,
                               ward_code, received_at, due_date, history, version)
         VALUES ($1, $2, $3, 'RECEIVED', $4::jsonb, $5, $6, $7, $8, $9, $10, $11::jsonb, $12)
         ON CONFLICT (dossier_id) DO NOTHING`,
        [
          d.dossierId,
          d.procedure,
          d.applicantId,
          d.address === null ? null : JSON.stringify(d.address),
          d.startDate,
          d.endDate,
          d.reason,
          d.wardCode,
          d.receivedAt,
          d.dueDate,
          JSON.stringify([entry]),
          event.streamVersion,
        ],
      );
    },
    DossierApproved: (event, manager) =>
      decided(event, manager, { status: 'APPROVED', residenceEffect: event.data.residenceEffect, rejectionReason: null }),
    DossierRejected: (event, manager) =>
      decided(event, manager, { status: 'REJECTED', residenceEffect: null, rejectionReason: event.data.reason }),
  },
});
