import { Logger as NestLogger } from '@nestjs/common';
import type { Logger } from '@d06/event-sourcing';
import type { ConsumerDeclaration } from '@d06/platform';
import {
  KNOWN_CITIZENS_CONSUMER,
  KNOWN_CITIZENS_IGNORED_TYPES,
  knownCitizensHandlers,
  knownCitizensValidators,
} from '@d06/lodging-read-model';

const nest = new NestLogger('KnownCitizens');
const logger: Logger = {
  info: (msg, fields) => nest.log({ ...fields }, msg),
  warn: (msg, fields) => nest.warn({ ...fields }, msg),
  error: (msg, fields) => nest.error({ ...fields }, msg),
};

/**
 * The lodging service's own list of citizens, from `identity.events` (DESIGN.md: no service
 * calls another): what guest verification reads.
 */
export const knownCitizensConsumer: ConsumerDeclaration = {
  name: KNOWN_CITIZENS_CONSUMER,
  topics: (t) => [t.events('identity')],
  handlers: knownCitizensHandlers(logger) as ConsumerDeclaration['handlers'],
  validators: knownCitizensValidators,
  ignoreTypes: KNOWN_CITIZENS_IGNORED_TYPES,
};
