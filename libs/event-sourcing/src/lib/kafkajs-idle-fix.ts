/**
 * kafkajs 2.2.4 keeps every connection's request queue re-arming a 1 ms timer while it has
 * nothing pending (tulios/kafkajs#1556, fix proposed in #1667/#1768, never released): each
 * producer, consumer and admin connection wakes the event loop a thousand times a second. On
 * these two-core machines that was ~6 % of a core per idle app and timer churn under load.
 * This applies the proposed fix to the installed class: with nothing pending and no throttle
 * in force there is nothing to check later, because a request that cannot go at once is queued
 * by `push()`, which schedules the check, and every answered request checks the queue again.
 */
interface RequestQueueLike {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  scheduleCheckPendingRequests(): void;
}

type RequestQueueClass = { prototype: RequestQueueLike } & Record<symbol, unknown>;

const PATCHED = Symbol.for('d06.kafkajs-idle-fix');

function loadRequestQueue(): RequestQueueClass {
  // Not part of kafkajs' typed API: the class behind every broker connection.
  return require('kafkajs/src/network/requestQueue/index.js') as RequestQueueClass;
}

/** Idempotent; returns whether the class is (now) patched. */
export function applyKafkajsIdleFix(requestQueue: RequestQueueClass = loadRequestQueue()): boolean {
  if (requestQueue[PATCHED]) return true;
  const original = requestQueue.prototype.scheduleCheckPendingRequests;
  if (typeof original !== 'function') return false;
  requestQueue.prototype.scheduleCheckPendingRequests = function scheduleCheckPendingRequests(this: RequestQueueLike) {
    if (this.pending.length === 0 && this.throttledUntil - Date.now() <= 0) return;
    original.call(this);
  };
  requestQueue[PATCHED] = true;
  return true;
}
