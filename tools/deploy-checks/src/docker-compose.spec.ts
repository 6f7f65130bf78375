import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { EnvReader, GATEWAY_DEFAULT_PORT, SERVICE_DEFAULT_PORTS, readServiceConfig } from '@d06/platform';

const root = path.resolve(__dirname, '../../..');
const read = (p: string) => readFileSync(path.join(root, p), 'utf8');

interface ComposeService {
  image?: string;
  environment?: Record<string, string | number>;
  ports?: string[];
  build?: { dockerfile?: string };
}
const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, ComposeService> };
const services = compose.services;

const APPS = {
  'identity-service': { service: 'identity', port: SERVICE_DEFAULT_PORTS.identity },
  'residence-service': { service: 'residence', port: SERVICE_DEFAULT_PORTS.residence },
  'lodging-service': { service: 'lodging', port: SERVICE_DEFAULT_PORTS.lodging },
} as const;

function publishedPorts(s: ComposeService): number[] {
  return (s.ports ?? []).map((p) => Number(String(p).split(':')[1]));
}

describe('docker-compose.yml agrees with the code', () => {
  it('given the compose file, then it runs Postgres, Kafka and the four apps', () => {
    expect(Object.keys(services).sort()).toEqual(['gateway', 'identity-service', 'kafka', 'lodging-service', 'postgres', 'residence-service']);
  });

  it.each(Object.entries(APPS))('given %s, then its env is a valid config whose port is the one published', (name, { service, port }) => {
    const env = Object.fromEntries(Object.entries(services[name].environment ?? {}).map(([k, v]) => [k, String(v)]));
    const r = new EnvReader(env);
    const config = readServiceConfig(r, service);
    expect(r.problems).toEqual([]);
    expect(config.httpPort).toBe(port);
    expect(publishedPorts(services[name])).toEqual([port]);
    expect(env['APP']).toBe(name);
    expect(config.kafkaBrokers).toEqual(['kafka:9092']);
    expect(new URL(config.databaseServerUrl).hostname).toBe('postgres');
  });

  it('given the gateway, then it listens on the default gateway port and gets a clients file', () => {
    const env = services['gateway'].environment ?? {};
    expect(Number(env['GATEWAY_PORT'])).toBe(GATEWAY_DEFAULT_PORT);
    expect(publishedPorts(services['gateway'])).toEqual([GATEWAY_DEFAULT_PORT]);
    expect(env['GATEWAY_CLIENTS_FILE']).toBeDefined();
  });

  it('given the local broker scripts, then compose runs the same Kafka version', () => {
    const scriptVersion = /KAFKA_VERSION=([\d.]+)/.exec(read('deploy/local/kafka/kafka.sh'))?.[1];
    const pomVersion = /<kafka.version>([\d.]+)<\/kafka.version>/.exec(read('deploy/local/kafka/pom.xml'))?.[1];
    expect(scriptVersion).toBeDefined();
    expect(pomVersion).toBe(scriptVersion);
    expect(services['kafka'].image).toBe(`apache/kafka:${scriptVersion}`);
  });

  it('given the node flags of npm start and the test stacks (deploy/local/node-args.json), then compose gives each app the same in NODE_OPTIONS', () => {
    const flags = JSON.parse(read('deploy/local/node-args.json')) as Record<string, unknown>;
    for (const name of Object.keys(APPS)) {
      const wanted = Array.isArray(flags[name]) ? (flags[name] as string[]) : [];
      const given = String(services[name].environment?.['NODE_OPTIONS'] ?? '').split(/\s+/).filter(Boolean);
      expect({ app: name, flags: given.filter((f) => wanted.includes(f)) }).toEqual({ app: name, flags: wanted });
    }
  });

  it('given the image, then it exposes every app port and builds from deploy/docker', () => {
    const dockerfile = read('deploy/docker/Dockerfile');
    const exposed = (/^EXPOSE (.+)$/m.exec(dockerfile)?.[1] ?? '').split(/\s+/).map(Number);
    expect(exposed.sort()).toEqual([GATEWAY_DEFAULT_PORT, ...Object.values(SERVICE_DEFAULT_PORTS)].sort());
    for (const name of [...Object.keys(APPS), 'gateway']) expect(services[name].build?.dockerfile).toBe('deploy/docker/Dockerfile');
  });
});
