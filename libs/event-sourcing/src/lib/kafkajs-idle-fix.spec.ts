import { applyKafkajsIdleFix } from './kafkajs-idle-fix';

const RequestQueue = require('kafkajs/src/network/requestQueue/index.js');

const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
function newQueue() {
  return new RequestQueue({ maxInFlightRequests: null, requestTimeout: 1000, enforceRequestTimeout: true, clientId: 't', broker: 'b', logger: silent });
}

describe('kafkajs idle fix', () => {
  beforeAll(() => applyKafkajsIdleFix());

  it('given an idle request queue, when a check is scheduled, then no timer is armed', () => {
    const queue = newQueue();
    queue.scheduleCheckPendingRequests();
    expect(queue.throttleCheckTimeoutId).toBeNull();
  });

  it('given a queued request, when a check is scheduled, then a timer is armed as before', () => {
    const queue = newQueue();
    queue.pending.push({});
    queue.scheduleCheckPendingRequests();
    expect(queue.throttleCheckTimeoutId).not.toBeNull();
    clearTimeout(queue.throttleCheckTimeoutId);
  });

  it('given a throttle in force, when a check is scheduled with nothing pending, then it still fires at the throttle end', () => {
    const queue = newQueue();
    queue.throttledUntil = Date.now() + 5000;
    queue.scheduleCheckPendingRequests();
    expect(queue.throttleCheckTimeoutId).not.toBeNull();
    clearTimeout(queue.throttleCheckTimeoutId);
  });

  it('when applied twice, then the method is wrapped once', () => {
    const before = RequestQueue.prototype.scheduleCheckPendingRequests;
    expect(applyKafkajsIdleFix()).toBe(true);
    expect(RequestQueue.prototype.scheduleCheckPendingRequests).toBe(before);
  });
});
