import { Module, type DynamicModule } from '@nestjs/common';
import { ServiceCoreModule, type Clock, type IdGenerator } from '@d06/platform';
import type { IdentityConfig } from './identity-config';

@Module({})
export class IdentityAppModule {
  static forRoot(config: IdentityConfig, overrides: { clock?: Clock; ids?: IdGenerator } = {}): DynamicModule {
    return {
      module: IdentityAppModule,
      imports: [ServiceCoreModule.forRoot({ service: 'identity', config, migrations: [], eventSourcing: { projections: [] }, ...overrides })],
    };
  }
}
