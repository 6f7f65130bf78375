/**
 * A relay in a process of its own, so that a test can kill it with SIGKILL mid-publish.
 * Usage: node -r @swc-node/register relay-process.ts <databaseUrl> <brokers> <topicPrefix> [killAfterBatch]
 * With killAfterBatch the process SIGKILLs itself right after the broker acknowledged that
 * batch and before the relay stores its checkpoint: the worst moment, made deterministic.
 * (SWC_NODE_PROJECT=tsconfig.base.json so the @d06/* aliases resolve).
 */
import 'reflect-metadata';
import { Kafka, logLevel } from 'kafkajs';
import { topicNames } from '@d06/contracts';
import { EventStore } from '../lib/event-store';
import { quietLogger } from '../lib/logger';
import { Relay } from '../lib/relay';
import { dataSourceFor } from './harness';

async function main(): Promise<void> {
  const [url, brokers, prefix, killAfterBatch] = process.argv.slice(2);
  const dataSource = await dataSourceFor(url, 4).initialize();
  const store = new EventStore({ dataSource, service: 'identity', logger: quietLogger });
  const kafka = new Kafka({ clientId: 'relay-process', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  if (killAfterBatch) {
    const createProducer = kafka.producer.bind(kafka);
    let acked = 0;
    kafka.producer = (config) => {
      const producer = createProducer(config);
      const sendBatch = producer.sendBatch.bind(producer);
      producer.sendBatch = async (batch) => {
        const result = await sendBatch(batch);
        acked += 1;
        if (acked === Number(killAfterBatch)) process.kill(process.pid, 'SIGKILL');
        return result;
      };
      return producer;
    };
  }
  const topics = topicNames(prefix);
  const relay = new Relay({
    store,
    kafka,
    router: (e) => (e.type === 'CitizenDataAccessed' ? topics.audit : topics.events('identity')),
    // Small batches: many acknowledged-then-checkpointed cycles for the kill to land in.
    batchSize: 20,
    pollIntervalMs: 10,
    logger: quietLogger,
  });
  relay.start();
  process.stdout.write('relay started\n');
}

main().catch((err) => {
  process.stderr.write(`relay process failed: ${String(err)}\n`);
  process.exit(1);
});
