import { topicNames, type EventEnvelope } from '@d06/contracts';
import { identityTopicRouter } from './identity-event-sourcing';

function envelope(type: string): EventEnvelope {
  return {
    eventId: '00000000-0000-4000-8000-000000000001',
    service: 'identity',
    type,
    schemaVersion: 1,
    streamId: 's',
    streamVersion: 1,
    position: 1,
    occurredAt: '2026-11-27T03:00:00.000Z',
    correlationId: 'c',
    causationId: null,
    actor: { clientId: 'officer' },
    data: {},
    prevHash: '0'.repeat(64),
    hash: '0'.repeat(64),
  };
}

describe('identity topic router', () => {
  const route = identityTopicRouter(topicNames('p.'));

  it('given an access record, then it goes to audit.events', () => {
    expect(route(envelope('CitizenDataAccessed'))).toBe('p.audit.events');
  });

  it('given any citizen event, then it goes to identity.events', () => {
    for (const type of ['CitizenRegistered', 'CitizenDetailsCorrected', 'CitizenDied', 'CitizenResidenceChanged']) {
      expect(route(envelope(type))).toBe('p.identity.events');
    }
  });
});
