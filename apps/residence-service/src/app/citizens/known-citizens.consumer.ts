import type { ConsumerDeclaration } from '@d06/platform';
import {
  KNOWN_CITIZENS_CONSUMER,
  knownCitizensHandlers,
  knownCitizensIgnoredTypes,
  knownCitizensValidators,
} from '@d06/residence-read-model';

/**
 * The residence service's consumer of `identity.events` (its own read model of citizens, so
 * that no request ever calls the identity service): registrations, corrections, deaths and
 * residence changes, each validated, applied once, in order per citizen.
 */
export const knownCitizensConsumer: ConsumerDeclaration = {
  name: KNOWN_CITIZENS_CONSUMER,
  topics: (t) => [t.events('identity')],
  // The handlers are typed per identity event; the runtime checks each payload with the
  // validators below before a handler sees it, which is what makes the widening safe.
  handlers: knownCitizensHandlers as ConsumerDeclaration['handlers'],
  validators: knownCitizensValidators,
  ignoreTypes: knownCitizensIgnoredTypes,
};
