import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { RPC, type CitizenRegisteredData, type CitizenView, type RequestMeta, type RpcReply } from '@d06/contracts';
import { handleCommand, type RecordedEvent } from '@d06/event-sourcing';
import { registeredCitizenView } from '@d06/identity-read-model';
import { citizenDecider } from '@d06/identity-domain';
import { CLOCK, EVENT_SOURCING, RPC_DISPATCHER, requestEventIds, type Clock, type EventSourcingRuntime, type RpcDispatcher } from '@d06/platform';
import { parseRegisterCitizen } from '../common/identity-payloads';
import { invalidPayload, refusal, reply } from '../common/rpc-replies';
import { citizenViewAfterCommit } from './citizen-view';

/** `POST /citizens`: 201 CitizenView; ALREADY_EXISTS (409) for a registered personalId. */
@Injectable()
export class RegisterCitizenHandler implements OnModuleInit {
  constructor(
    @Inject(RPC_DISPATCHER) private readonly dispatcher: RpcDispatcher,
    @Inject(EVENT_SOURCING) private readonly runtime: EventSourcingRuntime,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.dispatcher.register(RPC.identity.registerCitizen, (payload, meta) => this.handle(payload, meta));
  }

  async handle(payload: unknown, meta: RequestMeta): Promise<RpcReply<CitizenView>> {
    const parsed = parseRegisterCitizen(payload);
    if (!parsed.ok) return invalidPayload(parsed.errors);
    const citizen = parsed.value;
    const store = await this.runtime.ready();
    const result = await handleCommand({
      store,
      decider: citizenDecider,
      streamId: citizen.personalId,
      command: { type: 'RegisterCitizen', ...citizen, now: this.clock.now().toISOString() },
      meta,
      // A retry of a request already stored gets its answer, not 409 ALREADY_EXISTS.
      eventIdOf: requestEventIds(meta, 'registration'),
      // A personalId is registered once: its stream is presumed new, and read only if it is not.
      newStream: true,
    });
    if (!result.ok) return refusal(result.error);
    // While the registration is the stream's last event, the view is that event: no read back.
    const registered = result.events.find((e) => e.type === 'CitizenRegistered') as RecordedEvent<'CitizenRegistered', CitizenRegisteredData> | undefined;
    if (registered && registered.streamVersion === result.version) return reply(201, registeredCitizenView(registered));
    return reply(201, await citizenViewAfterCommit(store, citizen.personalId));
  }
}
