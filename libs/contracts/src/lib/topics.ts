/**
 * Kafka topic names. Production uses the bare names of CONTRACT.md §3; tests and parallel
 * stacks put a prefix in front of every topic so they never see each other's messages.
 */
export const SERVICES = ['identity', 'residence', 'lodging'] as const;
export type ServiceName = (typeof SERVICES)[number];

export function isServiceName(value: unknown): value is ServiceName {
  return typeof value === 'string' && (SERVICES as readonly string[]).includes(value);
}

export interface TopicNames {
  /** Domain events a service publishes: `identity.events`, `residence.events`, `lodging.events`. */
  events(service: ServiceName): string;
  /** Access records (`CitizenDataAccessed`), written by the identity service. */
  readonly audit: string;
  /** Request/reply topic on which a service takes commands and queries from the gateway. */
  rpc(service: ServiceName): string;
  /** Where the gateway receives the replies to its requests to a service. */
  rpcReply(service: ServiceName): string;
  /** Dead letters of a consumed topic: `<topic>.dlq`. */
  dlq(topic: string): string;
  readonly prefix: string;
}

export function topicNames(prefix = ''): TopicNames {
  return {
    prefix,
    events: (service) => `${prefix}${service}.events`,
    audit: `${prefix}audit.events`,
    rpc: (service) => `${prefix}${service}.rpc`,
    // Nest's ClientKafka listens on `<pattern>.reply` for the answers to `send(pattern, ...)`.
    rpcReply: (service) => `${prefix}${service}.rpc.reply`,
    dlq: (topic) => `${topic}.dlq`,
  };
}

/** Every topic the platform needs, with whether it keeps its messages forever. */
export function allTopics(prefix = ''): { topic: string; keepForever: boolean }[] {
  const t = topicNames(prefix);
  const eventTopics = [...SERVICES.map((s) => t.events(s)), t.audit];
  return [
    ...eventTopics.map((topic) => ({ topic, keepForever: true })),
    ...eventTopics.map((topic) => ({ topic: t.dlq(topic), keepForever: true })),
    ...SERVICES.flatMap((s) => [
      { topic: t.rpc(s), keepForever: false },
      { topic: t.rpcReply(s), keepForever: false },
    ]),
  ];
}
