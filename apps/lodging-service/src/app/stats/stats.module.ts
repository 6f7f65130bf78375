import { Module } from '@nestjs/common';
import { GetLodgingStatsHandler } from './get-lodging-stats.handler';

@Module({ providers: [GetLodgingStatsHandler] })
export class StatsModule {}
