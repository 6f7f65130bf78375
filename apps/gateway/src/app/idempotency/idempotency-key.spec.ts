import type { Request } from 'express';
import { ProblemException } from '../common/problem';
import { canonicalJson, readIdempotencyKey, requestHash } from './idempotency-key';

const withKey = (key: string | string[] | undefined) => ({ headers: key === undefined ? {} : { 'idempotency-key': key } }) as unknown as Request;

describe('Idempotency-Key', () => {
  it.each(['a', 'x'.repeat(255), '2b0f7a6e-4c1d-4a5b-8e7f-0a1b2c3d4e5f', '!~"#$%&()*+,-./:;<=>?@[]^_`{|}'])('given %p, when read, then it is accepted', (key) => {
    expect(readIdempotencyKey(withKey(key))).toBe(key);
  });

  it('given no header, when read, then there is no key', () => {
    expect(readIdempotencyKey(withKey(undefined))).toBeUndefined();
  });

  it.each([
    ['empty', ''],
    ['too long', 'x'.repeat(256)],
    ['a space', 'a b'],
    ['non-ASCII', 'khóa'],
    ['a control character', 'a\tb'],
  ])('given a key with %s, when read, then it is a 400 problem', (_what, key) => {
    expect(() => readIdempotencyKey(withKey(key))).toThrow(ProblemException);
    try {
      readIdempotencyKey(withKey(key));
    } catch (err) {
      expect((err as ProblemException).problem).toMatchObject({ status: 400, code: 'INVALID_IDEMPOTENCY_KEY' });
    }
  });

  it('given two bodies differing only in key order, when hashed, then the hashes are equal', () => {
    const a = { personalId: '001090012345', address: { wardCode: '00004', provinceCode: '01' }, guests: [{ a: 1, b: 2 }] };
    const b = { guests: [{ b: 2, a: 1 }], address: { provinceCode: '01', wardCode: '00004' }, personalId: '001090012345' };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(requestHash('POST', '/api/v1/citizens', a)).toBe(requestHash('post', '/api/v1/citizens', b));
  });

  it('given the same body on another path or with another value, when hashed, then the hashes differ', () => {
    const body = { dateOfDeath: '2026-01-15' };
    expect(requestHash('POST', '/api/v1/citizens/001090012345/death', body)).not.toBe(requestHash('POST', '/api/v1/citizens/001090012346/death', body));
    expect(requestHash('POST', '/x', { a: [1, 2] })).not.toBe(requestHash('POST', '/x', { a: [2, 1] }));
    expect(requestHash('POST', '/x', { a: '1' })).not.toBe(requestHash('POST', '/x', { a: 1 }));
  });
});
