import { EnvReader, readServiceConfig } from './config';

describe('readServiceConfig', () => {
  it('given no environment, when read, then every setting has its default', () => {
    const r = new EnvReader({});

    const config = readServiceConfig(r, 'residence');

    expect(r.problems).toEqual([]);
    expect(config).toMatchObject({ httpPort: 3102, database: 'd06_residence', rpcConcurrency: 12, dbPoolSize: 10, consumerFetchWindowMs: 0 });
  });

  it('given a consumer fetch window, when read, then the services use it', () => {
    const r = new EnvReader({ D06_CONSUMER_FETCH_WINDOW_MS: '100' });

    expect(readServiceConfig(r, 'lodging').consumerFetchWindowMs).toBe(100);
    expect(r.problems).toEqual([]);
  });

  it('given a window out of range or not a number, when read, then start-up fails naming it', () => {
    for (const bad of ['-1', '1001', 'soon']) {
      const r = new EnvReader({ D06_CONSUMER_FETCH_WINDOW_MS: bad });

      readServiceConfig(r, 'identity');

      expect(() => r.done()).toThrow(`D06_CONSUMER_FETCH_WINDOW_MS must be an integer in [0, 1000], got "${bad}"`);
    }
  });
});
