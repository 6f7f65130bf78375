import type { CitizenView } from '@d06/contracts';
import type { EventStore } from '@d06/event-sourcing';
import { findCitizenView } from '@d06/identity-read-model';

/**
 * The citizen as the read model holds it right after a command: the inline projection ran in the
 * append's transaction, so the row is there (version and updatedAt included) once it committed.
 */
export async function citizenViewAfterCommit(store: EventStore, personalId: string): Promise<CitizenView> {
  const view = await findCitizenView(store.dataSource, personalId);
  if (view === null) throw new Error(`the citizens read model has no row for ${personalId} after its append committed`);
  return view;
}
