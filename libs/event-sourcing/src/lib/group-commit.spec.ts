import { GroupCommitter, batchedReads } from './group-commit';

interface Append {
  stream: string;
  events: number;
  poison?: boolean;
}

/** Batches and single runs recorded; each finishes when the test releases it. */
function harness(maxInFlight = 1, maxEvents = 100) {
  const turns: (() => void)[] = [];
  const calls: { kind: 'batch' | 'one'; streams: string[]; release: () => void }[] = [];
  const history: string[][] = [];
  const pending = (kind: 'batch' | 'one', appends: Append[]) =>
    new Promise<string[]>((resolve, reject) => {
      history.push(appends.map((a) => a.stream));
      calls.push({
        kind,
        streams: appends.map((a) => a.stream),
        release: () => (appends.some((a) => a.poison) ? reject(new Error(`conflict on ${appends.find((a) => a.poison)?.stream}`)) : resolve(appends.map((a) => `ok:${a.stream}`))),
      });
    });
  const coalescer = new GroupCommitter<Append, string>({
    keyOf: (a) => a.stream,
    sizeOf: (a) => a.events,
    runBatch: (appends) => pending('batch', appends),
    runOne: (append) => pending('one', [append]).then((r) => r[0]),
    maxInFlight,
    maxSize: maxEvents,
    schedule: (fn) => void turns.push(fn),
  });
  const endTurn = async () => {
    turns.splice(0).forEach((f) => f());
    await new Promise((r) => setImmediate(r));
  };
  const releaseAll = async () => {
    for (let i = 0; i < 10 && calls.some((c) => c.release); i++) {
      calls.splice(0).forEach((c) => c.release());
      await new Promise((r) => setImmediate(r));
      await endTurn();
    }
  };
  return { coalescer, calls, history, endTurn, releaseAll };
}

describe('GroupCommitter', () => {
  it('given one append and nothing committing, when the turn ends, then it goes alone at once', async () => {
    const { coalescer, calls, endTurn } = harness();
    const result = coalescer.submit({ stream: 'a', events: 1 });
    await endTurn();
    expect(calls.map((c) => [c.kind, c.streams])).toEqual([['one', ['a']]]);
    calls[0].release();
    await expect(result).resolves.toBe('ok:a');
  });

  it('given appends arriving while a batch commits, when it finishes, then they go together in one batch, each getting its own result', async () => {
    const { coalescer, calls, endTurn } = harness();
    const first = coalescer.submit({ stream: 'a', events: 1 });
    await endTurn();
    const later = [coalescer.submit({ stream: 'b', events: 1 }), coalescer.submit({ stream: 'c', events: 2 })];
    await endTurn();
    expect(calls).toHaveLength(1);

    calls[0].release();
    await first;
    await new Promise((r) => setImmediate(r));
    await endTurn();

    expect(calls.map((c) => [c.kind, c.streams])).toEqual([
      ['one', ['a']],
      ['batch', ['b', 'c']],
    ]);
    calls[1].release();
    await expect(Promise.all(later)).resolves.toEqual(['ok:b', 'ok:c']);
  });

  it('given two appends to one stream waiting, when a batch is taken, then the second waits for the next batch and keeps its order', async () => {
    const { coalescer, calls, endTurn, releaseAll } = harness();
    coalescer.submit({ stream: 'x', events: 1 });
    await endTurn();
    const waiting = ['a', 'a', 'b', 'a'].map((stream) => coalescer.submit({ stream, events: 1 }));
    calls[0].release();
    await new Promise((r) => setImmediate(r));
    await endTurn();
    expect(calls.slice(1).map((c) => c.streams)).toEqual([['a', 'b']]);
    await releaseAll();
    await Promise.all(waiting);
  });

  it('given a batch that fails, when it is retried, then each append goes alone and only the guilty one is refused', async () => {
    const { coalescer, calls, endTurn } = harness();
    coalescer.submit({ stream: 'x', events: 1 });
    await endTurn();
    const good = coalescer.submit({ stream: 'a', events: 1 });
    const bad = coalescer.submit({ stream: 'b', events: 1, poison: true });
    calls[0].release();
    await new Promise((r) => setImmediate(r));
    await endTurn();
    expect(calls[1].kind).toBe('batch');
    calls[1].release();
    await new Promise((r) => setImmediate(r));

    expect(calls.slice(2).map((c) => [c.kind, c.streams])).toEqual([
      ['one', ['a']],
      ['one', ['b']],
    ]);
    calls[2].release();
    calls[3].release();
    await expect(good).resolves.toBe('ok:a');
    await expect(bad).rejects.toThrow('conflict on b');
  });

  it('given more waiting events than a batch holds, when batches are taken, then none is larger than the limit', async () => {
    const { coalescer, history, endTurn, releaseAll } = harness(1, 5);
    coalescer.submit({ stream: 'x', events: 1 });
    await endTurn();
    const waiting = ['a', 'b', 'c', 'd', 'e'].map((stream) => coalescer.submit({ stream, events: 2 }));
    await releaseAll();
    await Promise.all(waiting);
    expect(history).toEqual([['x'], ['a', 'b'], ['c', 'd'], ['e']]);
  });

  it('given two batches allowed at once, when appends keep coming, then at most two are committing', async () => {
    const { coalescer, calls, endTurn } = harness(2);
    ['a', 'b', 'c'].forEach((stream) => coalescer.submit({ stream, events: 1 }));
    await endTurn();
    expect(calls).toHaveLength(1);
    expect(calls[0].streams).toEqual(['a', 'b', 'c']);
    coalescer.submit({ stream: 'd', events: 1 });
    await endTurn();
    coalescer.submit({ stream: 'e', events: 1 });
    await endTurn();
    expect(calls.map((c) => c.streams)).toEqual([['a', 'b', 'c'], ['d']]);
    expect(coalescer.waiting).toBe(1);
  });
});

describe('batchedReads', () => {
  it('given reads arriving while one runs, when it finishes, then they go as one read and each caller gets its own answer in order', async () => {
    const reads: string[][] = [];
    const read = batchedReads(async (keys: readonly string[]) => {
      reads.push([...keys]);
      await new Promise((r) => setTimeout(r, 5));
      return keys.map((k) => k.toUpperCase());
    }, { maxInFlight: 1 });
    const first = read('a');
    await new Promise((r) => setImmediate(r));
    // 'a' is being read; these arrive meanwhile.
    const rest = ['b', 'c', 'd', 'b'].map((k) => read(k));
    expect(await Promise.all([first, ...rest])).toEqual(['A', 'B', 'C', 'D', 'B']);
    expect(reads).toEqual([['a'], ['b', 'c', 'd', 'b']]);
  });

  it('given a read that fails together, when retried, then only the caller whose key broke it gets the error', async () => {
    const read = batchedReads(async (keys: readonly string[]) => {
      if (keys.includes('bad')) throw new Error('bad key');
      return keys.map((k) => k.length);
    }, { maxInFlight: 1 });
    const results = await Promise.allSettled(['first', 'ok', 'bad', 'fine'].map((k) => read(k)));
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([5, 2, 'bad key', 4]);
  });
});
