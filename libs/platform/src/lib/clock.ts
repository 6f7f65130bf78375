import { randomUUID } from 'node:crypto';

/** Time comes in from outside (DESIGN.md); tests inject a fixed or stepping clock. */
export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

export interface IdGenerator {
  uuid(): string;
}
export const randomIds: IdGenerator = { uuid: () => randomUUID() };

/** A clock for tests: starts at `start`, moves only when told. */
export class ManualClock implements Clock {
  private current: number;
  constructor(start: Date | string) {
    this.current = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.current);
  }
  set(at: Date | string): void {
    this.current = new Date(at).getTime();
  }
  advance(ms: number): void {
    this.current += ms;
  }
}
