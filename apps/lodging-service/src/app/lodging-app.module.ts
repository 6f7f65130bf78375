import { Module, type DynamicModule } from '@nestjs/common';
import { ServiceCoreModule, type Clock, type IdGenerator } from '@d06/platform';
import type { LodgingConfig } from './lodging-config';

@Module({})
export class LodgingAppModule {
  static forRoot(config: LodgingConfig, overrides: { clock?: Clock; ids?: IdGenerator } = {}): DynamicModule {
    return {
      module: LodgingAppModule,
      imports: [ServiceCoreModule.forRoot({ service: 'lodging', config, migrations: [], eventSourcing: { projections: [] }, ...overrides })],
    };
  }
}
