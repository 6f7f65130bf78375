import { randomUUID } from 'node:crypto';
import type { Producer } from 'kafkajs';
import {
  GENESIS_HASH,
  IDENTITY_EVENT_SCHEMA_VERSIONS,
  topicNames,
  type CitizenDiedData,
  type CitizenRegisteredData,
  type EventEnvelope,
  type IdentityEvent,
} from '@d06/contracts';
import { sealEnvelope } from '@d06/event-sourcing';
import { testKafka, type TestInfra } from '@d06/testing';

/**
 * Stands in for the identity service in lodging tests: produces valid, hash-chained
 * `identity.events` envelopes (what the real relay publishes) on a test's topic prefix.
 */
export class IdentityEventFeed {
  private producer: Producer | null = null;
  private position = 0;
  private prevHash = GENESIS_HASH;
  private readonly versions = new Map<string, number>();

  constructor(
    private readonly prefix: string,
    private readonly infra: TestInfra,
  ) {}

  async start(): Promise<void> {
    this.producer = testKafka(this.infra, 'lodging-test-identity-feed').producer({ allowAutoTopicCreation: false });
    await this.producer.connect();
  }

  async stop(): Promise<void> {
    await this.producer?.disconnect();
    this.producer = null;
  }

  /** The envelope of the citizen's next event, sealed into this feed's chain. */
  envelope(event: IdentityEvent, occurredAt = new Date().toISOString()): EventEnvelope {
    const personalId = event.data.personalId;
    const streamVersion = (this.versions.get(personalId) ?? 0) + 1;
    this.versions.set(personalId, streamVersion);
    this.position += 1;
    const sealed = sealEnvelope({
      eventId: randomUUID(),
      service: 'identity',
      type: event.type,
      schemaVersion: IDENTITY_EVENT_SCHEMA_VERSIONS[event.type],
      streamId: personalId,
      streamVersion,
      position: this.position,
      occurredAt,
      correlationId: randomUUID(),
      causationId: null,
      actor: { clientId: 'officer' },
      data: event.data,
      prevHash: this.prevHash,
    });
    this.prevHash = sealed.hash;
    return sealed;
  }

  async publish(...events: IdentityEvent[]): Promise<EventEnvelope[]> {
    if (!this.producer) throw new Error('IdentityEventFeed not started');
    const envelopes = events.map((e) => this.envelope(e));
    await this.producer.send({
      topic: topicNames(this.prefix).events('identity'),
      messages: envelopes.map((e) => ({ key: e.streamId, value: JSON.stringify(e) })),
    });
    return envelopes;
  }

  registered(data: Omit<CitizenRegisteredData, 'permanentAddress' | 'registeredAt'> & Partial<CitizenRegisteredData>): IdentityEvent {
    return { type: 'CitizenRegistered', data: { permanentAddress: null, registeredAt: '2026-01-01T00:00:00.000Z', ...data } };
  }

  died(personalId: string, dateOfDeath = '2026-02-01'): IdentityEvent {
    const data: CitizenDiedData = { personalId, dateOfDeath, recordedAt: '2026-02-01T03:00:00.000Z' };
    return { type: 'CitizenDied', data };
  }
}
