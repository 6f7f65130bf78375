import { Module, type DynamicModule } from '@nestjs/common';
import { LODGING_PROJECTIONS, LODGING_READ_MODEL_MIGRATIONS } from '@d06/lodging-read-model';
import { ServiceCoreModule, type Clock, type IdGenerator } from '@d06/platform';
import { knownCitizensConsumer } from './citizens/known-citizens.consumer';
import { LodgingCommonModule } from './common/common.module';
import { EstablishmentsModule } from './establishments/establishments.module';
import type { LodgingConfig } from './lodging-config';
import { NoticesModule } from './notices/notices.module';
import { OccupancyModule } from './occupancy/occupancy.module';
import { StatsModule } from './stats/stats.module';
import { StreamsModule } from './streams/streams.module';

/** The lodging service: establishments, lodging notices, occupancy and ward figures (CONTRACT.md §2.5). */
@Module({})
export class LodgingAppModule {
  static forRoot(config: LodgingConfig, overrides: { clock?: Clock; ids?: IdGenerator } = {}): DynamicModule {
    return {
      module: LodgingAppModule,
      imports: [
        ServiceCoreModule.forRoot({
          service: 'lodging',
          config,
          migrations: [...LODGING_READ_MODEL_MIGRATIONS],
          eventSourcing: { projections: LODGING_PROJECTIONS, consumers: [knownCitizensConsumer] },
          ...overrides,
        }),
        LodgingCommonModule,
        EstablishmentsModule,
        NoticesModule,
        OccupancyModule,
        StatsModule,
        StreamsModule,
      ],
    };
  }
}
