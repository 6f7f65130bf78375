import { accessStreamIdOf, type DataAccessChannel, type RequestMeta } from '@d06/contracts';
import type { EventStore } from '@d06/event-sourcing';
import { accessLogDecider, initialAccessLogState } from '@d06/identity-domain';

export interface DataAccess {
  personalId: string;
  purpose: string | null;
  fields: string[];
  channel: DataAccessChannel;
  now: Date;
}

/**
 * Appends `CitizenDataAccessed` to the citizen's access stream, with "any" expected version:
 * recording never conflicts, so the stream need not be loaded (access-log.decider.ts). The reply
 * carrying the data is sent only after this commits: no read goes unrecorded.
 */
export async function recordDataAccess(store: EventStore, access: DataAccess, meta: RequestMeta): Promise<void> {
  const decision = accessLogDecider.decide(
    {
      type: 'RecordDataAccess',
      personalId: access.personalId,
      clientId: meta.actor.clientId,
      purpose: access.purpose,
      fields: access.fields,
      channel: access.channel,
      correlationId: meta.correlationId,
      now: access.now.toISOString(),
    },
    initialAccessLogState,
  );
  if (!decision.ok) throw new Error(`access record refused: ${decision.error.code} ${decision.error.message}`);
  await store.append(accessStreamIdOf(access.personalId), 'any', decision.events, { meta, occurredAt: access.now });
}
