import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { RPC, type CitizenView, type RequestMeta, type RpcReply } from '@d06/contracts';
import { findCitizenView } from '@d06/identity-read-model';
import { CLOCK, EVENT_SOURCING, RPC_DISPATCHER, type Clock, type EventSourcingRuntime, type RpcDispatcher } from '@d06/platform';
import { parseShareCitizen } from '../common/identity-payloads';
import { recordDataAccess } from '../common/record-data-access';
import { invalidPayload, notFound, reply } from '../common/rpc-replies';
import { selectSharedFields } from './shared-fields';

/**
 * `GET /sharing/citizens/{personalId}`: only the fields of the calling agency's policy (the
 * gateway sends them from its configuration), recorded as `CitizenDataAccessed` channel SHARING
 * with the stated purpose and exactly the fields returned. NOT_FOUND (404) for an unknown citizen.
 */
@Injectable()
export class ShareCitizenHandler implements OnModuleInit {
  private readonly logger = new Logger('ShareCitizen');

  constructor(
    @Inject(RPC_DISPATCHER) private readonly dispatcher: RpcDispatcher,
    @Inject(EVENT_SOURCING) private readonly runtime: EventSourcingRuntime,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.dispatcher.register(RPC.identity.shareCitizen, (payload, meta) => this.handle(payload, meta));
  }

  async handle(payload: unknown, meta: RequestMeta): Promise<RpcReply<Partial<CitizenView>>> {
    const parsed = parseShareCitizen(payload);
    if (!parsed.ok) return invalidPayload(parsed.errors);
    const { personalId, purpose } = parsed.value;
    const store = await this.runtime.ready();
    const view = await findCitizenView(store.dataSource, personalId);
    if (view === null) return notFound(`citizen ${personalId}`);
    const selection = selectSharedFields(view, parsed.value.fields);
    if (selection.unknown.length > 0) {
      this.logger.warn(
        { clientId: meta.actor.clientId, unknown: selection.unknown, correlationId: meta.correlationId },
        'sharing policy names fields a citizen does not have; they are not returned',
      );
    }
    await recordDataAccess(store, { personalId, purpose, fields: selection.fields, channel: 'SHARING', now: this.clock.now() }, meta);
    return reply(200, selection.body);
  }
}
