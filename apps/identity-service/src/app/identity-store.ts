import type { EventStore } from '@d06/event-sourcing';
import type { EventSourcingRuntime } from '@d06/platform';

/**
 * The identity event store for code that is declared before the runtime exists: the consumer
 * declarations handed to ServiceCoreModule.forRoot. The runtime resolves it once the database is
 * migrated, before any consumer can receive a message.
 */
export class IdentityStoreHandle {
  private resolveStore!: (store: EventStore) => void;
  private readonly store = new Promise<EventStore>((resolve) => (this.resolveStore = resolve));

  get(): Promise<EventStore> {
    return this.store;
  }

  bind(runtime: EventSourcingRuntime): this {
    void runtime.ready().then(this.resolveStore);
    return this;
  }
}
