import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { RPC, type GuestsDepartedData, type RecordDeparturePayload, type RequestMeta, type RpcReply } from '@d06/contracts';
import { handleCommand } from '@d06/event-sourcing';
import { ARRIVAL_LEAD_MS, formatLocalInstant, noticeDecider } from '@d06/lodging-domain';
import { CLOCK, EVENT_SOURCING, requestEventIds, type Clock, type EventSourcingRuntime } from '@d06/platform';
import { PayloadReader, isObject } from '../common/payload-checks';
import { invalid, ok, refused } from '../common/replies';
import { TimedRpcRegistrar } from '../common/rpc-timing';

export interface DepartureBody {
  noticeId: string;
  departedAt: string;
}

type Parsed = { ok: true; payload: RecordDeparturePayload } | { ok: false; reply: RpcReply<never> };

export function parseRecordDeparture(raw: unknown): Parsed {
  if (!isObject(raw)) return { ok: false, reply: invalid([{ field: '', message: 'the payload must be an object' }]) };
  const r = new PayloadReader();
  const noticeId = r.uuid(raw, 'noticeId');
  const departedAt = r.instant(raw, 'departedAt');
  if (!r.ok) return { ok: false, reply: invalid(r.errors, 'invalid departure') };
  return { ok: true, payload: { noticeId, departedAt } };
}

/**
 * `RecordDeparture` (POST /lodging/notices/{noticeId}/departure) -> 200 `{noticeId, departedAt}`;
 * NOT_FOUND, ALREADY_DEPARTED (409), DEPARTURE_BEFORE_ARRIVAL (422).
 */
@Injectable()
export class RecordDepartureHandler implements OnModuleInit {
  constructor(
    private readonly rpc: TimedRpcRegistrar,
    @Inject(EVENT_SOURCING) private readonly runtime: EventSourcingRuntime,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.rpc.register(RPC.lodging.recordDeparture, (payload, meta) => this.handle(payload, meta));
  }

  async handle(raw: unknown, meta: RequestMeta): Promise<RpcReply<DepartureBody>> {
    const parsed = parseRecordDeparture(raw);
    if (!parsed.ok) return parsed.reply;
    const { noticeId, departedAt } = parsed.payload;
    const now = this.clock.now().getTime();
    // A departure takes the guests off the occupancy list at once; one dated in the future would
    // hide guests still staying. The same clock-skew allowance as for arrivals.
    if (Date.parse(departedAt) - now > ARRIVAL_LEAD_MS) {
      return invalid([{ field: 'departedAt', message: 'must not be more than 1 hour in the future' }], 'departedAt is in the future');
    }
    const store = await this.runtime.ready();
    const result = await handleCommand({
      store,
      decider: noticeDecider,
      streamId: noticeId,
      command: { type: 'RecordDeparture', noticeId, departedAt, now: formatLocalInstant(now) },
      meta,
      // A retry of a departure already stored gets 200, not 409 ALREADY_DEPARTED.
      eventIdOf: requestEventIds(meta, 'departure'),
    });
    if (!result.ok) return refused(result.error);
    const departed = result.events.find((e) => e.type === 'GuestsDeparted');
    if (!departed) throw new Error(`departure of notice ${noticeId} was accepted without a GuestsDeparted event`);
    const data = departed.data as GuestsDepartedData;
    return ok(200, { noticeId: data.noticeId, departedAt: data.departedAt });
  }
}
