import fc from 'fast-check';
import { namesMatch, normalizeName } from './names';

describe('normalizeName', () => {
  it('composes (NFC), lower-cases, collapses and trims white space', () => {
    expect(normalizeName('  NGUYE\u0302\u0303N   Văn\u00a0\tAn ')).toBe('nguyễn văn an');
    expect(normalizeName('Nguyễn Văn An')).toBe('nguyễn văn an');
  });

  it('keeps diacritics: different names stay different', () => {
    expect(namesMatch('Lê Văn An', 'Le Van An')).toBe(false);
    expect(namesMatch('Nguyễn Văn Ân', 'Nguyễn Văn An')).toBe(false);
    expect(namesMatch('ĐẶNG THỊ HOA', 'đặng thị hoa')).toBe(true);
  });

  it('is idempotent and ignores surrounding white space (property)', () => {
    fc.assert(
      fc.property(fc.string(), fc.constantFrom(' ', '\t', '\u00a0', '  '), (s, ws) => {
        const n = normalizeName(s);
        expect(normalizeName(n)).toBe(n);
        expect(normalizeName(`${ws}${s}${ws}`)).toBe(n);
      }),
    );
  });
});
