import { validationProblem } from './validation';

export const PURPOSE_HEADER = 'X-Purpose';
const MAX_PURPOSE_LENGTH = 200;

/**
 * The stated purpose of a read (X-Purpose, 1-200 characters). HTTP header values are Latin-1,
 * so Vietnamese text may come percent-encoded as UTF-8 (`Ki%E1%BB%83m%20tra`): it is decoded.
 */
export function parsePurpose(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  let text = raw.trim();
  if (/%[0-9A-Fa-f]{2}/.test(text)) {
    try {
      text = decodeURIComponent(text).trim();
    } catch {
      // Not percent-encoding after all: keep the text as sent.
    }
  }
  const length = [...text.normalize('NFC')].length;
  // eslint-disable-next-line no-control-regex
  if (length < 1 || length > MAX_PURPOSE_LENGTH || /[\u0000-\u001f\u007f]/.test(text)) {
    throw validationProblem([{ field: PURPOSE_HEADER, message: `${PURPOSE_HEADER} must be 1 to ${MAX_PURPOSE_LENGTH} characters (UTF-8 may be percent-encoded).` }], `The ${PURPOSE_HEADER} header is not valid.`);
  }
  return text;
}

export function optionalPurpose(raw: string | undefined): string | null {
  return parsePurpose(raw) ?? null;
}

export function requiredPurpose(raw: string | undefined): string {
  const purpose = parsePurpose(raw);
  if (purpose === undefined) {
    throw validationProblem([{ field: PURPOSE_HEADER, message: `${PURPOSE_HEADER} is required: why the data is read (1 to ${MAX_PURPOSE_LENGTH} characters).` }], `The ${PURPOSE_HEADER} header is required.`);
  }
  return purpose;
}
