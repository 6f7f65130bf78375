import type { DossierView } from '@d06/contracts';
import type { DossierRecord } from '@d06/residence-read-model';
import { isLate } from '@d06/residence-domain';

/**
 * What `GET /residence/dossiers/{id}` and the commands answer: DossierView of the contract plus
 * `wardCode`, `rejectionReason` (the officer's written reason; `reason` stays the applicant's),
 * `decidedBy` and `version`.
 */
export interface DossierResponse extends DossierView {
  wardCode: string | null;
  rejectionReason?: string;
  decidedBy?: string;
  version: number;
}

/**
 * `late` of a decided dossier is fixed by its decision; an undecided one is late once `now`
 * is past the end of its due date (local), so the answer depends on when it is asked.
 */
export function dossierViewOf(record: DossierRecord, now: Date): DossierResponse {
  const late = record.late ?? isLate(record.dueDate, now.toISOString());
  return {
    dossierId: record.dossierId,
    procedure: record.procedure,
    applicantId: record.applicantId,
    status: record.status,
    address: record.address,
    startDate: record.startDate,
    endDate: record.endDate,
    reason: record.reason,
    wardCode: record.wardCode,
    receivedAt: record.receivedAt,
    dueDate: record.dueDate,
    ...(record.decidedAt !== null ? { decidedAt: record.decidedAt } : {}),
    ...(record.decidedBy !== null ? { decidedBy: record.decidedBy } : {}),
    ...(record.rejectionReason !== null ? { rejectionReason: record.rejectionReason } : {}),
    late,
    history: record.history,
    version: record.version,
  };
}
