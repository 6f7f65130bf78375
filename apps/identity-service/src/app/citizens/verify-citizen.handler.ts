import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { RPC, type RequestMeta, type RpcReply, type VerifyCitizenResult } from '@d06/contracts';
import { verificationReader, type CitizenVerificationRecord } from '@d06/identity-read-model';
import { EVENT_SOURCING, RPC_DISPATCHER, type EventSourcingRuntime, type RpcDispatcher } from '@d06/platform';
import { parseVerifyCitizen } from '../common/identity-payloads';
import { invalidPayload, reply } from '../common/rpc-replies';
import { verificationMatches } from './citizen-verification';

/**
 * `POST /identity/verify`: 200 `{match}` and nothing else. Read-only: a yes/no answer discloses
 * no record (Aadhaar-style), so it is not an access to personal data and writes no event; it is
 * the hot path of the portal, one indexed read.
 */
@Injectable()
export class VerifyCitizenHandler implements OnModuleInit {
  /** Concurrent verifications share a query (verificationReader); made on the first one. */
  private findRecord: ((personalId: string) => Promise<CitizenVerificationRecord | null>) | undefined;

  constructor(
    @Inject(RPC_DISPATCHER) private readonly dispatcher: RpcDispatcher,
    @Inject(EVENT_SOURCING) private readonly runtime: EventSourcingRuntime,
  ) {}

  onModuleInit(): void {
    this.dispatcher.register(RPC.identity.verifyCitizen, (payload, meta) => this.handle(payload, meta));
  }

  async handle(payload: unknown, _meta: RequestMeta): Promise<RpcReply<VerifyCitizenResult>> {
    const parsed = parseVerifyCitizen(payload);
    if (!parsed.ok) return invalidPayload(parsed.errors);
    const store = await this.runtime.ready();
    this.findRecord ??= verificationReader(store.dataSource);
    const record = await this.findRecord(parsed.value.personalId);
    return reply(200, { match: verificationMatches(record, parsed.value) });
  }
}
