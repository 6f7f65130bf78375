import { EnvReader, readServiceConfig, type ServiceConfig } from '@d06/platform';

export type LodgingConfig = ServiceConfig;

export function loadLodgingConfig(env: Record<string, string | undefined>): LodgingConfig {
  const r = new EnvReader(env);
  const config = readServiceConfig(r, 'lodging');
  r.done();
  return config;
}
