import { Module, type DynamicModule } from '@nestjs/common';
import { IDENTITY_READ_MODEL_MIGRATIONS } from '@d06/identity-read-model';
import { EVENT_SOURCING, ServiceCoreModule, systemClock, type Clock, type EventSourcingRuntime, type IdGenerator } from '@d06/platform';
import { AuditModule } from './audit/audit.module';
import { CitizensModule } from './citizens/citizens.module';
import type { IdentityConfig } from './identity-config';
import { identityEventSourcing } from './identity-event-sourcing';
import { IdentityStoreHandle } from './identity-store';
import { SharingModule } from './sharing/sharing.module';

@Module({})
export class IdentityAppModule {
  static forRoot(config: IdentityConfig, overrides: { clock?: Clock; ids?: IdGenerator } = {}): DynamicModule {
    const store = new IdentityStoreHandle();
    const clock = overrides.clock ?? systemClock;
    return {
      module: IdentityAppModule,
      imports: [
        ServiceCoreModule.forRoot({
          service: 'identity',
          config,
          migrations: IDENTITY_READ_MODEL_MIGRATIONS,
          eventSourcing: identityEventSourcing({ store, clock }),
          ...overrides,
        }),
        CitizensModule,
        SharingModule,
        AuditModule,
      ],
      providers: [
        { provide: IdentityStoreHandle, useFactory: (runtime: EventSourcingRuntime) => store.bind(runtime), inject: [EVENT_SOURCING] },
      ],
    };
  }
}
