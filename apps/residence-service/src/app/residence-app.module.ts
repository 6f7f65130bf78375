import { Module, type DynamicModule } from '@nestjs/common';
import { ServiceCoreModule, type Clock, type IdGenerator } from '@d06/platform';
import type { ResidenceConfig } from './residence-config';

@Module({})
export class ResidenceAppModule {
  static forRoot(config: ResidenceConfig, overrides: { clock?: Clock; ids?: IdGenerator } = {}): DynamicModule {
    return {
      module: ResidenceAppModule,
      imports: [ServiceCoreModule.forRoot({ service: 'residence', config, migrations: [], eventSourcing: { projections: [] }, ...overrides })],
    };
  }
}
