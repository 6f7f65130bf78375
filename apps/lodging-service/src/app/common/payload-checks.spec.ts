import { isInstant, isText, isUuid } from './payload-checks';

describe('payload checks', () => {
  it.each(['2026-03-02T14:30:00+07:00', '2026-03-02T07:30:00Z', '2026-03-02T14:30:00.123+07:00', '2024-02-29T00:00:00-05:30'])(
    'given %s, then it is an instant',
    (value) => expect(isInstant(value)).toBe(true),
  );

  it.each(['2026-03-02T14:30:00', '2026-03-02', '2026-02-30T10:00:00Z', '2026-03-02T24:00:00Z', '2026-03-02T14:30+07:00', 1700000000000, null])(
    'given %p, then it is not an instant',
    (value) => expect(isInstant(value)).toBe(false),
  );

  it('given uuids and texts, then only the well-formed pass', () => {
    expect(isUuid('9b2e4f60-1c3d-4a5b-8e7f-0a1b2c3d4e5f')).toBe(true);
    expect(isUuid('9b2e4f60')).toBe(false);
    expect(isText('Khách sạn', 200)).toBe(true);
    expect(isText('  ', 200)).toBe(false);
    expect(isText('x'.repeat(201), 200)).toBe(false);
  });
});
