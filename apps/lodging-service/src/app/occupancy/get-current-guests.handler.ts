import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { RPC, type RpcReply } from '@d06/contracts';
import { findEstablishment, listCurrentGuests, type CurrentGuestView } from '@d06/lodging-read-model';
import { EVENT_SOURCING, type EventSourcingRuntime } from '@d06/platform';
import { PayloadReader, isObject } from '../common/payload-checks';
import { invalid, notFound, ok } from '../common/replies';
import { TimedRpcRegistrar } from '../common/rpc-timing';

export interface CurrentGuestsBody {
  establishmentId: string;
  guests: CurrentGuestView[];
}

/** `GetCurrentGuests` (GET /lodging/establishments/{id}/guests): the guests staying now; 404 unknown establishment. */
@Injectable()
export class GetCurrentGuestsHandler implements OnModuleInit {
  constructor(
    private readonly rpc: TimedRpcRegistrar,
    @Inject(EVENT_SOURCING) private readonly runtime: EventSourcingRuntime,
  ) {}

  onModuleInit(): void {
    this.rpc.register(RPC.lodging.getCurrentGuests, (payload) => this.handle(payload));
  }

  async handle(raw: unknown): Promise<RpcReply<CurrentGuestsBody>> {
    if (!isObject(raw)) return invalid([{ field: '', message: 'the payload must be an object' }]);
    const r = new PayloadReader();
    const establishmentId = r.uuid(raw, 'establishmentId');
    if (!r.ok) return invalid(r.errors);
    const { dataSource } = await this.runtime.ready();
    const [establishment, guests] = await Promise.all([findEstablishment(dataSource, establishmentId), listCurrentGuests(dataSource, establishmentId)]);
    if (!establishment) return notFound(`no establishment ${establishmentId}`);
    return ok(200, { establishmentId, guests });
  }
}
