import type { Consumer } from 'kafkajs';
import { GENESIS_HASH, HEADERS, topicNames, type TopicNames } from '@d06/contracts';
import { ensureTopics, envelopeToMessage, sealEnvelope } from '@d06/event-sourcing';
import { IDENTITY_READ_MODEL_MIGRATIONS } from '@d06/identity-read-model';
import { KNOWN_CITIZENS_CONSUMER, RESIDENCE_READ_MODEL_MIGRATIONS } from '@d06/residence-read-model';
import { deleteTopicsWithPrefix, eventually, testKafka, uniqueName, uniqueTopicPrefix } from '@d06/testing';
import { address, citizen, expectCode, ops, opsEnv, registered, storeFixture, testUuid, type StoreFixture } from '../../testing/ops-test-kit';

jest.setTimeout(60_000);

interface LetterRow {
  id: string;
  retried_at: Date | null;
  retry_error: string | null;
  attempts: number;
}

/**
 * Dead letters as the library's EventConsumer records them (table dead_letters), for the two ways
 * a retry can go: through the residence consumer's own handlers (exported by its read-model
 * lib), and, for the identity service's consumer whose handler lives in its app, by sending the
 * original message back to its source topic.
 */
describe('dlq (dead letters in Postgres, Kafka)', () => {
  let residence: StoreFixture;
  let identity: StoreFixture;
  let prefix: string;
  let topics: TopicNames;
  let env: Record<string, string>;
  let reader: Consumer | undefined;
  const newcomer = citizen(4242);

  const insertLetter = async (f: StoreFixture, consumer: string, topic: string, offset: number, key: string, value: string, headers: Record<string, string>) => {
    const [row] = await f.sql<{ id: string }>(
      `INSERT INTO dead_letters (consumer, topic, partition, "offset", key, value, headers, error, attempts, failed_at)
       VALUES ($1, $2, 1, $3, $4, $5, $6::jsonb, 'handler failed: database constraint', 4, '2026-03-01T02:00:00Z') RETURNING id`,
      [consumer, topic, offset, key, value, JSON.stringify(headers)],
    );
    return Number(row.id);
  };
  const letter = async (f: StoreFixture, id: number) => (await f.sql<LetterRow>('SELECT id, retried_at, retry_error, attempts FROM dead_letters WHERE id = $1', [id]))[0];

  let good: number;
  let bad: number;
  let approval: number;
  const approvalMessage = { key: testUuid(31), value: '{"type":"DossierApproved","stands":"for the original message"}', headers: { [HEADERS.eventType]: 'DossierApproved', [HEADERS.correlationId]: 'corr-dossier' } };

  beforeAll(async () => {
    prefix = uniqueTopicPrefix('ops_dlq');
    topics = topicNames(prefix);
    await ensureTopics(testKafka(), prefix, { partitions: 3 });
    residence = await storeFixture('ops_dlq_residence', 'residence', RESIDENCE_READ_MODEL_MIGRATIONS, []);
    identity = await storeFixture('ops_dlq_identity', 'identity', IDENTITY_READ_MODEL_MIGRATIONS, []);
    env = opsEnv({ databases: { residence: residence.db.name, identity: identity.db.name }, topicPrefix: prefix });

    const event = registered(newcomer, '2026-02-28T02:00:00.000Z', address(3));
    const envelope = sealEnvelope({
      eventId: testUuid(1),
      service: 'identity',
      type: event.type,
      schemaVersion: 1,
      streamId: newcomer.personalId,
      streamVersion: 1,
      position: 1,
      occurredAt: '2026-02-28T02:00:00.000Z',
      correlationId: 'corr-register',
      causationId: null,
      actor: { clientId: 'officer' },
      data: event.data,
      prevHash: GENESIS_HASH,
    });
    const message = envelopeToMessage(envelope);
    const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
    good = await insertLetter(residence, KNOWN_CITIZENS_CONSUMER, topics.events('identity'), 10, newcomer.personalId, String(message.value), headers);
    bad = await insertLetter(residence, KNOWN_CITIZENS_CONSUMER, topics.events('identity'), 11, 'x', '{"not":"an envelope"}', {});
    approval = await insertLetter(identity, 'residence_approvals', topics.events('residence'), 7, approvalMessage.key, approvalMessage.value, approvalMessage.headers);
  });

  afterAll(async () => {
    await reader?.disconnect().catch(() => undefined);
    await residence?.close();
    await identity?.close();
    if (prefix) await deleteTopicsWithPrefix(prefix).catch(() => undefined);
  });

  it('given dead letters, when listed, then each with consumer, topic, offset, error, attempts and times; --id shows the message', async () => {
    const list = expectCode(await ops(['dlq', 'residence'], env), 0);
    const lines = list.stdout.split('\n');
    expect(lines[0]).toBe('residence: 2 dead letter(s), 2 pending');
    expect(lines[2]).toMatch(/^ID\s+CONSUMER\s+TOPIC\s+PARTITION\s+OFFSET\s+ATTEMPTS\s+FAILED AT\s+RETRIED AT\s+ERROR$/);
    expect(lines[3]).toMatch(new RegExp(`^\\s*${good}\\s+residence-known-citizens\\s+${prefix.replace('.', '\\.')}identity\\.events\\s+1\\s+10\\s+4\\s+2026-03-01T02:00:00\\.000Z\\s+pending\\s+handler failed: database constraint$`));

    const one = expectCode(await ops(['dlq', 'residence', '--id', String(good)], env), 0);
    expect(one.stdout).toContain(`key: ${newcomer.personalId}`);
    expect(one.stdout).toContain('"type":"CitizenRegistered"');

    const json = JSON.parse(expectCode(await ops(['dlq', 'residence', '--json'], env), 0).stdout);
    expect(json.map((d: { id: number; attempts: number }) => [d.id, d.attempts])).toEqual([
      [good, 4],
      [bad, 4],
    ]);
  });

  it("given a consumer whose handlers the read-model lib exports, when retried, then they run again: the good one applies, the bad one stays pending", async () => {
    const retried = expectCode(await ops(['dlq', 'residence', '--retry'], env), 1);
    expect(retried.stdout).toContain(`#${good} residence-known-citizens: re-run through the consumer's handlers`);
    expect(retried.stdout).toMatch(new RegExp(`#${bad} residence-known-citizens: FAILED \\(not an event envelope`));
    expect(retried.stdout).toContain('residence: 1 of 2 dead letter(s) retried, 1 failed and stay pending');

    const [row] = await residence.sql<{ status: string; version: number }>('SELECT status, version FROM known_citizens WHERE personal_id = $1', [newcomer.personalId]);
    expect(row).toEqual({ status: 'ALIVE', version: 1 });
    expect((await letter(residence, good)).retried_at).not.toBeNull();
    expect(await letter(residence, bad)).toMatchObject({ retried_at: null, attempts: 5 });
    expect((await letter(residence, bad)).retry_error).toContain('not an event envelope');

    const again = expectCode(await ops(['dlq', 'residence', '--retry', '--id', String(good)], env), 2);
    expect(again.stderr).toMatch(new RegExp(`^error \\[REFUSED\\]: dead letter #${good} was already retried at `));
    const missing = expectCode(await ops(['dlq', 'residence', '--retry', '--id', '999999'], env), 1);
    expect(missing.stderr).toBe('error [NOT_FOUND]: no dead letter #999999 in this service\n');
  });

  it('given a consumer whose handler lives in its app, when retried, then the original message goes back to its source topic', async () => {
    const seen: { key: string; value: string; headers: Record<string, string> }[] = [];
    reader = testKafka().consumer({ groupId: uniqueName('ops_dlq_reader'), allowAutoTopicCreation: false });
    await reader.connect();
    await reader.subscribe({ topics: [topics.events('residence')], fromBeginning: true });
    await reader.run({
      eachMessage: async ({ message }) => {
        seen.push({
          key: message.key?.toString() ?? '',
          value: message.value?.toString() ?? '',
          headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])),
        });
      },
    });

    const retried = expectCode(await ops(['dlq', 'identity', '--retry'], env), 0);
    expect(retried.stdout).toContain(`#${approval} residence_approvals: re-published to its source topic`);
    expect(retried.stderr).toContain('note: residence_approvals: re-publishing its dead letters to their source topics');
    await eventually(() => seen.length === 1, { what: 'the dead letter back on its topic', timeoutMs: 20_000 });
    expect(seen[0]).toEqual(approvalMessage);
    expect((await letter(identity, approval)).retried_at).not.toBeNull();
  });
});
