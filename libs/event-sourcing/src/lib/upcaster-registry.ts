import { UpcastError, InvalidArgumentError } from './errors';

export type Upcaster<From = unknown, To = unknown> = (data: From) => To;

interface Upcastable {
  type: string;
  schemaVersion: number;
  data: unknown;
}

/**
 * `(type, fromVersion) -> data => data` steps plus the current schema version of each type.
 * A stored v1 event of a type now at v3 goes through the 1->2 and 2->3 steps on every read
 * (readStream, readAll, replay, consumers); appends always write the current version, so
 * old shapes live only in old rows and one function per step is all a change costs.
 */
export class UpcasterRegistry {
  private readonly steps = new Map<string, Map<number, Upcaster>>();
  private readonly current = new Map<string, number>();

  /** Registers the step from `fromVersion` to `fromVersion + 1` of `type`. */
  register<From, To>(type: string, fromVersion: number, upcaster: Upcaster<From, To>): this {
    if (!Number.isInteger(fromVersion) || fromVersion < 1) {
      throw new InvalidArgumentError(`upcaster of ${type}: fromVersion must be an integer >= 1`);
    }
    const byVersion = this.steps.get(type) ?? new Map<number, Upcaster>();
    if (byVersion.has(fromVersion)) throw new InvalidArgumentError(`upcaster ${type} v${fromVersion} registered twice`);
    byVersion.set(fromVersion, upcaster as Upcaster);
    this.steps.set(type, byVersion);
    this.current.set(type, Math.max(this.current.get(type) ?? 1, fromVersion + 1));
    return this;
  }

  /** Declares a type's current version without upcasters (a type born at v2, say). */
  setCurrentVersion(type: string, version: number): this {
    if (!Number.isInteger(version) || version < 1) throw new InvalidArgumentError(`version of ${type} must be >= 1`);
    this.current.set(type, version);
    return this;
  }

  currentVersion(type: string): number {
    return this.current.get(type) ?? 1;
  }

  /** Returns the event with its data at the current version (the same object when nothing to do). */
  upcast<E extends Upcastable>(event: E): E {
    const target = this.currentVersion(event.type);
    if (event.schemaVersion === target) return event;
    if (event.schemaVersion > target) {
      throw new UpcastError(event.type, event.schemaVersion, `stored version is newer than this code knows (v${target})`);
    }
    const byVersion = this.steps.get(event.type);
    let data = event.data;
    for (let version = event.schemaVersion; version < target; version++) {
      const step = byVersion?.get(version);
      if (!step) throw new UpcastError(event.type, version, `no upcaster from v${version} to v${version + 1}`);
      try {
        data = step(data);
      } catch (err) {
        throw new UpcastError(event.type, version, err instanceof Error ? err.message : String(err));
      }
    }
    return { ...event, schemaVersion: target, data };
  }
}
