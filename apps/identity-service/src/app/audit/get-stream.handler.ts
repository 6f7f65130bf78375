import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { RPC, type RequestMeta, type RpcReply } from '@d06/contracts';
import type { EventStore, RecordedEvent } from '@d06/event-sourcing';
import { APP_CONFIG, EVENT_SOURCING, RPC_DISPATCHER, type EventSourcingRuntime, type RpcDispatcher } from '@d06/platform';
import type { IdentityConfig } from '../identity-config';
import { parseGetStream } from '../common/identity-payloads';
import { invalidPayload, notFound, reply } from '../common/rpc-replies';

export interface StreamReply {
  service: 'identity';
  streamId: string;
  /** In stream order, exactly as stored and hashed (no upcasting), envelopes included. */
  events: RecordedEvent[];
}

const POLL_MS = 50;

/**
 * `GET /audit/streams/identity/{streamId}`: a citizen stream (`<personalId>`) or an access stream
 * (`access-<personalId>`). The sealer gives committed events their position and hash within
 * milliseconds; the handler waits up to `streamSealWaitMs` for that, then answers with what it
 * has: an event still unsealed by then comes with `position`, `prevHash` and `hash` null.
 * NOT_FOUND (404) when the stream has no events.
 */
@Injectable()
export class GetStreamHandler implements OnModuleInit {
  constructor(
    @Inject(RPC_DISPATCHER) private readonly dispatcher: RpcDispatcher,
    @Inject(EVENT_SOURCING) private readonly runtime: EventSourcingRuntime,
    @Inject(APP_CONFIG) private readonly config: IdentityConfig,
  ) {}

  onModuleInit(): void {
    this.dispatcher.register(RPC.identity.getStream, (payload, meta) => this.handle(payload, meta));
  }

  async handle(payload: unknown, _meta: RequestMeta): Promise<RpcReply<StreamReply>> {
    const parsed = parseGetStream(payload);
    if (!parsed.ok) return invalidPayload(parsed.errors);
    const { streamId } = parsed.value;
    const store = await this.runtime.ready();
    const events = await this.readSealed(store, streamId);
    if (events.length === 0) return notFound(`stream ${streamId}`);
    return reply(200, { service: 'identity', streamId, events });
  }

  private async readSealed(store: EventStore, streamId: string): Promise<RecordedEvent[]> {
    // A timeout, not domain time: measured on the process's monotonic clock.
    const deadline = performance.now() + this.config.streamSealWaitMs;
    for (;;) {
      const events = await store.readStream(streamId, { upcast: false });
      if (!events.some((e) => e.position === null) || performance.now() >= deadline) return events;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}
