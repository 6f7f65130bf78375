import type { FieldError } from '@d06/contracts';
import { asPayload, oneOfField, optionalTextField, uuidField } from '../common/payload-fields';
import { REASON_MAX_LENGTH, type Parsed } from './submit-dossier.payload';

const OUTCOMES = ['APPROVED', 'REJECTED'] as const;

export interface DecideDossierInput {
  dossierId: string;
  outcome: (typeof OUTCOMES)[number];
  reason: string | null;
}

/** The format checks of `DecideDossier` (400); a rejection without a written reason is one of them. */
export function parseDecideDossier(raw: unknown): Parsed<DecideDossierInput> {
  const errors: FieldError[] = [];
  const p = asPayload(raw, errors);
  const dossierId = uuidField(p, 'dossierId', errors);
  const outcome = oneOfField(p, 'outcome', OUTCOMES, errors);
  const reason = optionalTextField(p, 'reason', REASON_MAX_LENGTH, errors);
  if (outcome === 'REJECTED' && reason === null && !errors.some((e) => e.field === 'reason')) {
    errors.push({ field: 'reason', message: 'reason is required when the outcome is REJECTED' });
  }
  if (errors.length > 0 || dossierId === undefined || outcome === undefined) return { ok: false, errors };
  return { ok: true, value: { dossierId, outcome, reason } };
}
