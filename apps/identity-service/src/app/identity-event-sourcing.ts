import type { TopicNames } from '@d06/contracts';
import type { TopicRouter } from '@d06/event-sourcing';
import { IDENTITY_PROJECTIONS } from '@d06/identity-read-model';
import type { Clock, EventSourcingDeclaration } from '@d06/platform';
import type { IdentityStoreHandle } from './identity-store';
import { residenceApprovalsConsumer } from './residence/residence-approvals.consumer';

/**
 * CONTRACT.md §3: the access records are events of the identity log (same hash chain) but go to
 * `audit.events`; everything else to `identity.events`.
 */
export function identityTopicRouter(t: TopicNames): TopicRouter {
  const audit = t.audit;
  const events = t.events('identity');
  return (envelope) => (envelope.type === 'CitizenDataAccessed' ? audit : events);
}

export function identityEventSourcing(deps: { store: IdentityStoreHandle; clock: Clock }): EventSourcingDeclaration {
  return {
    projections: IDENTITY_PROJECTIONS,
    consumers: [residenceApprovalsConsumer({ store: () => deps.store.get(), clock: deps.clock })],
    router: identityTopicRouter,
  };
}
