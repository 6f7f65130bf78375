import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { RPC, type RpcReply } from '@d06/contracts';
import type { RecordedEvent } from '@d06/event-sourcing';
import { EVENT_SOURCING, type EventSourcingRuntime } from '@d06/platform';
import { PayloadReader, isObject } from '../common/payload-checks';
import { invalid, notFound, ok } from '../common/replies';
import { TimedRpcRegistrar } from '../common/rpc-timing';

export const STREAM_ID_MAX = 200;

export interface StreamBody {
  service: 'lodging';
  streamId: string;
  /** In version order, envelopes included; an event committed moments ago may not be sealed yet (position and hashes null). */
  events: RecordedEvent[];
}

/** `GetStream` (GET /audit/streams/lodging/{streamId}): the stream's events; 404 when it has none. */
@Injectable()
export class GetStreamHandler implements OnModuleInit {
  constructor(
    private readonly rpc: TimedRpcRegistrar,
    @Inject(EVENT_SOURCING) private readonly runtime: EventSourcingRuntime,
  ) {}

  onModuleInit(): void {
    this.rpc.register(RPC.lodging.getStream, (payload) => this.handle(payload));
  }

  async handle(raw: unknown): Promise<RpcReply<StreamBody>> {
    if (!isObject(raw)) return invalid([{ field: '', message: 'the payload must be an object' }]);
    const r = new PayloadReader();
    const streamId = r.text(raw, 'streamId', STREAM_ID_MAX);
    if (!r.ok) return invalid(r.errors);
    const store = await this.runtime.ready();
    const events = await store.readStream(streamId);
    if (events.length === 0) return notFound(`no lodging stream ${streamId}`);
    return ok(200, { service: 'lodging', streamId, events });
  }
}
