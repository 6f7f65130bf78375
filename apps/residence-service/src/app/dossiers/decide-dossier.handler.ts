import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { RPC, type RequestMeta, type RpcReply } from '@d06/contracts';
import { handleCommand } from '@d06/event-sourcing';
import {
  CLOCK,
  EVENT_SOURCING,
  MANAGED_DATA_SOURCE,
  RPC_DISPATCHER,
  requestEventIds,
  type Clock,
  type EventSourcingRuntime,
  type ManagedDataSource,
  type RpcDispatcher,
} from '@d06/platform';
import { dossierDecider, type DecideDossier } from '@d06/residence-domain';
import { findDossier, formatLocalInstant } from '@d06/residence-read-model';
import { answer, refusal, validationFailed } from '../common/rpc-replies';
import { parseDecideDossier } from './decide-dossier.payload';
import { dossierViewOf, type DossierResponse } from './dossier-view';

/**
 * `DecideDossier` (POST /residence/dossiers/{id}/decision): approve, or reject with a written
 * reason, once. An approval's `residenceEffect` is what the identity service applies to the
 * citizen. 200 with the dossier; NOT_FOUND 404, ALREADY_DECIDED 409.
 */
@Injectable()
export class DecideDossierHandler implements OnModuleInit {
  constructor(
    @Inject(RPC_DISPATCHER) private readonly dispatcher: RpcDispatcher,
    @Inject(EVENT_SOURCING) private readonly runtime: EventSourcingRuntime,
    @Inject(MANAGED_DATA_SOURCE) private readonly db: ManagedDataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.dispatcher.register(RPC.residence.decideDossier, (payload, meta) => this.handle(payload, meta));
  }

  async handle(payload: unknown, meta: RequestMeta): Promise<RpcReply<DossierResponse>> {
    const parsed = parseDecideDossier(payload);
    if (!parsed.ok) return validationFailed(parsed.errors);
    const { dossierId, outcome, reason } = parsed.value;
    const store = await this.runtime.ready();
    const now = this.clock.now();
    const command: DecideDossier = {
      type: 'DecideDossier',
      dossierId,
      outcome,
      reason,
      now: formatLocalInstant(now),
      decidedBy: meta.actor.subject ?? meta.actor.clientId,
    };
    // A retry of a decision already stored gets 200, not 409 ALREADY_DECIDED (requestEventIds).
    const eventIdOf = requestEventIds(meta, 'decision');
    const result = await handleCommand({ store, decider: dossierDecider, streamId: dossierId, command, meta, occurredAt: now, eventIdOf });
    if (!result.ok) return refusal(result.error);
    const record = await findDossier(await this.db.ready(), dossierId);
    if (!record) throw new Error(`dossier ${dossierId} was decided but is missing from the read model`);
    return answer(200, dossierViewOf(record, now));
  }
}
