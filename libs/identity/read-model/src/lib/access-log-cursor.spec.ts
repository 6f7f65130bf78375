import { decodeAccessLogCursor, encodeAccessLogCursor } from './access-log-cursor';

describe('access-log cursor', () => {
  const cursor = { at: '2026-11-27T03:04:05.678Z', id: '0b8f6a52-3c1e-4a7d-9f00-1234567890ab' };

  it('given a cursor, when encoded and decoded, then it comes back unchanged and URL-safe', () => {
    const encoded = encodeAccessLogCursor(cursor);
    expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeAccessLogCursor(encoded)).toEqual(cursor);
  });

  it('given text this service never handed out, then decoding gives null', () => {
    for (const bad of ['', 'not base64!', Buffer.from('x|y').toString('base64url'), Buffer.from(`${cursor.at}|nope`).toString('base64url'),
      Buffer.from(`2026-13-45T00:00:00.000Z|${cursor.id}`).toString('base64url'), Buffer.from(`${cursor.at}|${cursor.id}|x`).toString('base64url')]) {
      expect(decodeAccessLogCursor(bad)).toBeNull();
    }
  });
});
