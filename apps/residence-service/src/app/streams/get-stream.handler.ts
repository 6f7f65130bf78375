import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { RPC, type RpcReply } from '@d06/contracts';
import type { RecordedEvent } from '@d06/event-sourcing';
import { EVENT_SOURCING, RPC_DISPATCHER, type EventSourcingRuntime, type RpcDispatcher } from '@d06/platform';
import { asPayload } from '../common/payload-fields';
import { answer, notFound, validationFailed } from '../common/rpc-replies';

const STREAM_ID_MAX_LENGTH = 200;

export interface StreamBody {
  service: 'residence';
  streamId: string;
  /** The envelopes as stored and hashed (not upcast); `position`/`hash` are null until sealed. */
  events: RecordedEvent[];
}

/** `GetStream` (GET /audit/streams/residence/{streamId}): one stream's events, in order. */
@Injectable()
export class GetStreamHandler implements OnModuleInit {
  constructor(
    @Inject(RPC_DISPATCHER) private readonly dispatcher: RpcDispatcher,
    @Inject(EVENT_SOURCING) private readonly runtime: EventSourcingRuntime,
  ) {}

  onModuleInit(): void {
    this.dispatcher.register(RPC.residence.getStream, (payload) => this.handle(payload));
  }

  async handle(payload: unknown): Promise<RpcReply<StreamBody>> {
    const errors: { field: string; message: string }[] = [];
    const streamId = asPayload(payload, errors)['streamId'];
    if (typeof streamId !== 'string' || streamId.length === 0 || streamId.length > STREAM_ID_MAX_LENGTH) {
      errors.push({ field: 'streamId', message: `streamId must be 1 to ${STREAM_ID_MAX_LENGTH} characters` });
    }
    if (errors.length > 0 || typeof streamId !== 'string') return validationFailed(errors);
    const store = await this.runtime.ready();
    // Dossier ids are stored lower-case; a caller may write the uuid in either case.
    const id = /^[0-9A-F-]{36}$/i.test(streamId) ? streamId.toLowerCase() : streamId;
    const events = await store.readStream(id, { upcast: false });
    if (events.length === 0) return notFound(`no stream ${streamId} in the residence store`);
    return answer(200, { service: 'residence', streamId: id, events });
  }
}
