import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { RPC, type CitizenView, type RequestMeta, type RpcReply } from '@d06/contracts';
import { findCitizenView } from '@d06/identity-read-model';
import { CLOCK, EVENT_SOURCING, RPC_DISPATCHER, type Clock, type EventSourcingRuntime, type RpcDispatcher } from '@d06/platform';
import { parseGetCitizen } from '../common/identity-payloads';
import { recordDataAccess } from '../common/record-data-access';
import { invalidPayload, notFound, reply } from '../common/rpc-replies';

/**
 * `GET /citizens/{personalId}`: 200 CitizenView or NOT_FOUND (404). Every successful read is
 * recorded as `CitizenDataAccessed` (channel IDENTITY_LOOKUP, the fields returned) before the
 * data leaves; a lookup of an unknown citizen discloses no personal data and is not recorded.
 */
@Injectable()
export class GetCitizenHandler implements OnModuleInit {
  constructor(
    @Inject(RPC_DISPATCHER) private readonly dispatcher: RpcDispatcher,
    @Inject(EVENT_SOURCING) private readonly runtime: EventSourcingRuntime,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.dispatcher.register(RPC.identity.getCitizen, (payload, meta) => this.handle(payload, meta));
  }

  async handle(payload: unknown, meta: RequestMeta): Promise<RpcReply<CitizenView>> {
    const parsed = parseGetCitizen(payload);
    if (!parsed.ok) return invalidPayload(parsed.errors);
    const { personalId, purpose } = parsed.value;
    const store = await this.runtime.ready();
    const view = await findCitizenView(store.dataSource, personalId);
    if (view === null) return notFound(`citizen ${personalId}`);
    await recordDataAccess(
      store,
      { personalId, purpose, fields: Object.keys(view), channel: 'IDENTITY_LOOKUP', now: this.clock.now() },
      meta,
    );
    return reply(200, view);
  }
}
