import type { EntityManager } from 'typeorm';
import type { DomainEvent } from '@d06/contracts';
import { InvalidArgumentError } from './errors';
import type { RecordedEvent } from './recorded-event';
import { isIdentifier } from './sql';

/**
 * A projection handler. The same function runs inline (inside the append's transaction, where
 * the event has no position yet) and in replay (where it has one), so it must not depend on
 * `position`/`hash`; remember `streamVersion` where a row needs idempotency. It must write
 * UNQUALIFIED table names: replay points `search_path` at a shadow schema and the very same
 * SQL then fills the shadow tables.
 */
export type ProjectionHandler<TType extends string = string, TData = unknown> = (
  event: RecordedEvent<TType, TData>,
  manager: EntityManager,
) => Promise<void>;

/** The `data` type of event type K in the union E (unknown when E is the untyped default). */
export type DataOf<E extends DomainEvent, K extends string> = [Extract<E, { type: K }>] extends [never]
  ? unknown
  : Extract<E, { type: K }>['data'];

/** The `type` seen by the handler of K: K itself for a typed union, string for the untyped default. */
export type TypeOf<E extends DomainEvent, K extends string> = string extends E['type'] ? string : K;

/** Blocks inference: E is what the caller declares (its event union), never guessed from handlers. */
export type Declared<E> = [E][E extends unknown ? 0 : never];

export type ProjectionHandlers<E extends DomainEvent> = {
  [K in E['type']]?: ProjectionHandler<TypeOf<E, K>, DataOf<E, K>>;
};

/** One handler per event type: the usual form. */
export interface HandlerProjectionDefinition<E extends DomainEvent> {
  name: string;
  /** Every table the projection writes (unqualified, in the live schema). Replay shadows these. */
  tables: readonly string[];
  handlers: ProjectionHandlers<E>;
}

/**
 * Set-based form for read models that must replay fast: one call per batch of events (in
 * position order), e.g. a single `INSERT ... SELECT FROM jsonb_to_recordset(...)`. Inline it
 * receives the events of one append; in replay thousands at a time.
 */
export interface BatchProjectionDefinition<E extends DomainEvent> {
  name: string;
  tables: readonly string[];
  eventTypes: readonly E['type'][];
  applyBatch(events: readonly RecordedEvent<E['type']>[], manager: EntityManager): Promise<void>;
}

export type ProjectionDefinition<E extends DomainEvent> = HandlerProjectionDefinition<E> | BatchProjectionDefinition<E>;

export interface Projection {
  readonly name: string;
  readonly tables: readonly string[];
  readonly eventTypes: readonly string[];
  /** Applies events (already filtered to `eventTypes`, in order) with the given transaction. */
  apply(events: readonly RecordedEvent[], manager: EntityManager): Promise<void>;
}

/** Tables of the event store itself; a projection never owns (and so never shadows) them. */
export const STORE_TABLES: readonly string[] = ['events', 'relay_checkpoints', 'projection_checkpoints', 'processed_events', 'dead_letters'];

function isBatch<E extends DomainEvent>(def: ProjectionDefinition<E>): def is BatchProjectionDefinition<E> {
  return 'applyBatch' in def;
}

export function defineProjection<E extends DomainEvent = DomainEvent>(
  definition: ProjectionDefinition<Declared<E>>,
): Projection {
  if (!isIdentifier(definition.name)) {
    throw new InvalidArgumentError(`projection name "${definition.name}" must be a lower-case identifier`);
  }
  for (const table of definition.tables) {
    if (!isIdentifier(table)) throw new InvalidArgumentError(`projection ${definition.name}: bad table name "${table}"`);
    if (STORE_TABLES.includes(table)) {
      throw new InvalidArgumentError(`projection ${definition.name} may not own the event store's table ${table}`);
    }
  }
  if (isBatch(definition)) {
    const types = new Set<string>(definition.eventTypes);
    return {
      name: definition.name,
      tables: [...definition.tables],
      eventTypes: [...types],
      apply: (events, manager) => definition.applyBatch(events as readonly RecordedEvent<E['type']>[], manager),
    };
  }
  const handlers = new Map<string, ProjectionHandler>();
  for (const [type, handler] of Object.entries(definition.handlers)) {
    if (typeof handler === 'function') handlers.set(type, handler as ProjectionHandler);
  }
  return {
    name: definition.name,
    tables: [...definition.tables],
    eventTypes: [...handlers.keys()],
    async apply(events, manager) {
      for (const event of events) {
        const handler = handlers.get(event.type);
        if (handler) await handler(event, manager);
      }
    },
  };
}

/** Runs every projection over the events it subscribes to, in order. */
export async function applyProjections(
  projections: readonly Projection[],
  events: readonly RecordedEvent[],
  manager: EntityManager,
): Promise<void> {
  for (const projection of projections) {
    const relevant = events.filter((e) => projection.eventTypes.includes(e.type));
    if (relevant.length > 0) await projection.apply(relevant, manager);
  }
}
