import { EnvReader, readServiceConfig, type ServiceConfig } from '@d06/platform';

export type IdentityConfig = ServiceConfig;

export function loadIdentityConfig(env: Record<string, string | undefined>): IdentityConfig {
  const r = new EnvReader(env);
  const config = readServiceConfig(r, 'identity');
  r.done();
  return config;
}
