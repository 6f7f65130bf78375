import type { EntityManager } from 'typeorm';
import { defineProjection } from './projection';
import type { RecordedEvent } from './recorded-event';

type Events = { type: 'Opened'; data: { id: string } } | { type: 'Closed'; data: { id: string } };

const event = (type: string): RecordedEvent => ({
  eventId: '0b7a3c1e-2f3a-4c5d-8e9f-0a1b2c3d4e5f',
  service: 'lodging',
  type,
  schemaVersion: 1,
  streamId: 's',
  streamVersion: 1,
  position: null,
  occurredAt: '2025-07-01T00:00:00.000Z',
  correlationId: 'c',
  causationId: null,
  actor: { clientId: 'x' },
  data: { id: 'a' },
  prevHash: null,
  hash: null,
});

describe('defineProjection', () => {
  const manager = {} as EntityManager;

  it('subscribes to the types it has handlers for and calls them in order', async () => {
    const calls: string[] = [];
    const p = defineProjection<Events>({
      name: 'stays',
      tables: ['stays'],
      handlers: {
        Opened: async (e) => void calls.push(`open ${e.data.id}`),
        Closed: async (e) => void calls.push(`close ${e.data.id}`),
      },
    });
    expect(p.eventTypes).toEqual(['Opened', 'Closed']);
    await p.apply([event('Opened'), event('Other'), event('Closed')], manager);
    expect(calls).toEqual(['open a', 'close a']);
  });

  it('hands a batch projection the whole batch', async () => {
    const sizes: number[] = [];
    const p = defineProjection<Events>({
      name: 'counts',
      tables: ['counts'],
      eventTypes: ['Opened'],
      applyBatch: async (events) => void sizes.push(events.length),
    });
    await p.apply([event('Opened'), event('Opened')], manager);
    expect(sizes).toEqual([2]);
  });

  it('refuses names that are not plain identifiers and the store tables', () => {
    expect(() => defineProjection({ name: 'Bad-Name', tables: [], handlers: {} })).toThrow(/identifier/);
    expect(() => defineProjection({ name: 'p', tables: ['x; drop table events'], handlers: {} })).toThrow(/table/);
    expect(() => defineProjection({ name: 'p', tables: ['events'], handlers: {} })).toThrow(/event store/);
  });
});
