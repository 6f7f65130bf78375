import type { Projection } from '@d06/event-sourcing';
import { LodgingReadModel1764201600300 } from './lodging-read-model.migration';
import { establishmentsProjection } from './establishments.projection';
import { noticesProjection } from './notices.projection';

/** The lodging service's inline projections, in the order they run in an append. */
export const LODGING_PROJECTIONS: readonly Projection[] = [establishmentsProjection, noticesProjection];

/** The read model's migrations (after the event store's own). */
export const LODGING_READ_MODEL_MIGRATIONS = [LodgingReadModel1764201600300] as const;
