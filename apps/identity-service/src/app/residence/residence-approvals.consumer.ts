import { Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { RESIDENCE_EVENT_TYPES, parseResidenceEvent, type DossierApprovedData, type EventEnvelope } from '@d06/contracts';
import { handleCommand, type EventStore } from '@d06/event-sourcing';
import { citizenDecider } from '@d06/identity-domain';
import type { Clock, ConsumerDeclaration } from '@d06/platform';

export const RESIDENCE_APPROVALS_CONSUMER = 'residence_approvals';

export interface ResidenceApprovalsDeps {
  store: () => Promise<EventStore>;
  clock: Clock;
  logger?: Pick<Logger, 'warn'>;
}

function approvalOf(envelope: EventEnvelope): DossierApprovedData {
  const parsed = parseResidenceEvent(envelope.type, envelope.data);
  // The consumer validated the payload before calling the handler; this only narrows the type.
  if (!parsed.ok || parsed.event.type !== 'DossierApproved') {
    throw new Error(`not a valid DossierApproved: ${parsed.ok ? parsed.event.type : parsed.errors.join('; ')}`);
  }
  return parsed.event.data;
}

/**
 * Keeps the register's addresses in step with residence decisions (CONTRACT.md §2.4: an approval
 * updates the citizen's permanent or temporary address). A `DossierApproved` with a
 * `residenceEffect` becomes ChangeResidence on the applicant's stream, decided and appended IN the
 * consumer's transaction, so the CitizenResidenceChanged event, its projection and the
 * processed-event record commit together: a redelivery finds the record and changes nothing (and
 * the decider also ignores a dossier it has already applied). A refusal (unknown or deceased
 * applicant) can never succeed on retry: it is logged and the event is skipped. The other
 * residence events are of no use here.
 */
export function residenceApprovalsConsumer(deps: ResidenceApprovalsDeps): ConsumerDeclaration {
  const logger = deps.logger ?? new Logger('ResidenceApprovals');
  return {
    name: RESIDENCE_APPROVALS_CONSUMER,
    topics: (t) => [t.events('residence')],
    validators: {
      DossierApproved: (data) => {
        const parsed = parseResidenceEvent('DossierApproved', data);
        return parsed.ok ? [] : parsed.errors;
      },
    },
    ignoreTypes: RESIDENCE_EVENT_TYPES.filter((type) => type !== 'DossierApproved'),
    handlers: {
      DossierApproved: async (envelope: EventEnvelope, manager: EntityManager) => {
        const approval = approvalOf(envelope);
        const effect = approval.residenceEffect;
        if (effect === null) return;
        const result = await handleCommand({
          store: await deps.store(),
          decider: citizenDecider,
          streamId: approval.applicantId,
          command: {
            type: 'ChangeResidence',
            personalId: approval.applicantId,
            kind: effect.kind,
            address: effect.address,
            validUntil: effect.validUntil,
            dossierId: approval.dossierId,
            procedure: approval.procedure,
            now: deps.clock.now().toISOString(),
          },
          meta: { correlationId: envelope.correlationId, actor: envelope.actor, causationId: envelope.eventId },
          manager,
        });
        if (!result.ok) {
          logger.warn(
            {
              eventId: envelope.eventId,
              dossierId: approval.dossierId,
              applicantId: approval.applicantId,
              code: result.error.code,
              correlationId: envelope.correlationId,
            },
            `residence approval not applied to the register: ${result.error.message}`,
          );
        }
      },
    },
  };
}
