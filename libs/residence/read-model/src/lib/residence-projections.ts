import type { Projection } from '@d06/event-sourcing';
import { dossierDetailsProjection } from './dossier-details.projection';
import { wardStatsProjection } from './ward-stats.projection';

/** Every projection of the residence store, in the order they run inline (and replay). */
export const RESIDENCE_PROJECTIONS: readonly Projection[] = [dossierDetailsProjection, wardStatsProjection];
