import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { RPC, type AccessLogPage, type RequestMeta, type RpcReply } from '@d06/contracts';
import { findAccessLogPage } from '@d06/identity-read-model';
import { EVENT_SOURCING, RPC_DISPATCHER, type EventSourcingRuntime, type RpcDispatcher } from '@d06/platform';
import { parseGetAccessLog } from '../common/identity-payloads';
import { invalidPayload, reply } from '../common/rpc-replies';

/**
 * `GET /audit/access-log?personalId`: who read the citizen's data, newest first, a page at a
 * time on (accessed_at, id). A citizen nobody read (or nobody registered) has an empty log.
 */
@Injectable()
export class GetAccessLogHandler implements OnModuleInit {
  constructor(
    @Inject(RPC_DISPATCHER) private readonly dispatcher: RpcDispatcher,
    @Inject(EVENT_SOURCING) private readonly runtime: EventSourcingRuntime,
  ) {}

  onModuleInit(): void {
    this.dispatcher.register(RPC.identity.getAccessLog, (payload, meta) => this.handle(payload, meta));
  }

  async handle(payload: unknown, _meta: RequestMeta): Promise<RpcReply<AccessLogPage>> {
    const parsed = parseGetAccessLog(payload);
    if (!parsed.ok) return invalidPayload(parsed.errors);
    const store = await this.runtime.ready();
    return reply(200, await findAccessLogPage(store.dataSource, parsed.value));
  }
}
