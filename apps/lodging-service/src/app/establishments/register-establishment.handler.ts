import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import {
  ESTABLISHMENT_KINDS,
  RPC,
  type EstablishmentKind,
  type EstablishmentRegisteredData,
  type RegisterEstablishmentPayload,
  type RequestMeta,
  type RpcReply,
} from '@d06/contracts';
import { handleCommand } from '@d06/event-sourcing';
import { establishmentDecider, formatLocalInstant } from '@d06/lodging-domain';
import { CLOCK, EVENT_SOURCING, ID_GENERATOR, aggregateIdFor, type Clock, type EventSourcingRuntime, type IdGenerator } from '@d06/platform';
import { validateAddress } from '@d06/reference-data';
import { PayloadReader, isObject } from '../common/payload-checks';
import { invalid, ok, refused } from '../common/replies';
import { TimedRpcRegistrar } from '../common/rpc-timing';

export const ESTABLISHMENT_NAME_MAX = 200;

export type EstablishmentBody = EstablishmentRegisteredData;

type Parsed = { ok: true; payload: RegisterEstablishmentPayload } | { ok: false; reply: RpcReply<never> };

export function parseRegisterEstablishment(raw: unknown): Parsed {
  if (!isObject(raw)) return { ok: false, reply: invalid([{ field: '', message: 'the payload must be an object' }]) };
  const r = new PayloadReader();
  const name = r.text(raw, 'name', ESTABLISHMENT_NAME_MAX);
  const kind = raw['kind'];
  if (!(ESTABLISHMENT_KINDS as readonly unknown[]).includes(kind)) r.fail('kind', `must be one of ${ESTABLISHMENT_KINDS.join(', ')}`);
  r.errors.push(...validateAddress(raw['address'], 'address'));
  if (!r.ok) return { ok: false, reply: invalid(r.errors, 'invalid establishment') };
  const address = raw['address'] as RegisterEstablishmentPayload['address'];
  return {
    ok: true,
    payload: { name, kind: kind as EstablishmentKind, address: { provinceCode: address.provinceCode, wardCode: address.wardCode, detail: address.detail } },
  };
}

/** `RegisterEstablishment` (POST /lodging/establishments) -> 201 the establishment. */
@Injectable()
export class RegisterEstablishmentHandler implements OnModuleInit {
  constructor(
    private readonly rpc: TimedRpcRegistrar,
    @Inject(EVENT_SOURCING) private readonly runtime: EventSourcingRuntime,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  onModuleInit(): void {
    this.rpc.register(RPC.lodging.registerEstablishment, (payload, meta) => this.handle(payload, meta));
  }

  async handle(raw: unknown, meta: RequestMeta): Promise<RpcReply<EstablishmentBody>> {
    const parsed = parseRegisterEstablishment(raw);
    if (!parsed.ok) return parsed.reply;
    const store = await this.runtime.ready();
    const establishmentId = aggregateIdFor(meta, this.ids, 'establishment');
    if (meta.requestId) {
      // A retry of a request whose first attempt already registered it gets that registration.
      const earlier = (await store.readStream(establishmentId)).find((e) => e.type === 'EstablishmentRegistered');
      if (earlier) return ok(201, earlier.data as EstablishmentRegisteredData);
    }
    const result = await handleCommand({
      store,
      decider: establishmentDecider,
      streamId: establishmentId,
      command: {
        type: 'RegisterEstablishment',
        establishmentId,
        ...parsed.payload,
        now: formatLocalInstant(this.clock.now().getTime()),
      },
      meta,
    });
    if (!result.ok) return refused(result.error);
    const registered = result.events.find((e) => e.type === 'EstablishmentRegistered');
    if (!registered) throw new Error(`registering establishment ${establishmentId} produced no EstablishmentRegistered`);
    return ok(201, registered.data as EstablishmentRegisteredData);
  }
}
