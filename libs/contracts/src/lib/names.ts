/**
 * Personal names as people type them: the identity service's `POST /identity/verify` and the
 * lodging service's guest check both compare a name given by a caller with the recorded one
 * (CONTRACT.md §2.3: "names compare after Unicode NFC, case folding and whitespace collapsing").
 *
 * `normalizeName` makes two spellings of the same name equal: Unicode NFC (so a decomposed
 * "Nguyễn" typed as `e` + combining marks equals the precomposed one), lower case (Vietnamese
 * has no locale-specific case rules, so plain `toLowerCase` is the case fold), every run of
 * white space (including no-break and other Unicode spaces) collapsed to one ASCII space, and
 * the ends trimmed. It does not strip diacritics: "Lê" and "Le" are different names.
 */
export function normalizeName(name: string): string {
  return name.normalize('NFC').toLowerCase().normalize('NFC').replace(/\s+/gu, ' ').trim();
}

/** True when two names are the same after {@link normalizeName}. */
export function namesMatch(a: string, b: string): boolean {
  return normalizeName(a) === normalizeName(b);
}
