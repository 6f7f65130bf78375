import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError } from '@d06/platform';
import { loadGatewayConfig, resolveClientsFile } from './gateway-config';

describe('gateway config', () => {
  it('given nothing set, when loaded, then the documented defaults apply and a random signing key is made', () => {
    const config = loadGatewayConfig({});
    expect(config).toMatchObject({
      httpPort: 3000,
      database: 'd06_gateway',
      jwtSecretGenerated: true,
      jwtIssuer: 'd06-gateway',
      jwtAudience: 'd06-api',
      tokenTtlSeconds: 900,
      rateLimitPerMinute: 6000,
      anonymousRateLimitPerMinute: 600,
      idempotencyTtlHours: 24,
      maxInFlight: 2000,
      trustProxy: false,
      corsOrigins: [],
    });
    expect(config.jwtSecret.length).toBeGreaterThanOrEqual(32);
    expect(config.clientsFile).toMatch(/deploy\/local\/clients\.json$/);
  });

  it('given NODE_ENV=production without GATEWAY_JWT_SECRET, when loaded, then it fails with a clear message', () => {
    expect(() => loadGatewayConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => loadGatewayConfig({ NODE_ENV: 'production' })).toThrow(/GATEWAY_JWT_SECRET is required when NODE_ENV=production/);
  });

  it('given GATEWAY_MAX_IN_FLIGHT of 0, when loaded, then it is refused', () => {
    expect(() => loadGatewayConfig({ GATEWAY_MAX_IN_FLIGHT: '0' })).toThrow(ConfigError);
    expect(loadGatewayConfig({ GATEWAY_MAX_IN_FLIGHT: '50' }).maxInFlight).toBe(50);
  });

  it('given a short GATEWAY_JWT_SECRET, when loaded, then it is refused', () => {
    expect(() => loadGatewayConfig({ GATEWAY_JWT_SECRET: 'short' })).toThrow(/at least 32 characters/);
  });

  it('given a relative clients file, when resolved from a directory deep inside the tree, then it is found in an ancestor', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'd06-clients-'));
    mkdirSync(path.join(root, 'deploy/local'), { recursive: true });
    writeFileSync(path.join(root, 'deploy/local/clients.json'), '{"clients":[]}');
    const deep = path.join(root, 'dist/apps/gateway');
    mkdirSync(deep, { recursive: true });
    expect(resolveClientsFile('deploy/local/clients.json', [deep])).toBe(path.join(root, 'deploy/local/clients.json'));
    expect(resolveClientsFile('deploy/local/missing.json', [deep])).toBeUndefined();
    expect(resolveClientsFile(path.join(root, 'deploy/local/clients.json'), [])).toBe(path.join(root, 'deploy/local/clients.json'));
  });
});
