import type { Kafka, Message, Producer, ProducerConfig, ProducerRecord, RecordMetadata } from 'kafkajs';

interface PendingSend {
  record: ProducerRecord;
  resolve: (metadata: RecordMetadata[]) => void;
  reject: (err: unknown) => void;
}

/** Sends whose delivery settings agree can share one Produce request. */
function settingsKey(record: ProducerRecord): string {
  return `${record.acks ?? -1}|${record.timeout ?? ''}|${record.compression ?? ''}`;
}

/**
 * A producer whose `send` calls made in the same turn of the event loop go to Kafka as one
 * `sendBatch`. Nest's request/reply sends every request and every reply by itself, and kafkajs
 * turns each `send` into a Produce request of its own: one socket write in the sender and one
 * request for the broker to handle. Under load those writes were the largest single cost in the
 * gateway and the services (profiles in bench/README.md). Each caller still waits for its own
 * messages to be acknowledged, with the acks it asked for; order within a topic is the order of
 * the calls. A batch fails or succeeds as a whole, so a refused message fails the calls it was
 * batched with: each of them reports the error (the RPC callers answer 503 and may retry).
 */
export function coalesceSends(producer: Producer, schedule: (flush: () => void) => void = setImmediate): Producer {
  let queue: PendingSend[] = [];
  let scheduled = false;

  const sendGroup = (group: PendingSend[]) => {
    const byTopic = new Map<string, Message[]>();
    for (const { record } of group) {
      const messages = byTopic.get(record.topic);
      if (messages) messages.push(...record.messages);
      else byTopic.set(record.topic, [...record.messages]);
    }
    const { acks, timeout, compression } = group[0].record;
    producer
      .sendBatch({ acks, timeout, compression, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) })
      .then(
        (metadata) => {
          for (const p of group) p.resolve(metadata.filter((m) => m.topicName === p.record.topic));
        },
        (err: unknown) => {
          for (const p of group) p.reject(err);
        },
      );
  };

  const flush = () => {
    scheduled = false;
    const batch = queue;
    queue = [];
    const groups = new Map<string, PendingSend[]>();
    for (const pending of batch) {
      const key = settingsKey(pending.record);
      const group = groups.get(key);
      if (group) group.push(pending);
      else groups.set(key, [pending]);
    }
    for (const group of groups.values()) sendGroup(group);
  };

  const send = (record: ProducerRecord): Promise<RecordMetadata[]> =>
    new Promise<RecordMetadata[]>((resolve, reject) => {
      queue.push({ record, resolve, reject });
      if (!scheduled) {
        scheduled = true;
        schedule(flush);
      }
    });

  return { ...producer, send };
}

/** The same Kafka client, except that every producer it makes coalesces its sends. */
export function withCoalescingProducers(kafka: Kafka): Kafka {
  const makeProducer = kafka.producer.bind(kafka);
  kafka.producer = (config?: ProducerConfig) => coalesceSends(makeProducer(config));
  return kafka;
}
