import { randomUUID } from 'node:crypto';
import { GENESIS_HASH, type DossierApprovedData, type EventEnvelope, type ResidenceEffect } from '@d06/contracts';
import { sealEnvelope } from '@d06/event-sourcing';

/**
 * Residence events as the residence service's relay would publish them: valid envelopes of a
 * hash chain of their own, so the identity consumer (which checks hashes) accepts them.
 */
export class ResidenceChain {
  private position = 0;
  private prevHash = GENESIS_HASH;

  approval(input: { applicantId: string; effect: ResidenceEffect | null; procedure?: DossierApprovedData['procedure']; decidedAt?: string }): EventEnvelope {
    const dossierId = randomUUID();
    const data: DossierApprovedData = {
      dossierId,
      procedure: input.procedure ?? (input.effect?.kind === 'TEMPORARY' ? 'TEMPORARY_REGISTRATION' : 'PERMANENT_REGISTRATION'),
      applicantId: input.applicantId,
      decidedAt: input.decidedAt ?? '2026-11-27T10:00:00.000+07:00',
      late: false,
      residenceEffect: input.effect,
      decidedBy: 'officer',
    };
    this.position += 1;
    const envelope = sealEnvelope({
      eventId: randomUUID(),
      service: 'residence',
      type: 'DossierApproved',
      schemaVersion: 1,
      streamId: dossierId,
      streamVersion: 2,
      position: this.position,
      occurredAt: '2026-11-27T03:00:00.000Z',
      correlationId: `corr-${dossierId}`,
      causationId: null,
      actor: { clientId: 'officer' },
      data,
      prevHash: this.prevHash,
    });
    this.prevHash = envelope.hash;
    return envelope;
  }
}
