import type { Projection } from '@d06/event-sourcing';
import { CitizenAccessLogReadModel1764288000001 } from './citizen-access-log.migration';
import { citizenAccessLogProjection } from './citizen-access-log.projection';
import { CitizensReadModel1764288000000 } from './citizens.migration';
import { citizensProjection } from './citizens.projection';

/**
 * The identity service's read model in one place: the service, the seeder and the operator
 * CLI's replay all take the same migrations (after the event store's own) and projections.
 */
export const IDENTITY_READ_MODEL_MIGRATIONS = [CitizensReadModel1764288000000, CitizenAccessLogReadModel1764288000001];

export const IDENTITY_PROJECTIONS: readonly Projection[] = [citizensProjection, citizenAccessLogProjection];
