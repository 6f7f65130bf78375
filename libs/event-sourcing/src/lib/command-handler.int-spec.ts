import { accept, refuse, type Decider } from '@d06/contracts';
import { createStoreHarness, meta, type StoreHarness } from '../testing/harness';
import { handleCommand } from './command-handler';
import { EventStore } from './event-store';
import { quietLogger } from './logger';
import type { RecordedEvent } from './recorded-event';

type Command = { type: 'Increment'; by: number } | { type: 'Noop' };
type Event = { type: 'Incremented'; data: { by: number } };
type State = { status: 'empty' } | { status: 'counting'; total: number };

const counter: Decider<Command, Event, State> = {
  initialState: { status: 'empty' },
  evolve: (state, event) => ({
    status: 'counting',
    total: (state.status === 'counting' ? state.total : 0) + event.data.by,
  }),
  decide: (command, state) => {
    if (command.type === 'Noop') return accept<Event>();
    const total = state.status === 'counting' ? state.total : 0;
    if (total + command.by > 100) return refuse('BUSINESS_RULE', 'the counter stops at 100');
    return accept<Event>({ type: 'Incremented', data: { by: command.by } });
  },
};

/** A store where another writer always slips in between the load and the append. */
class RacyStore extends EventStore {
  loads = 0;
  override async readStream(streamId: string): Promise<RecordedEvent[]> {
    const events = await super.readStream(streamId);
    this.loads += 1;
    await super.append(streamId, 'any', [{ type: 'Incremented', data: { by: 1 } }], { meta });
    return events;
  }
}

describe('handleCommand (Postgres)', () => {
  let h: StoreHarness;

  beforeAll(async () => {
    h = await createStoreHarness('es_command', { poolSize: 8 });
  });

  afterAll(async () => {
    await h.close();
  });

  it('loads, decides and appends; concurrent commands on one stream reload and retry until all land', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        handleCommand({ store: h.store, decider: counter, streamId: 'counter-1', command: { type: 'Increment', by: 2 }, meta, maxRetries: 20 }),
      ),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    const versions = results.map((r) => (r.ok ? r.version : 0)).sort((x, y) => x - y);
    expect(versions).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const last = results.find((r) => r.ok && r.version === 10);
    expect(last).toMatchObject({ ok: true, state: { status: 'counting', total: 20 } });
    expect(last?.ok && last.events[0]).toMatchObject({ type: 'Incremented', streamVersion: 10, position: null });
  });

  it('answers CONCURRENT_CHANGE after maxRetries conflicts', async () => {
    const racy = new RacyStore({ dataSource: h.dataSource, service: 'identity', logger: quietLogger });
    const result = await handleCommand({ store: racy, decider: counter, streamId: 'counter-2', command: { type: 'Increment', by: 1 }, meta, maxRetries: 2 });
    expect(result).toEqual({ ok: false, error: { code: 'CONCURRENT_CHANGE', message: expect.any(String) } });
    expect(racy.loads).toBe(3);
  });

  it('returns a refusal as a value and appends nothing; an empty decision appends nothing', async () => {
    await handleCommand({ store: h.store, decider: counter, streamId: 'counter-3', command: { type: 'Increment', by: 99 }, meta });
    const refused = await handleCommand({ store: h.store, decider: counter, streamId: 'counter-3', command: { type: 'Increment', by: 2 }, meta });
    expect(refused).toEqual({ ok: false, error: { code: 'BUSINESS_RULE', message: 'the counter stops at 100' } });
    const noop = await handleCommand({ store: h.store, decider: counter, streamId: 'counter-3', command: { type: 'Noop' }, meta });
    expect(noop).toMatchObject({ ok: true, events: [], version: 1 });
    expect(await h.store.readStream('counter-3')).toHaveLength(1);
  });

  it('given a request whose first attempt was stored, when retried with the same event ids, then ok with those events and nothing appended; another request is refused', async () => {
    const ids = (request: string) => (i: number) => `00000000-0000-4000-8000-${request}${String(i).padStart(4, '0')}`;
    await handleCommand({ store: h.store, decider: counter, streamId: 'counter-4', command: { type: 'Increment', by: 90 }, meta });
    const first = await handleCommand({ store: h.store, decider: counter, streamId: 'counter-4', command: { type: 'Increment', by: 10 }, meta, eventIdOf: ids('00000001') });
    expect(first).toMatchObject({ ok: true, version: 2 });

    // The counter is full now, so the decider refuses a second +10; this one is the first again.
    const retry = await handleCommand({ store: h.store, decider: counter, streamId: 'counter-4', command: { type: 'Increment', by: 10 }, meta, eventIdOf: ids('00000001') });
    expect(retry).toMatchObject({ ok: true, version: 2, events: [{ eventId: ids('00000001')(0), streamVersion: 2, data: { by: 10 } }] });

    const other = await handleCommand({ store: h.store, decider: counter, streamId: 'counter-4', command: { type: 'Increment', by: 10 }, meta, eventIdOf: ids('00000002') });
    expect(other).toEqual({ ok: false, error: { code: 'BUSINESS_RULE', message: 'the counter stops at 100' } });
    expect(await h.store.readStream('counter-4')).toHaveLength(2);
  });

  it('given newStream, when the stream is new, then nothing is read before the append; when it exists after all, then the command is decided on its history', async () => {
    const counting = new (class extends EventStore {
      loads = 0;
      override async readStream(streamId: string): Promise<RecordedEvent[]> {
        this.loads += 1;
        return super.readStream(streamId);
      }
    })({ dataSource: h.dataSource, service: 'identity', logger: quietLogger });
    const fresh = await handleCommand({ store: counting, decider: counter, streamId: 'counter-5', command: { type: 'Increment', by: 95 }, meta, newStream: true });
    expect(fresh).toMatchObject({ ok: true, version: 1 });
    expect(counting.loads).toBe(0);

    // The same id again (say, a retried request): the presumed-empty append conflicts, the history
    // is read, and the decider sees the 95 already there.
    const again = await handleCommand({ store: counting, decider: counter, streamId: 'counter-5', command: { type: 'Increment', by: 10 }, meta, newStream: true });
    expect(again).toEqual({ ok: false, error: { code: 'BUSINESS_RULE', message: 'the counter stops at 100' } });
    expect(counting.loads).toBe(1);
    const more = await handleCommand({ store: counting, decider: counter, streamId: 'counter-5', command: { type: 'Increment', by: 5 }, meta, newStream: true });
    expect(more).toMatchObject({ ok: true, version: 2, state: { status: 'counting', total: 100 } });
    expect(await h.store.readStream('counter-5')).toHaveLength(2);
  });
});
