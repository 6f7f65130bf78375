import type { Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { SERVICES, type IdentityEvent, type ServiceName, type TopicNames } from '@d06/contracts';
import {
  EventConsumer,
  retryDeadLetters,
  UpcasterRegistry,
  type ConsumerHandlers,
  type Logger,
  type PayloadValidator,
  type Projection,
  type RetryDeadLettersResult,
  type TopicRouter,
} from '@d06/event-sourcing';
import { IDENTITY_PROJECTIONS } from '@d06/identity-read-model';
import {
  KNOWN_CITIZENS_CONSUMER as LODGING_KNOWN_CITIZENS_CONSUMER,
  KNOWN_CITIZENS_IGNORED_TYPES as LODGING_KNOWN_CITIZENS_IGNORED_TYPES,
  LODGING_PROJECTIONS,
  knownCitizensHandlers as lodgingKnownCitizensHandlers,
  knownCitizensValidators as lodgingKnownCitizensValidators,
} from '@d06/lodging-read-model';
import {
  KNOWN_CITIZENS_CONSUMER as RESIDENCE_KNOWN_CITIZENS_CONSUMER,
  RESIDENCE_PROJECTIONS,
  knownCitizensHandlers as residenceKnownCitizensHandlers,
  knownCitizensIgnoredTypes as residenceKnownCitizensIgnoredTypes,
  knownCitizensValidators as residenceKnownCitizensValidators,
} from '@d06/residence-read-model';

/**
 * What the CLI knows of each service, taken from the same libraries the services run (so a
 * replay uses the very projections that run inline, and a dead-letter retry the very handlers of
 * the consumer), plus the little that lives only in the apps, restated here with its reason.
 */

export interface ConsumerDeps {
  dataSource: DataSource;
  kafka: Kafka;
  logger: Logger;
  upcasters: UpcasterRegistry;
}

/** How `dlq --retry` re-runs a dead letter of this consumer. */
export type DeadLetterRetry =
  | {
      kind: 'handlers';
      /** The library's retryDeadLetters over the consumer's own handlers and validators. */
      retry(deps: ConsumerDeps, ids: readonly number[] | undefined): Promise<RetryDeadLettersResult>;
    }
  | {
      kind: 'republish';
      /** Why the handlers are not available to the CLI. */
      why: string;
    };

export interface ConsumerEntry {
  /** The consumer's name: its key in processed_events and dead_letters. */
  name: string;
  /** The service whose events it consumes. */
  source: ServiceName;
  sourceTopics(t: TopicNames): string[];
  /** Read-model tables it writes: they come from another service's topic, not from this store. */
  feeds: readonly string[];
  description: string;
  retry: DeadLetterRetry;
}

export interface ServiceEntry {
  service: ServiceName;
  /** The projections of the service's own events, in the order they run inline. */
  projections: readonly Projection[];
  /** Where the relay publishes each sealed event. */
  router(t: TopicNames): TopicRouter;
  /** Every topic the router can pick. */
  publishedTopics(t: TopicNames): string[];
  consumers: readonly ConsumerEntry[];
  /** The services declare no upcasters yet; a registry here keeps replay and retry in step when they do. */
  upcasters(): UpcasterRegistry;
}

/**
 * CONTRACT.md §3: the identity service's access records (CitizenDataAccessed) are events of its
 * own log but go to `audit.events`; everything else to `identity.events`. The service's router
 * (`identityTopicRouter`) lives in apps/identity-service, which another app may not import, so
 * the rule is restated here; `republish` must route exactly like the relay.
 */
export function identityRouter(t: TopicNames): TopicRouter {
  const audit = t.audit;
  const events = t.events('identity');
  return (envelope) => (envelope.type === 'CitizenDataAccessed' ? audit : events);
}

function ownTopicRouter(service: ServiceName): (t: TopicNames) => TopicRouter {
  return (t) => {
    const topic = t.events(service);
    return () => topic;
  };
}

function knownCitizensRetry(
  name: string,
  handlers: (logger: Logger) => ConsumerHandlers<IdentityEvent>,
  validators: Readonly<Record<string, PayloadValidator>>,
  ignoreTypes: readonly string[],
): DeadLetterRetry {
  return {
    kind: 'handlers',
    retry: (deps, ids) => {
      // Never started: retryDeadLetters needs only the database, the handlers and the checks.
      const consumer = new EventConsumer<IdentityEvent>({
        dataSource: deps.dataSource,
        kafka: deps.kafka,
        groupId: `ops-retry-${name}`,
        name,
        topics: [],
        handlers: handlers(deps.logger),
        validators,
        ignoreTypes,
        upcasters: deps.upcasters,
        logger: deps.logger,
      });
      return retryDeadLetters(consumer, ids ? { ids } : {});
    },
  };
}

export const SERVICE_CATALOG: Readonly<Record<ServiceName, ServiceEntry>> = {
  identity: {
    service: 'identity',
    projections: IDENTITY_PROJECTIONS,
    router: identityRouter,
    publishedTopics: (t) => [t.events('identity'), t.audit],
    consumers: [
      {
        // RESIDENCE_APPROVALS_CONSUMER of apps/identity-service/src/app/residence/residence-approvals.consumer.ts.
        name: 'residence_approvals',
        source: 'residence',
        sourceTopics: (t) => [t.events('residence')],
        feeds: [],
        description: 'applies approved residence dossiers to the register (appends CitizenResidenceChanged)',
        retry: {
          kind: 'republish',
          why: 'its handler lives in apps/identity-service (it decides ChangeResidence with the citizen decider), which the CLI may not import',
        },
      },
    ],
    upcasters: () => new UpcasterRegistry(),
  },
  residence: {
    service: 'residence',
    projections: RESIDENCE_PROJECTIONS,
    router: ownTopicRouter('residence'),
    publishedTopics: (t) => [t.events('residence')],
    consumers: [
      {
        name: RESIDENCE_KNOWN_CITIZENS_CONSUMER,
        source: 'identity',
        sourceTopics: (t) => [t.events('identity')],
        feeds: ['known_citizens'],
        description: 'the applicants the residence service knows, from identity.events',
        retry: knownCitizensRetry(
          RESIDENCE_KNOWN_CITIZENS_CONSUMER,
          () => residenceKnownCitizensHandlers,
          residenceKnownCitizensValidators,
          residenceKnownCitizensIgnoredTypes,
        ),
      },
    ],
    upcasters: () => new UpcasterRegistry(),
  },
  lodging: {
    service: 'lodging',
    projections: LODGING_PROJECTIONS,
    router: ownTopicRouter('lodging'),
    publishedTopics: (t) => [t.events('lodging')],
    consumers: [
      {
        name: LODGING_KNOWN_CITIZENS_CONSUMER,
        source: 'identity',
        sourceTopics: (t) => [t.events('identity')],
        feeds: ['known_citizens'],
        description: 'the citizens guests are verified against, from identity.events',
        retry: knownCitizensRetry(
          LODGING_KNOWN_CITIZENS_CONSUMER,
          lodgingKnownCitizensHandlers,
          lodgingKnownCitizensValidators,
          LODGING_KNOWN_CITIZENS_IGNORED_TYPES,
        ),
      },
    ],
    upcasters: () => new UpcasterRegistry(),
  },
};

export const SERVICE_NAMES: readonly ServiceName[] = SERVICES;

export function serviceEntry(service: ServiceName): ServiceEntry {
  return SERVICE_CATALOG[service];
}

/** The service whose store a projection of this name (or owning this table) belongs to. */
export function findProjectionOwner(nameOrTable: string): { service: ServiceName; projection: Projection } | undefined {
  for (const service of SERVICE_NAMES) {
    const projection = SERVICE_CATALOG[service].projections.find((p) => p.name === nameOrTable || p.tables.includes(nameOrTable));
    if (projection) return { service, projection };
  }
  return undefined;
}
