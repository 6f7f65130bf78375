import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { RPC, type FieldError, type ResidenceStats, type RpcReply } from '@d06/contracts';
import { CLOCK, MANAGED_DATA_SOURCE, RPC_DISPATCHER, type Clock, type ManagedDataSource, type RpcDispatcher } from '@d06/platform';
import { findWard, localDateOf } from '@d06/reference-data';
import { wardStats } from '@d06/residence-read-model';
import { asPayload, dateField } from '../common/payload-fields';
import { answer, validationFailed } from '../common/rpc-replies';

const WARD_CODE = /^[0-9]{5}$/;

/**
 * `GetResidenceStats` (GET /residence/stats?wardCode&from&to): received, resolved (on time,
 * late), pending and overdue over local dates [from, to], from the ward-stats projection;
 * `overdue` as of the clock.
 */
@Injectable()
export class GetResidenceStatsHandler implements OnModuleInit {
  constructor(
    @Inject(RPC_DISPATCHER) private readonly dispatcher: RpcDispatcher,
    @Inject(MANAGED_DATA_SOURCE) private readonly db: ManagedDataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.dispatcher.register(RPC.residence.getStats, (payload) => this.handle(payload));
  }

  async handle(payload: unknown): Promise<RpcReply<ResidenceStats>> {
    const errors: FieldError[] = [];
    const p = asPayload(payload, errors);
    const wardCode = p['wardCode'];
    if (typeof wardCode !== 'string' || !WARD_CODE.test(wardCode) || findWard(wardCode) === undefined) {
      errors.push({ field: 'wardCode', message: 'wardCode must be the 5-digit code of a ward or commune since 1 July 2025' });
    }
    const from = dateField(p, 'from', errors);
    const to = dateField(p, 'to', errors);
    if (from !== undefined && to !== undefined && from > to) errors.push({ field: 'from', message: 'from must not be after to' });
    if (errors.length > 0 || typeof wardCode !== 'string' || from === undefined || to === undefined) return validationFailed(errors);
    const stats = await wardStats(await this.db.ready(), { wardCode, from, to, today: localDateOf(this.clock.now()) });
    return answer(200, stats);
  }
}
