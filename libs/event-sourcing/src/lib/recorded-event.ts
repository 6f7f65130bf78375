import type { Actor, EventEnvelope } from '@d06/contracts';

/**
 * An event as stored. Positions, `prevHash` and `hash` are assigned by the sealer after the
 * append's transaction committed, so an event seen inside its own transaction (inline
 * projections, the append result) or read from its stream before sealing has them null.
 */
export type RecordedEvent<TType extends string = string, TData = unknown> = Omit<
  EventEnvelope<TType, TData>,
  'position' | 'prevHash' | 'hash'
> & {
  position: number | null;
  prevHash: string | null;
  hash: string | null;
};

/** What a writer hands to `append`: the store fills in ids, versions, metadata and time. */
export interface NewEvent<TType extends string = string, TData = unknown> {
  type: TType;
  data: TData;
  /** Defaults to the current schema version of the type (upcaster registry), else 1. */
  schemaVersion?: number;
  /** Defaults to a fresh id from the store's IdGenerator. */
  eventId?: string;
}

/** `metadata` column: what the envelope carries besides the event itself. */
export interface StoredMetadata {
  correlationId: string;
  causationId: string | null;
  actor: Actor;
}

export function isSealed<T extends string, D>(event: RecordedEvent<T, D>): event is RecordedEvent<T, D> & EventEnvelope<T, D> {
  return event.position !== null && event.hash !== null && event.prevHash !== null;
}

/** Builds the actor without an `undefined` subject key, so hashing sees exactly what is stored. */
export function normalizeActor(actor: Actor): Actor {
  return actor.subject === undefined || actor.subject === null
    ? { clientId: actor.clientId }
    : { clientId: actor.clientId, subject: actor.subject };
}
