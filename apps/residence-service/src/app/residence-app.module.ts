import { Module, type DynamicModule } from '@nestjs/common';
import { ServiceCoreModule, type Clock, type IdGenerator } from '@d06/platform';
import { RESIDENCE_PROJECTIONS, RESIDENCE_READ_MODEL_MIGRATIONS } from '@d06/residence-read-model';
import { CalendarModule } from './calendar/calendar.module';
import { knownCitizensConsumer } from './citizens/known-citizens.consumer';
import { DossiersModule } from './dossiers/dossiers.module';
import type { ResidenceConfig } from './residence-config';
import { StatsModule } from './stats/stats.module';
import { StreamsModule } from './streams/streams.module';

@Module({})
export class ResidenceAppModule {
  static forRoot(config: ResidenceConfig, overrides: { clock?: Clock; ids?: IdGenerator } = {}): DynamicModule {
    return {
      module: ResidenceAppModule,
      imports: [
        ServiceCoreModule.forRoot({
          service: 'residence',
          config,
          migrations: RESIDENCE_READ_MODEL_MIGRATIONS,
          eventSourcing: { projections: RESIDENCE_PROJECTIONS, consumers: [knownCitizensConsumer] },
          ...overrides,
        }),
        CalendarModule.forRoot(config.extraOfficialDays),
        DossiersModule,
        StatsModule,
        StreamsModule,
      ],
    };
  }
}
