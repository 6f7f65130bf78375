import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { RPC, type NoticeSubmittedData, type RequestMeta, type RpcReply } from '@d06/contracts';
import { ConcurrencyError } from '@d06/event-sourcing';
import { noticeContextReader, type NoticeContext, type NoticeContextLookup } from '@d06/lodging-read-model';
import { decideNotice, formatLocalInstant, initialNoticeState, type NoticeGuestInput } from '@d06/lodging-domain';
import { CLOCK, EVENT_SOURCING, ID_GENERATOR, aggregateIdFor, type Clock, type EventSourcingRuntime, type IdGenerator } from '@d06/platform';
import { invalid, ok, refused } from '../common/replies';
import { parseSubmitNotice } from './submit-notice.payload';
import { TimedRpcRegistrar } from '../common/rpc-timing';

/** The 201 body: the notice as recorded, with each guest's deadline and verification. */
export type NoticeBody = Omit<NoticeSubmittedData, 'wardCode'>;

/**
 * `SubmitNotice` (POST /lodging/notices). The establishment and each Vietnamese guest's register
 * entry come from this service's own read model (no call to another service); the decider
 * computes deadlines and `late` from the arrival and the injected clock and records them on the
 * event, so a replay on any later day gives the same answer. A notice of up to 200 guests is
 * one event, one append.
 */
@Injectable()
export class SubmitNoticeHandler implements OnModuleInit {
  /** Concurrent notices' lookups share a query (noticeContextReader); made on the first notice. */
  private findContext: ((lookup: NoticeContextLookup) => Promise<NoticeContext>) | undefined;

  constructor(
    private readonly rpc: TimedRpcRegistrar,
    @Inject(EVENT_SOURCING) private readonly runtime: EventSourcingRuntime,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  onModuleInit(): void {
    this.rpc.register(RPC.lodging.submitNotice, (payload, meta) => this.handle(payload, meta));
  }

  async handle(raw: unknown, meta: RequestMeta): Promise<RpcReply<NoticeBody>> {
    const parsed = parseSubmitNotice(raw);
    if (!parsed.ok) return invalid(parsed.errors, 'invalid lodging notice');
    const payload = parsed.payload;
    const store = await this.runtime.ready();
    const personalIds = payload.guests.flatMap((g) => ('personalId' in g ? [g.personalId] : []));
    this.findContext ??= noticeContextReader(store.dataSource);
    const context = await this.findContext({ establishmentId: payload.establishmentId, personalIds });
    const guests: NoticeGuestInput[] = payload.guests.map((g) => {
      if (!('personalId' in g)) return g;
      const known = context.citizens.get(g.personalId);
      return {
        personalId: g.personalId,
        fullName: g.fullName ?? null,
        dateOfBirth: g.dateOfBirth ?? null,
        knownCitizen: known ? { status: known.status, fullName: known.fullNameNormalized ?? '', dateOfBirth: known.dateOfBirth ?? '' } : null,
      };
    });
    const noticeId = aggregateIdFor(meta, this.ids, 'notice');
    // A retry of a request whose first attempt already stored the notice gets that notice. Looked
    // up only when this attempt cannot append (the stream exists) or is refused (the world moved
    // since the first attempt): the usual first attempt spends no round trip on it.
    const earlier = async (): Promise<RpcReply<NoticeBody> | null> => {
      if (!meta.requestId) return null;
      const found = (await store.readStream(noticeId)).find((e) => e.type === 'NoticeSubmitted');
      if (!found) return null;
      const { wardCode: _w, ...earlierBody } = found.data as NoticeSubmittedData;
      return ok(201, earlierBody);
    };
    // The stream is new (its id was generated just now), so there is no history to load: decide
    // on the initial state and append expecting no stream, one round trip fewer per notice.
    const decision = decideNotice(
      {
        type: 'SubmitNotice',
        noticeId,
        establishmentId: payload.establishmentId,
        establishment: context.establishment,
        arrivalAt: payload.arrivalAt,
        expectedDepartureAt: payload.expectedDepartureAt ?? null,
        room: payload.room ?? null,
        guests,
        now: formatLocalInstant(this.clock.now().getTime()),
      },
      initialNoticeState,
    );
    if (!decision.ok) return (await earlier()) ?? refused(decision.error);
    const submitted = decision.events.find((e) => e.type === 'NoticeSubmitted');
    if (!submitted || decision.events.length !== 1) throw new Error(`notice ${noticeId}: expected exactly one NoticeSubmitted`);
    try {
      await store.append(noticeId, 'no-stream', [submitted], { meta });
    } catch (err) {
      // The stream exists: an earlier attempt of this request stored it (answer with what it
      // stored), or, without a request id, a duplicate uuid (say so rather than overwrite).
      if (err instanceof ConcurrencyError) {
        return (await earlier()) ?? refused({ code: 'CONCURRENT_CHANGE', message: `notice ${noticeId} already exists; try again` });
      }
      throw err;
    }
    const { wardCode: _ward, ...body }: NoticeSubmittedData = submitted.data;
    return ok(201, body);
  }
}
