import type { Producer, ProducerBatch, RecordMetadata } from 'kafkajs';
import { coalesceSends } from './coalescing-producer';

/** A producer that records each sendBatch and answers one metadata row per topic. */
function recordingProducer(fail?: Error) {
  const batches: ProducerBatch[] = [];
  const producer = {
    connect: async () => undefined,
    sendBatch: async (batch: ProducerBatch): Promise<RecordMetadata[]> => {
      batches.push(batch);
      if (fail) throw fail;
      return (batch.topicMessages ?? []).map((t) => ({ topicName: t.topic, partition: 0, errorCode: 0, baseOffset: String(t.messages.length) }));
    },
    send: async () => {
      throw new Error('send must not be called: every send goes through sendBatch');
    },
  } as unknown as Producer;
  return { producer, batches };
}

/** Runs flushes only when the test says so: one call is one turn of the event loop. */
function manualTurns() {
  const due: (() => void)[] = [];
  return {
    schedule: (flush: () => void) => void due.push(flush),
    endTurn: () => due.splice(0).forEach((f) => f()),
  };
}

const msg = (value: string, key?: string) => ({ key, value });

describe('coalesceSends', () => {
  it('given three sends in one turn, when the turn ends, then one sendBatch carries them, merged per topic in call order', async () => {
    const { producer, batches } = recordingProducer();
    const turns = manualTurns();
    const coalesced = coalesceSends(producer, turns.schedule);

    const a = coalesced.send({ topic: 'replies', messages: [msg('a', 'k1')] });
    const b = coalesced.send({ topic: 'other', messages: [msg('b')] });
    const c = coalesced.send({ topic: 'replies', messages: [msg('c', 'k1'), msg('d')] });
    expect(batches).toHaveLength(0);
    turns.endTurn();

    expect(batches).toHaveLength(1);
    expect(batches[0].topicMessages).toEqual([
      { topic: 'replies', messages: [msg('a', 'k1'), msg('c', 'k1'), msg('d')] },
      { topic: 'other', messages: [msg('b')] },
    ]);
    expect((await a).map((m) => m.topicName)).toEqual(['replies']);
    expect((await b).map((m) => m.topicName)).toEqual(['other']);
    expect((await c).map((m) => m.topicName)).toEqual(['replies']);
  });

  it('given sends in two turns, when each turn ends, then each turn is its own batch', async () => {
    const { producer, batches } = recordingProducer();
    const turns = manualTurns();
    const coalesced = coalesceSends(producer, turns.schedule);

    const first = coalesced.send({ topic: 't', messages: [msg('1')] });
    turns.endTurn();
    const second = coalesced.send({ topic: 't', messages: [msg('2')] });
    turns.endTurn();

    await Promise.all([first, second]);
    expect(batches.map((b) => b.topicMessages?.[0].messages.map((m) => m.value))).toEqual([['1'], ['2']]);
  });

  it('given sends asking for different acks, when the turn ends, then each setting gets its own batch with that setting', async () => {
    const { producer, batches } = recordingProducer();
    const turns = manualTurns();
    const coalesced = coalesceSends(producer, turns.schedule);

    const all = coalesced.send({ topic: 't', acks: -1, messages: [msg('all')] });
    const leader = coalesced.send({ topic: 't', acks: 1, messages: [msg('leader')] });
    const byDefault = coalesced.send({ topic: 't', messages: [msg('default')] });
    turns.endTurn();
    await Promise.all([all, leader, byDefault]);

    expect(batches.map((b) => [b.acks, b.topicMessages?.[0].messages.map((m) => m.value)])).toEqual([
      [-1, ['all', 'default']],
      [1, ['leader']],
    ]);
  });

  it('given the broker refuses the batch, when the turn ends, then every send of it rejects with the error', async () => {
    const { producer } = recordingProducer(new Error('leader not available'));
    const turns = manualTurns();
    const coalesced = coalesceSends(producer, turns.schedule);

    const a = coalesced.send({ topic: 't', messages: [msg('a')] });
    const b = coalesced.send({ topic: 'u', messages: [msg('b')] });
    turns.endTurn();

    await expect(a).rejects.toThrow('leader not available');
    await expect(b).rejects.toThrow('leader not available');
  });

  it('given the default schedule, when sends are made in one synchronous run, then they leave in one batch', async () => {
    const { producer, batches } = recordingProducer();
    const coalesced = coalesceSends(producer);

    await Promise.all([1, 2, 3].map((n) => coalesced.send({ topic: 't', messages: [msg(String(n))] })));

    expect(batches).toHaveLength(1);
    expect(batches[0].topicMessages?.[0].messages).toHaveLength(3);
  });

  it('given a coalescing producer, when anything but send is used, then it is the producer underneath', async () => {
    const { producer } = recordingProducer();
    const coalesced = coalesceSends(producer);
    expect(coalesced.connect).toBe(producer.connect);
    expect(coalesced.sendBatch).toBe(producer.sendBatch);
  });
});
