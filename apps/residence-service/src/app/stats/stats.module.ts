import { Module } from '@nestjs/common';
import { GetResidenceStatsHandler } from './get-residence-stats.handler';

/** Per-ward residence figures (CONTRACT.md §2.4). */
@Module({ providers: [GetResidenceStatsHandler] })
export class StatsModule {}
