import { EnvReader, readServiceConfig, type ServiceConfig } from '@d06/platform';

export type ResidenceConfig = ServiceConfig;

export function loadResidenceConfig(env: Record<string, string | undefined>): ResidenceConfig {
  const r = new EnvReader(env);
  const config = readServiceConfig(r, 'residence');
  r.done();
  return config;
}
