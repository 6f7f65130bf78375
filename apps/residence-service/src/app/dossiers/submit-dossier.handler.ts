import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { RPC, type DossierReceivedData, type RequestMeta, type RpcReply } from '@d06/contracts';
import { handleCommand, type RecordedEvent } from '@d06/event-sourcing';
import {
  CLOCK,
  EVENT_SOURCING,
  ID_GENERATOR,
  MANAGED_DATA_SOURCE,
  RPC_DISPATCHER,
  aggregateIdFor,
  type Clock,
  type EventSourcingRuntime,
  type IdGenerator,
  type ManagedDataSource,
  type RpcDispatcher,
} from '@d06/platform';
import { PROCEDURE_TIME_LIMITS, localDateOf, type WorkingDayCalendar } from '@d06/reference-data';
import { dossierDecider, type SubmitDossier } from '@d06/residence-domain';
import { findDossier, formatLocalInstant, knownCitizenReader, receivedDossierRecord, type KnownCitizen } from '@d06/residence-read-model';
import { answer, refusal, validationFailed } from '../common/rpc-replies';
import { WORKING_DAY_CALENDAR } from '../residence.tokens';
import { dossierViewOf, type DossierResponse } from './dossier-view';
import { parseSubmitDossier } from './submit-dossier.payload';

/**
 * `SubmitDossier` (POST /residence/dossiers): the applicant comes from the service's own
 * `known_citizens` (fed by identity.events), the due date from the working-day calendar, and
 * the decider says whether the law lets the dossier in. 201 with the dossier.
 */
@Injectable()
export class SubmitDossierHandler implements OnModuleInit {
  /** Concurrent submissions look their applicants up in one query (knownCitizenReader). */
  private findApplicant: ((personalId: string) => Promise<KnownCitizen | null>) | undefined;

  constructor(
    @Inject(RPC_DISPATCHER) private readonly dispatcher: RpcDispatcher,
    @Inject(EVENT_SOURCING) private readonly runtime: EventSourcingRuntime,
    @Inject(MANAGED_DATA_SOURCE) private readonly db: ManagedDataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @Inject(WORKING_DAY_CALENDAR) private readonly calendar: WorkingDayCalendar,
  ) {}

  onModuleInit(): void {
    this.dispatcher.register(RPC.residence.submitDossier, (payload, meta) => this.handle(payload, meta));
  }

  async handle(payload: unknown, meta: RequestMeta): Promise<RpcReply<DossierResponse>> {
    const parsed = parseSubmitDossier(payload);
    if (!parsed.ok) return validationFailed(parsed.errors);
    const input = parsed.value;
    const store = await this.runtime.ready();
    const ds = await this.db.ready();
    this.findApplicant ??= knownCitizenReader(ds);
    const applicant = await this.findApplicant(input.applicantId);
    const now = this.clock.now();
    const dossierId = aggregateIdFor(meta, this.ids, 'dossier');
    const command: SubmitDossier = {
      type: 'SubmitDossier',
      dossierId,
      ...input,
      applicant,
      dueDate: this.calendar.dueDate(now, PROCEDURE_TIME_LIMITS[input.procedure]),
      today: localDateOf(now),
      now: formatLocalInstant(now),
    };
    // The dossier id was made for this request: no history to read (newStream).
    const result = await handleCommand({ store, decider: dossierDecider, streamId: dossierId, command, meta, occurredAt: now, newStream: true });
    if (!result.ok) {
      // A retry of a request whose first attempt already created the dossier gets that dossier
      // (the decider refuses a second submission on its stream). Looked up only on refusal: the
      // first attempt, the usual case, spends no round trip on it.
      const existing = meta.requestId ? await findDossier(ds, dossierId) : null;
      return existing ? answer(201, dossierViewOf(existing, now)) : refusal(result.error);
    }
    // The answer is the row the projection just wrote, built from the event: no read back.
    const receivedEvent = result.events.find((e) => e.type === 'DossierReceived') as RecordedEvent<'DossierReceived', DossierReceivedData> | undefined;
    if (!receivedEvent) throw new Error(`dossier ${dossierId}: the decision holds no DossierReceived`);
    return answer(201, dossierViewOf(receivedDossierRecord(receivedEvent), now));
  }
}
