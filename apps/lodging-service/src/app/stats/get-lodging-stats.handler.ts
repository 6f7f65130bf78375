import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { RPC, isValidLocalDate, type LodgingStats, type RpcReply } from '@d06/contracts';
import { lodgingStats } from '@d06/lodging-read-model';
import { EVENT_SOURCING, type EventSourcingRuntime } from '@d06/platform';
import { findWard } from '@d06/reference-data';
import { PayloadReader, isObject } from '../common/payload-checks';
import { invalid, ok } from '../common/replies';
import { TimedRpcRegistrar } from '../common/rpc-timing';

/**
 * `GetLodgingStats` (GET /lodging/stats?wardCode&from&to): notices of establishments in the
 * ward whose arrival falls on a local date in [from, to]; read from the per-day counters.
 */
@Injectable()
export class GetLodgingStatsHandler implements OnModuleInit {
  constructor(
    private readonly rpc: TimedRpcRegistrar,
    @Inject(EVENT_SOURCING) private readonly runtime: EventSourcingRuntime,
  ) {}

  onModuleInit(): void {
    this.rpc.register(RPC.lodging.getStats, (payload) => this.handle(payload));
  }

  async handle(raw: unknown): Promise<RpcReply<LodgingStats>> {
    if (!isObject(raw)) return invalid([{ field: '', message: 'the payload must be an object' }]);
    const r = new PayloadReader();
    const wardCode = raw['wardCode'];
    if (typeof wardCode !== 'string' || !/^\d{5}$/.test(wardCode) || !findWard(wardCode)) {
      r.fail('wardCode', 'must be the 5-digit code of a ward or commune since 1 July 2025');
    }
    const from = r.localDate(raw, 'from');
    const to = r.localDate(raw, 'to');
    if (isValidLocalDate(from) && isValidLocalDate(to) && from > to) r.fail('from', 'must not be after to');
    if (!r.ok) return invalid(r.errors, 'invalid statistics query');
    const { dataSource } = await this.runtime.ready();
    return ok(200, await lodgingStats(dataSource, { wardCode: wardCode as string, from, to }));
  }
}
