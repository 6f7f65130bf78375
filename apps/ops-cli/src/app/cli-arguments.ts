import { InvalidArgumentError } from 'commander';
import { isServiceName, SERVICES, type ServiceName } from '@d06/contracts';

/**
 * Parsers for commander: a bad value fails at parse time, so the operator gets the message and
 * the command's usage (exit 2) before anything connects anywhere.
 */

export function parseService(raw: string): ServiceName {
  if (!isServiceName(raw)) {
    throw new InvalidArgumentError(`unknown service "${raw}": one of ${SERVICES.join(', ')}.`);
  }
  return raw;
}

/** A position of a service's log: an integer >= 1. */
export function parsePosition(raw: string): number {
  const trimmed = raw.trim();
  const n = Number(trimmed);
  if (!/^\d+$/.test(trimmed) || !Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError(`"${raw}" is not a position (an integer from 1).`);
  }
  return n;
}

export function positiveInt(label: string, max = 1_000_000) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!/^\d+$/.test(raw.trim()) || n < 1 || n > max) throw new InvalidArgumentError(`${label} must be an integer from 1 to ${max}.`);
    return n;
  };
}

/** Collects a repeatable option (`--id 3 --id 7`). */
export function collectIds(raw: string, previous: number[] | undefined): number[] {
  return [...(previous ?? []), positiveInt('--id', Number.MAX_SAFE_INTEGER)(raw)];
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * An instant with its offset (RFC 3339). A time without one would be read in the operator's
 * time zone, and "the state at 09:00" must not depend on the machine it is asked from.
 */
export function parseInstant(raw: string): Date {
  const trimmed = raw.trim();
  if (!RFC3339.test(trimmed)) {
    throw new InvalidArgumentError(`"${raw}" is not a time with an offset, e.g. 2026-03-01T09:00:00+07:00 or 2026-03-01T02:00:00Z.`);
  }
  const at = new Date(trimmed);
  if (Number.isNaN(at.getTime())) throw new InvalidArgumentError(`"${raw}" is not a valid time.`);
  return at;
}
