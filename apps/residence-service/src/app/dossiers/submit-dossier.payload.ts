import { PROCEDURES, validatePersonalId, type Address, type FieldError, type Procedure } from '@d06/contracts';
import { validateAddress } from '@d06/reference-data';
import { asPayload, oneOfField, optionalDateField, optionalTextField } from '../common/payload-fields';

/** The procedures that register a residence at an address (CONTRACT.md §2.4: they need `address`). */
const NEEDS_ADDRESS: readonly Procedure[] = ['PERMANENT_REGISTRATION', 'TEMPORARY_REGISTRATION'];
export const REASON_MAX_LENGTH = 1000;

export interface SubmitDossierInput {
  procedure: Procedure;
  applicantId: string;
  address: Address | null;
  startDate: string | null;
  endDate: string | null;
  reason: string | null;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

/**
 * The format checks of `SubmitDossier` (400): procedure, personalId, address codes against the
 * 2025 units, dates. What depends on the applicant or the term (2 years, extension window) is
 * the decider's.
 */
export function parseSubmitDossier(raw: unknown): Parsed<SubmitDossierInput> {
  const errors: FieldError[] = [];
  const p = asPayload(raw, errors);
  const procedure = oneOfField(p, 'procedure', PROCEDURES, errors);
  errors.push(...validatePersonalId(p['applicantId'], { field: 'applicantId' }));
  let address: Address | null = null;
  const rawAddress = p['address'];
  if (rawAddress === undefined || rawAddress === null) {
    if (procedure !== undefined && NEEDS_ADDRESS.includes(procedure)) {
      errors.push({ field: 'address', message: `address is required for ${procedure}` });
    }
  } else {
    const addressErrors = validateAddress(rawAddress, 'address');
    if (addressErrors.length > 0) errors.push(...addressErrors);
    else {
      const a = rawAddress as Address;
      address = { provinceCode: a.provinceCode, wardCode: a.wardCode, detail: a.detail };
    }
  }
  const startDate = optionalDateField(p, 'startDate', errors);
  const endDate = optionalDateField(p, 'endDate', errors);
  const reason = optionalTextField(p, 'reason', REASON_MAX_LENGTH, errors);
  if (errors.length > 0 || procedure === undefined) return { ok: false, errors };
  return { ok: true, value: { procedure, applicantId: p['applicantId'] as string, address, startDate, endDate, reason } };
}
