import { formatLocalInstant, localDateOfInstant } from './local-time';

describe('local time of the read model', () => {
  it('given an instant in any offset, then it is written as Hanoi time with +07:00', () => {
    expect(formatLocalInstant('2026-03-02T17:00:00Z')).toBe('2026-03-03T00:00:00.000+07:00');
    expect(formatLocalInstant(new Date('2026-03-02T09:15:30.250+07:00'))).toBe('2026-03-02T09:15:30.250+07:00');
  });

  it('given instants either side of local midnight, then their local dates differ', () => {
    expect(localDateOfInstant('2026-03-02T16:59:59.999Z')).toBe('2026-03-02');
    expect(localDateOfInstant('2026-03-02T17:00:00Z')).toBe('2026-03-03');
  });

  it('given something that is not an instant, then it refuses', () => {
    expect(() => formatLocalInstant('yesterday')).toThrow(RangeError);
    expect(() => localDateOfInstant('')).toThrow(RangeError);
  });
});
