import { aggregateIdFor, requestEventIds, requestIdOf } from './request-ids';

const ids = { next: () => '00000000-0000-4000-8000-000000000001' };
const meta = (requestId?: string) => ({ correlationId: 'c', actor: { clientId: 'portal' }, ...(requestId ? { requestId } : {}) });

describe('ids of what a request creates', () => {
  it('given no request id, when an aggregate id is needed, then a fresh one is generated', () => {
    expect(aggregateIdFor(meta(), ids, 'notice')).toBe('00000000-0000-4000-8000-000000000001');
  });

  it('given the same request retried, when ids are derived, then every attempt names the same UUID', () => {
    const requestId = requestIdOf('portal', 'key-1');
    const first = aggregateIdFor(meta(requestId), ids, 'notice');
    expect(aggregateIdFor(meta(requestId), ids, 'notice')).toBe(first);
    expect(first).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('given another client, key or kind, when ids are derived, then they differ', () => {
    const a = aggregateIdFor(meta(requestIdOf('portal', 'key-1')), ids, 'notice');
    expect(aggregateIdFor(meta(requestIdOf('agency', 'key-1')), ids, 'notice')).not.toBe(a);
    expect(aggregateIdFor(meta(requestIdOf('portal', 'key-2')), ids, 'notice')).not.toBe(a);
    expect(aggregateIdFor(meta(requestIdOf('portal', 'key-1')), ids, 'dossier')).not.toBe(a);
  });

  it('given a request id, when event ids are derived, then they are the same on every attempt and differ by index and kind; without one, none', () => {
    const requestId = requestIdOf('officer', 'decide-1');
    const ids = requestEventIds(meta(requestId), 'decision');
    expect(ids?.(0)).toBe(requestEventIds(meta(requestId), 'decision')?.(0));
    expect(ids?.(0)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(ids?.(1)).not.toBe(ids?.(0));
    expect(requestEventIds(meta(requestId), 'death')?.(0)).not.toBe(ids?.(0));
    expect(ids?.(0)).not.toBe(aggregateIdFor(meta(requestId), { next: () => 'x' }, 'decision'));
    expect(requestEventIds(meta(), 'decision')).toBeUndefined();
  });
});
