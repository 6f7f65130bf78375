import { randomUUID } from 'node:crypto';

/** Where "now" comes from. Injected so tests and replays control time (DESIGN.md rule 6). */
export interface Clock {
  now(): Date;
}

/** Where event ids come from (UUIDs). Injected for the same reason as the clock. */
export interface IdGenerator {
  next(): string;
}

export const systemClock: Clock = { now: () => new Date() };

export const uuidGenerator: IdGenerator = { next: () => randomUUID() };
