import { EnvReader, readServiceConfig, type ServiceConfig } from '@d06/platform';

export interface IdentityConfig extends ServiceConfig {
  /**
   * How long `GetStream` waits for the stream's newest events to be sealed (given a position and
   * a hash) before answering with them unsealed.
   */
  streamSealWaitMs: number;
}

export function loadIdentityConfig(env: Record<string, string | undefined>): IdentityConfig {
  const r = new EnvReader(env);
  const config: IdentityConfig = {
    ...readServiceConfig(r, 'identity'),
    streamSealWaitMs: r.int('IDENTITY_STREAM_SEAL_WAIT_MS', 2000, { min: 0, max: 60_000 }),
  };
  r.done();
  return config;
}
