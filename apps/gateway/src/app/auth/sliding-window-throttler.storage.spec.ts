import { SlidingWindowThrottlerStorage } from './sliding-window-throttler.storage';

const MINUTE = 60_000;

function storageAt(start = 1_000_000) {
  let now = start;
  const storage = new SlidingWindowThrottlerStorage(() => now);
  return { storage, advance: (ms: number) => (now += ms), hit: (key = 'client:a', limit = 3) => storage.increment(key, MINUTE, limit, MINUTE, 'default') };
}

describe('SlidingWindowThrottlerStorage', () => {
  it('given a limit of 3 a minute, when a client sends 4 requests at once, then the 4th is blocked for the block duration', async () => {
    const { hit } = storageAt();
    const results = [await hit(), await hit(), await hit(), await hit()];
    expect(results.map((r) => r.isBlocked)).toEqual([false, false, false, true]);
    expect(results.map((r) => r.totalHits)).toEqual([1, 2, 3, 4]);
    expect(results[3].timeToBlockExpire).toBe(60);
  });

  it('given a blocked client, when it retries during the block, then it stays blocked, and once the block ends it is let in', async () => {
    const { hit, advance } = storageAt();
    for (let i = 0; i < 4; i++) await hit();
    advance(30_000);
    expect((await hit()).isBlocked).toBe(true);
    advance(30_001);
    // The block has ended; the previous window's 3 hits still count, weighted by their overlap (2).
    expect((await hit()).isBlocked).toBe(false);
  });

  it('given a full previous window, when half of the next window has passed, then half of the previous hits still count', async () => {
    const { hit, advance } = storageAt();
    for (let i = 0; i < 10; i++) await hit('client:a', 10);
    advance(MINUTE + MINUTE / 2);
    const results = [];
    for (let i = 0; i < 6; i++) results.push(await hit('client:a', 10));
    expect(results.map((r) => r.isBlocked)).toEqual([false, false, false, false, false, true]);
    expect(results[0].totalHits).toBe(6);
  });

  it('given two clients, when one exceeds its limit, then the other is not affected', async () => {
    const { hit } = storageAt();
    for (let i = 0; i < 4; i++) await hit('client:a');
    expect((await hit('client:b')).isBlocked).toBe(false);
  });

  it('given a window, when a hit is counted, then timeToExpire is the seconds left in the current window', async () => {
    const { hit, advance } = storageAt();
    expect((await hit()).timeToExpire).toBe(60);
    advance(45_500);
    expect((await hit()).timeToExpire).toBe(15);
  });

  it('given keys idle for two windows, when another request comes, then they are forgotten', async () => {
    const { storage, hit, advance } = storageAt();
    await hit('client:a');
    await hit('client:b');
    advance(2 * MINUTE);
    await hit('client:c');
    expect(storage.size).toBe(1);
  });

  it('given a long quiet spell, when the client comes back, then nothing of before counts', async () => {
    const { hit, advance } = storageAt();
    for (let i = 0; i < 3; i++) await hit();
    advance(5 * MINUTE + 123);
    expect((await hit()).totalHits).toBe(1);
  });
});
