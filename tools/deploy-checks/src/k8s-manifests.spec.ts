import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { allTopics, type ServiceName } from '@d06/contracts';
import { EnvReader, GATEWAY_DEFAULT_PORT, SERVICE_DEFAULT_PORTS, readCommonConfig, readServiceConfig } from '@d06/platform';

/*
 * deploy/k8s agrees with the code: every app's environment passes its config reader, ports and the
 * image agree with deploy/docker, every topic of allTopics('') is declared with replication 3, and
 * the Kafka and Postgres clusters have the shape docs/operations.md relies on.
 */

const root = path.resolve(__dirname, '../../..');
const k8sDir = path.join(root, 'deploy/k8s');
const read = (p: string) => readFileSync(path.join(root, p), 'utf8');

// ---- Loose shapes of the Kubernetes objects (only the fields checked here) ----

type Dict = Record<string, string>;
interface Meta {
  name?: string;
  generateName?: string;
  namespace?: string;
  labels?: Dict;
  annotations?: Dict;
}
interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: Meta;
  spec?: unknown;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}
interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    configMapKeyRef?: { name: string; key: string };
    secretKeyRef?: { name: string; key: string };
  };
}
interface EnvFrom {
  prefix?: string;
  configMapRef?: { name: string };
  secretRef?: { name: string };
}
interface Probe {
  httpGet?: { path?: string; port?: number | string };
}
interface Container {
  name: string;
  image: string;
  command?: string[];
  env?: EnvVar[];
  envFrom?: EnvFrom[];
  ports?: { name?: string; containerPort: number }[];
  startupProbe?: Probe;
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  resources?: { requests?: Dict; limits?: Dict };
  securityContext?: {
    runAsNonRoot?: boolean;
    runAsUser?: number;
    allowPrivilegeEscalation?: boolean;
    readOnlyRootFilesystem?: boolean;
    capabilities?: { drop?: string[] };
  };
  volumeMounts?: { name: string; mountPath: string }[];
}
interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  enableServiceLinks?: boolean;
  automountServiceAccountToken?: boolean;
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number; seccompProfile?: { type?: string } };
  volumes?: { name: string; secret?: { secretName: string; items?: { key: string; path: string }[] }; configMap?: { name: string } }[];
}
interface DeploymentSpec {
  replicas?: number;
  selector: { matchLabels: Dict };
  template: { metadata: Meta; spec: PodSpec };
}
interface ServicePort {
  port: number;
  targetPort?: number | string;
}

// ---- Loading ----

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return yamlFiles(full);
    return /\.ya?ml$/.test(e.name) ? [full] : [];
  });
}

interface Loaded {
  file: string;
  object: K8sObject;
}
const parseErrors: string[] = [];
const loaded: Loaded[] = yamlFiles(k8sDir).flatMap((full) => {
  const file = path.relative(k8sDir, full);
  return parseAllDocuments(readFileSync(full, 'utf8')).flatMap((doc) => {
    for (const e of doc.errors) parseErrors.push(`${file}: ${e.message}`);
    const object = doc.toJS() as K8sObject | null;
    return object ? [{ file, object }] : [];
  });
});

interface Kustomization {
  namespace?: string;
  resources: string[];
  images?: { name: string; newName?: string; newTag?: string }[];
}
const kustomization = loaded.find((l) => l.file === 'kustomization.yaml')?.object as unknown as Kustomization;
const applied = new Set(kustomization?.resources ?? []);
/** What `kubectl apply -k deploy/k8s` creates. */
const resources = loaded.filter((l) => applied.has(l.file)).map((l) => l.object);
/** Objects created outside the kustomization: Secrets (secrets.example.yaml) and one-off Jobs. */
const SECRETS_FILE = 'secrets.example.yaml';
const NOT_APPLIED = ['kustomization.yaml', SECRETS_FILE, 'ops/ops-job.yaml'];

const ofKind = <T = unknown>(kind: string, from: K8sObject[] = resources) =>
  from.filter((o) => o.kind === kind) as (K8sObject & { spec: T })[];
const named = <T = unknown>(kind: string, name: string, from: K8sObject[] = resources) =>
  ofKind<T>(kind, from).find((o) => o.metadata.name === name);

const configMaps = new Map(ofKind('ConfigMap').map((c) => [c.metadata.name ?? '', c.data ?? {}]));
const exampleSecrets = new Map(
  loaded
    .filter((l) => l.file === SECRETS_FILE && l.object.kind === 'Secret')
    .map((l) => [l.object.metadata.name ?? '', { ...(l.object.data ?? {}), ...(l.object.stringData ?? {}) }]),
);

// ---- What the code and deploy/docker say ----

const dockerfile = read('deploy/docker/Dockerfile');
const exposedPorts = (/^EXPOSE (.+)$/m.exec(dockerfile)?.[1] ?? '').split(/\s+/).map(Number);
/** The image name the Dockerfile's build comment gives (`docker build ... -t d06 .`). */
const imageName = /docker build .*-t ([a-z0-9._/-]+)/.exec(dockerfile)?.[1];
/** `ENV A=1 B=2` lines of the final stage: the environment every container starts from. */
const imageEnv: Dict = Object.fromEntries(
  [...dockerfile.split(/^FROM /m).slice(-1)[0].matchAll(/^ENV (.+)$/gm)].flatMap((m) =>
    m[1].split(/\s+/).map((pair) => pair.split('=') as [string, string]),
  ),
);
const localKafkaVersion = /KAFKA_VERSION=([\d.]+)/.exec(read('deploy/local/kafka/kafka.sh'))?.[1];

const SERVICE_APPS: Record<string, ServiceName> = {
  'identity-service': 'identity',
  'residence-service': 'residence',
  'lodging-service': 'lodging',
};
const APPS = ['gateway', ...Object.keys(SERVICE_APPS)];
/** Keys a container may carry that no config reader reads: read by the image's CMD and by Node. */
const RUNTIME_KEYS = new Set(['APP', 'NODE_OPTIONS']);

/**
 * The gateway's config reader lives in apps/gateway, which a tools project may not import (module
 * boundaries). Until it moves to libs/platform, its `r.<kind>('NAME', ...)` calls are read from
 * the source, so a new required key there fails this check until the manifests set it.
 */
interface EnvCall {
  kind: 'string' | 'optional' | 'int' | 'list' | 'oneOf' | 'url';
  name: string;
  args: string;
}
const gatewaySource = read('apps/gateway/src/app/gateway-config.ts');
const gatewayCalls: EnvCall[] = [
  ...gatewaySource.matchAll(/\br\.(string|optional|int|list|oneOf|url)\(\s*['"`]([A-Z][A-Z0-9_]*)['"`]\s*(?:,([^)]*))?\)/g),
].map((m) => ({ kind: m[1] as EnvCall['kind'], name: m[2], args: (m[3] ?? '').trim() }));
/** Keys the source refuses to run without in production (`'<KEY> is required when NODE_ENV=production'`). */
const gatewayProductionKeys = [...gatewaySource.matchAll(/['"`]([A-Z][A-Z0-9_]*) is required when NODE_ENV=production/g)].map((m) => m[1]);

function checkGatewayCall(call: EnvCall, value: string | undefined): string | undefined {
  const v = value?.trim();
  if (!v) return call.kind === 'string' && call.args === '' ? `${call.name} is required` : undefined;
  if (call.kind === 'int') {
    const bound = (k: string) => {
      const m = new RegExp(`${k}:\\s*(-?[\\d_]+)`).exec(call.args);
      return m ? Number(m[1].replace(/_/g, '')) : undefined;
    };
    const n = Number(v);
    const [min, max] = [bound('min') ?? 0, bound('max') ?? Number.MAX_SAFE_INTEGER];
    if (!Number.isInteger(n) || n < min || n > max) return `${call.name} must be an integer in [${min}, ${max}], got "${v}"`;
  }
  if (call.kind === 'oneOf') {
    const allowed = [...(/\[([^\]]*)\]/.exec(call.args)?.[1] ?? '').matchAll(/['"`]([^'"`]+)['"`]/g)].map((m) => m[1]);
    if (!allowed.includes(v)) return `${call.name} must be one of ${allowed.join(', ')}, got "${v}"`;
  }
  if (call.kind === 'url' && !URL.canParse(v)) return `${call.name} must be a URL`;
  return undefined;
}

/** The string literal a `r.string('NAME', 'fallback')` call falls back to. */
function gatewayDefault(name: string): string | undefined {
  const call = gatewayCalls.find((c) => c.name === name);
  return call ? /^['"`]([^'"`]*)['"`]$/.exec(call.args)?.[1] : undefined;
}

// ---- Pods and their environment ----

function podSpecOf(o: K8sObject): PodSpec | undefined {
  const spec = o.spec as
    | { template?: { spec?: PodSpec }; jobTemplate?: { spec?: { template?: { spec?: PodSpec } } } }
    | undefined;
  if (o.kind === 'CronJob') return spec?.jobTemplate?.spec?.template?.spec;
  if (o.kind === 'Deployment' || o.kind === 'Job' || o.kind === 'StatefulSet') return spec?.template?.spec;
  return undefined;
}
const workloads = loaded.filter((l) => podSpecOf(l.object) !== undefined);

const cnpgClusters = ofKind<{ instances: number; bootstrap?: { initdb?: { owner?: string; database?: string } } }>('Cluster');
/** CNPG writes `<cluster>-app` with these keys when it bootstraps a cluster. */
const CNPG_APP_SECRET_KEYS = ['username', 'password', 'host', 'port', 'dbname', 'uri', 'jdbc-uri', 'pgpass', 'fqdn-uri', 'fqdn-jdbc-uri'];
const cnpgAppSecret = (name: string) => cnpgClusters.find((c) => `${c.metadata.name}-app` === name);

/** Where a Secret key comes from; undefined when nothing creates it. */
function secretSource(name: string, key: string): string | undefined {
  if (exampleSecrets.get(name)?.[key] !== undefined) return SECRETS_FILE;
  if (cnpgAppSecret(name) && CNPG_APP_SECRET_KEYS.includes(key)) return `CloudNativePG (${name})`;
  return undefined;
}

/** A stand-in for a secret's value that has the right shape for what reads it. */
function placeholder(secret: string, key: string): string {
  const cluster = cnpgAppSecret(secret)?.metadata.name;
  if (cluster && key === 'uri') return `postgresql://app:placeholder@${cluster}-rw.d06.svc:5432/app`;
  if (cluster && key === 'username') return 'app';
  return 'p'.repeat(48);
}

/**
 * The environment Kubernetes gives a container: the image's ENV, then envFrom in order, then env
 * in order (with `$(VAR)` references to earlier variables expanded). Secrets become placeholders.
 */
function containerEnv(c: Container): { env: Dict; problems: string[] } {
  const env: Dict = { ...imageEnv };
  const problems: string[] = [];
  for (const from of c.envFrom ?? []) {
    if (from.configMapRef) {
      const data = configMaps.get(from.configMapRef.name);
      if (!data) problems.push(`envFrom: ConfigMap ${from.configMapRef.name} is not in the kustomization`);
      for (const [k, v] of Object.entries(data ?? {})) env[`${from.prefix ?? ''}${k}`] = String(v);
    }
    if (from.secretRef) {
      const data = exampleSecrets.get(from.secretRef.name);
      if (!data) problems.push(`envFrom: Secret ${from.secretRef.name} is not in ${SECRETS_FILE}`);
      for (const k of Object.keys(data ?? {})) env[`${from.prefix ?? ''}${k}`] = placeholder(from.secretRef.name, k);
    }
  }
  for (const e of c.env ?? []) {
    const cm = e.valueFrom?.configMapKeyRef;
    const secret = e.valueFrom?.secretKeyRef;
    if (cm) {
      const v = configMaps.get(cm.name)?.[cm.key];
      if (v === undefined) problems.push(`${e.name}: ConfigMap ${cm.name} has no key ${cm.key}`);
      env[e.name] = String(v ?? '');
    } else if (secret) {
      if (!secretSource(secret.name, secret.key)) problems.push(`${e.name}: nothing creates Secret ${secret.name} with key ${secret.key}`);
      env[e.name] = placeholder(secret.name, secret.key);
    } else {
      env[e.name] = String(e.value ?? '').replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (whole, ref: string) => env[ref] ?? whole);
    }
  }
  return { env, problems };
}

/** Runs `env` through a reader while recording which keys the reader looked at. */
function readRecorded<T>(env: Dict, readConfig: (r: EnvReader) => T): { config: T; problems: string[]; keysRead: Set<string> } {
  const keysRead = new Set<string>();
  const recorded = new Proxy(env as Record<string, string | undefined>, {
    get(target, key) {
      if (typeof key === 'string') keysRead.add(key);
      return typeof key === 'string' ? target[key] : undefined;
    },
  });
  const r = new EnvReader(recorded);
  const config = readConfig(r);
  return { config, problems: r.problems, keysRead };
}

function appContainer(app: string): { deployment: K8sObject & { spec: DeploymentSpec }; pod: PodSpec; container: Container } {
  const deployment = named<DeploymentSpec>('Deployment', app);
  if (!deployment) throw new Error(`no Deployment ${app} in the kustomization`);
  const pod = deployment.spec.template.spec;
  const container = pod.containers.find((c) => c.env?.some((e) => e.name === 'APP' && e.value === app));
  if (!container) throw new Error(`Deployment ${app} has no container with APP=${app}`);
  return { deployment, pod, container };
}

function resolvePort(c: Container, port: number | string | undefined): number | undefined {
  return typeof port === 'number' ? port : c.ports?.find((p) => p.name === port)?.containerPort;
}

const matches = (selector: Dict, labels: Dict | undefined) => Object.entries(selector).every(([k, v]) => labels?.[k] === v);

// ---- Kafka and Postgres facts used by several checks ----

interface TopicSpec {
  topicName?: string;
  partitions: number;
  replicas: number;
  config?: Record<string, string | number>;
}
const kafkaTopics = ofKind<TopicSpec>('KafkaTopic');
const topicByName = new Map(kafkaTopics.map((t) => [t.spec.topicName ?? t.metadata.name ?? '', t]));
const commonConfig = configMaps.get('d06-config') ?? {};

interface KafkaSpec {
  kafka: {
    version: string;
    listeners: { name: string; port: number; type: string; tls: boolean; networkPolicyPeers?: { podSelector?: { matchLabels?: Dict } }[] }[];
    config: Record<string, string | number | boolean>;
  };
}
const kafka = ofKind<KafkaSpec>('Kafka')[0];
const nodePools = ofKind<{ replicas: number; roles: string[] }>('KafkaNodePool').filter(
  (p) => p.metadata.labels?.['strimzi.io/cluster'] === kafka?.metadata.name,
);

describe('deploy/k8s agrees with the code', () => {
  it('given every YAML file under deploy/k8s, then each document parses and is a named object of namespace d06', () => {
    expect(parseErrors).toEqual([]);
    expect(loaded.length).toBeGreaterThan(30);
    for (const { file, object } of loaded.filter((l) => l.file !== 'kustomization.yaml')) {
      const where = `${file} ${object.kind}`;
      expect({ where, apiVersion: typeof object.apiVersion, kind: typeof object.kind }).toEqual({ where, apiVersion: 'string', kind: 'string' });
      expect({ where, name: Boolean(object.metadata?.name ?? object.metadata?.generateName) }).toEqual({ where, name: true });
      if (object.kind !== 'Namespace') expect({ where, namespace: object.metadata.namespace }).toEqual({ where, namespace: 'd06' });
    }
    expect(named('Namespace', 'd06')).toBeDefined();
    // Kubernetes refuses a ConfigMap whose values are not strings (an unquoted 24 or true).
    for (const { file, object } of loaded.filter((l) => l.object.kind === 'ConfigMap')) {
      const notStrings = Object.entries(object.data ?? {}).filter(([, v]) => typeof v !== 'string');
      expect({ file, notStrings }).toEqual({ file, notStrings: [] });
    }
  });

  it('given the kustomization, then it applies every manifest but the example secrets and the one-off Job, into d06', () => {
    expect(kustomization).toBeDefined();
    expect(kustomization.namespace).toBe('d06');
    const files = [...new Set(loaded.map((l) => l.file))].filter((f) => !NOT_APPLIED.includes(f)).sort();
    expect([...applied].sort()).toEqual(files);
  });

  it('given every pod template, then its image is the one deploy/docker builds, tagged, as the kustomization sets it', () => {
    expect(imageName).toBe('d06');
    const images = kustomization.images ?? [];
    expect(images.map((i) => i.name)).toEqual([imageName]);
    const containers = workloads.flatMap((w) => {
      const pod = podSpecOf(w.object) as PodSpec;
      return [...(pod.initContainers ?? []), ...pod.containers].map((c) => ({ where: `${w.file} ${c.name}`, image: c.image }));
    });
    expect(containers.length).toBeGreaterThanOrEqual(APPS.length * 2);
    for (const { where, image } of containers) {
      const [name, tag] = image.split(':');
      expect({ where, name, tagged: Boolean(tag) && tag !== 'latest' }).toEqual({ where, name: imageName, tagged: true });
      expect({ where, tag }).toEqual({ where, tag: images[0].newTag });
    }
  });

  it('given every pod template, then it runs non-root on a read-only root filesystem without capabilities or service links', () => {
    for (const w of workloads) {
      const pod = podSpecOf(w.object) as PodSpec;
      expect({ where: w.file, pod: pod.securityContext?.runAsNonRoot, user: (pod.securityContext?.runAsUser ?? 0) > 0 }).toEqual({
        where: w.file,
        pod: true,
        user: true,
      });
      expect({ where: w.file, serviceLinks: pod.enableServiceLinks, token: pod.automountServiceAccountToken }).toEqual({
        where: w.file,
        serviceLinks: false,
        token: false,
      });
      for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
        const sc = c.securityContext;
        expect({
          where: `${w.file} ${c.name}`,
          readOnly: sc?.readOnlyRootFilesystem,
          escalation: sc?.allowPrivilegeEscalation,
          drop: sc?.capabilities?.drop,
          memoryLimit: Boolean(c.resources?.limits?.['memory']),
          requests: Boolean(c.resources?.requests?.['cpu'] && c.resources?.requests?.['memory']),
        }).toEqual({ where: `${w.file} ${c.name}`, readOnly: true, escalation: false, drop: ['ALL'], memoryLimit: true, requests: true });
      }
    }
  });

  it.each(Object.entries(SERVICE_APPS))('given %s, then its env is a valid production config of that service, with nothing it does not read', (app, service) => {
    const { deployment, container } = appContainer(app);
    const { env, problems: refProblems } = containerEnv(container);
    expect(refProblems).toEqual([]);
    const { config, problems, keysRead } = readRecorded(env, (r) => readServiceConfig(r, service));
    expect(problems).toEqual([]);
    expect(config.nodeEnv).toBe('production');
    expect(config.httpHost).toBe('0.0.0.0');
    expect(config.httpPort).toBe(SERVICE_DEFAULT_PORTS[service]);
    expect(config.topicPrefix).toBe('');
    expect(config.instanceId).toBe('');
    const ignored = Object.keys(env).filter((k) => !keysRead.has(k) && !RUNTIME_KEYS.has(k) && !(k in imageEnv));
    expect(ignored).toEqual([]);
    expect(deployment.spec.replicas).toBeGreaterThanOrEqual(2);
  });

  it.each(['gateway', ...Object.keys(SERVICE_APPS)])('given %s, then NODE_OPTIONS carries its node flags of deploy/local/node-args.json', (app) => {
    const flags = JSON.parse(read('deploy/local/node-args.json')) as Record<string, unknown>;
    const wanted = Array.isArray(flags[app]) ? (flags[app] as string[]) : [];
    const given = String(appContainer(app).container.env?.find((e) => e.name === 'NODE_OPTIONS')?.value ?? '').split(/\s+/).filter(Boolean);
    expect(given.filter((f) => wanted.includes(f))).toEqual(wanted);
  });

  it('given the gateway, then its env passes the keys and bounds of gateway-config.ts, with the production secrets and nothing it does not read', () => {
    // The reader's source must still look as expected, or this check would silently check nothing.
    expect(gatewayCalls.map((c) => c.name)).toEqual(expect.arrayContaining(['GATEWAY_PORT', 'GATEWAY_CLIENTS_FILE', 'GATEWAY_DATABASE']));
    expect(gatewaySource).toContain('readCommonConfig(r)');

    const { deployment, pod, container } = appContainer('gateway');
    const { env, problems: refProblems } = containerEnv(container);
    expect(refProblems).toEqual([]);
    const common = readRecorded(env, (r) => readCommonConfig(r));
    const problems = [...common.problems, ...gatewayCalls.map((c) => checkGatewayCall(c, env[c.name])).filter(Boolean)];
    expect(problems).toEqual([]);
    expect(common.config.nodeEnv).toBe('production');
    for (const key of gatewayProductionKeys) expect({ key, set: Boolean(env[key]?.trim()) }).toEqual({ key, set: true });
    expect(gatewayProductionKeys).toContain('GATEWAY_JWT_SECRET');

    const keysRead = new Set([...common.keysRead, ...gatewayCalls.map((c) => c.name), 'HTTP_HOST']);
    const ignored = Object.keys(env).filter((k) => !keysRead.has(k) && !RUNTIME_KEYS.has(k) && !(k in imageEnv));
    expect(ignored).toEqual([]);
    expect(env['HTTP_HOST']).toBe('0.0.0.0');
    expect(Number(env['GATEWAY_PORT'] ?? GATEWAY_DEFAULT_PORT)).toBe(GATEWAY_DEFAULT_PORT);
    expect(deployment.spec.replicas).toBeGreaterThanOrEqual(2);

    // The clients file comes from a Secret mounted where GATEWAY_CLIENTS_FILE points, never the
    // image's deploy/local/clients.json (demo clients, refused in production).
    const clientsFile = env['GATEWAY_CLIENTS_FILE'] ?? '';
    expect(path.isAbsolute(clientsFile)).toBe(true);
    const mount = container.volumeMounts?.find((m) => path.dirname(clientsFile) === m.mountPath);
    const volume = pod.volumes?.find((v) => v.name === mount?.name);
    expect(volume?.secret?.secretName).toBeDefined();
    const secretName = volume?.secret?.secretName ?? '';
    const fileKey = volume?.secret?.items?.find((i) => i.path === path.basename(clientsFile))?.key ?? path.basename(clientsFile);
    expect(secretSource(secretName, fileKey)).toBe(SECRETS_FILE);
    const example = JSON.parse(exampleSecrets.get(secretName)?.[fileKey] ?? '{}') as { clients?: { demo?: boolean }[] };
    expect(example.clients?.length).toBeGreaterThan(0);
    expect(example.clients?.some((c) => c.demo)).toBe(false);
  });

  it.each(APPS)('given %s, then its container, probes, Service and metrics port are the config default that the image exposes', (app) => {
    const service = SERVICE_APPS[app];
    const port = service ? SERVICE_DEFAULT_PORTS[service] : GATEWAY_DEFAULT_PORT;
    expect(exposedPorts).toContain(port);
    const { deployment, container } = appContainer(app);
    expect(container.ports?.map((p) => p.containerPort)).toEqual([port]);
    for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe'] as const) {
      const get = container[probe]?.httpGet;
      expect({ probe, path: get?.path, port: resolvePort(container, get?.port) }).toEqual({ probe, path: '/health', port });
    }
    expect(Number(deployment.spec.template.metadata.annotations?.['prometheus.io/port'])).toBe(port);
    const svc = ofKind<{ selector: Dict; ports: ServicePort[] }>('Service').find((s) => matches(s.spec.selector, deployment.spec.template.metadata.labels));
    expect(svc).toBeDefined();
    expect(svc?.spec.ports.map((p) => [p.port, resolvePort(container, p.targetPort ?? p.port)])).toEqual([[port, port]]);
  });

  it.each(APPS)('given %s, then a PodDisruptionBudget and an HPA cover it, within the partitions that bound its parallelism', (app) => {
    const { deployment } = appContainer(app);
    const podLabels = deployment.spec.template.metadata.labels;
    expect(matches(deployment.spec.selector.matchLabels, podLabels)).toBe(true);
    const pdb = ofKind<{ selector: { matchLabels: Dict }; maxUnavailable?: number; minAvailable?: number }>('PodDisruptionBudget').find((p) =>
      matches(p.spec.selector.matchLabels, podLabels),
    );
    expect(pdb).toBeDefined();
    expect(pdb?.spec.maxUnavailable ?? 0).toBeLessThanOrEqual(1);
    const hpa = ofKind<{ scaleTargetRef: { kind: string; name: string }; minReplicas: number; maxReplicas: number }>('HorizontalPodAutoscaler').find(
      (h) => h.spec.scaleTargetRef.kind === 'Deployment' && h.spec.scaleTargetRef.name === app,
    );
    expect(hpa).toBeDefined();
    expect(hpa?.spec.minReplicas).toBeGreaterThanOrEqual(2);
    // A gateway replica without a partition of each reply topic never gets replies; a service
    // replica beyond its request topic's partitions takes no requests.
    const service = SERVICE_APPS[app];
    const bounding = service ? [`${service}.rpc`] : Object.values(SERVICE_APPS).map((s) => `${s}.rpc.reply`);
    for (const topic of bounding) expect(hpa?.spec.maxReplicas ?? Infinity).toBeLessThanOrEqual(topicByName.get(topic)?.spec.partitions ?? 0);
  });

  it('given allTopics(""), then each has a KafkaTopic with replication 3 and the partitions the apps are told; event topics keep forever', () => {
    const wanted = allTopics('');
    expect([...topicByName.keys()].sort()).toEqual(wanted.map((t) => t.topic).sort());
    const partitions = Number(commonConfig['D06_TOPIC_PARTITIONS']);
    for (const { topic, keepForever } of wanted) {
      const t = topicByName.get(topic);
      const retention = Number(t?.spec.config?.['retention.ms']);
      expect({
        topic,
        cluster: t?.metadata.labels?.['strimzi.io/cluster'],
        replicas: t?.spec.replicas,
        partitions: t?.spec.partitions,
        forever: retention === -1 && (!keepForever || Number(t?.spec.config?.['retention.bytes']) === -1),
        finite: retention > 0,
      }).toEqual({ topic, cluster: kafka?.metadata.name, replicas: 3, partitions, forever: keepForever, finite: !keepForever });
    }
    // The init container that keeps apps from creating topics themselves waits for exactly these.
    expect((configMaps.get('d06-wait-for-topics')?.['topics'] ?? '').split(/\s+/).filter(Boolean).sort()).toEqual(wanted.map((t) => t.topic).sort());
  });

  it('given Strimzi, then Kafka runs in KRaft on 3 brokers, replication 3, min ISR 2, no auto-created topics, the local version', () => {
    expect(kafka).toBeDefined();
    const brokers = nodePools.filter((p) => p.spec.roles.includes('broker')).reduce((n, p) => n + p.spec.replicas, 0);
    const controllers = nodePools.filter((p) => p.spec.roles.includes('controller')).reduce((n, p) => n + p.spec.replicas, 0);
    expect(brokers).toBe(3);
    expect(controllers % 2 === 1 && controllers >= 3).toBe(true);
    const config = kafka.spec.kafka.config;
    expect([config['default.replication.factor'], config['min.insync.replicas'], String(config['auto.create.topics.enable'])]).toEqual([3, 2, 'false']);
    expect(kafka.spec.kafka.version).toBe(localKafkaVersion);
    // The apps have no TLS or SASL settings: KAFKA_BROKERS must name a plain listener's bootstrap service.
    const [host, port] = (commonConfig['KAFKA_BROKERS'] ?? '').split(':');
    const listener = kafka.spec.kafka.listeners.find((l) => l.port === Number(port));
    expect(host.split('.')[0]).toBe(`${kafka.metadata.name}-kafka-bootstrap`);
    expect(listener?.tls).toBe(false);
    // That listener admits only the pods its networkPolicyPeers select: every d06 workload must be one.
    const peers = listener?.networkPolicyPeers ?? [];
    expect(peers.length).toBeGreaterThan(0);
    for (const w of workloads) {
      const labels = (w.object.kind === 'CronJob'
        ? (w.object.spec as { jobTemplate: { spec: { template: { metadata: Meta } } } }).jobTemplate.spec.template.metadata
        : (w.object.spec as { template: { metadata: Meta } }).template.metadata
      ).labels;
      expect({ where: w.file, admitted: peers.some((p) => matches(p.podSelector?.matchLabels ?? {}, labels)) }).toEqual({ where: w.file, admitted: true });
    }
  });

  it('given CloudNativePG, then Postgres runs 3 instances and creates every database the apps use, owned by the app role', () => {
    expect(cnpgClusters).toHaveLength(1);
    const cluster = cnpgClusters[0];
    expect(cluster.spec.instances).toBe(3);
    const owner = cluster.spec.bootstrap?.initdb?.owner;
    const databases = ofKind<{ name: string; owner: string; cluster: { name: string } }>('Database')
      .filter((d) => d.spec.cluster.name === cluster.metadata.name && d.spec.owner === owner)
      .map((d) => d.spec.name);
    const used = [
      ...Object.entries(SERVICE_APPS).map(([app, service]) => readServiceConfig(new EnvReader(containerEnv(appContainer(app).container).env), service).database),
      containerEnv(appContainer('gateway').container).env['GATEWAY_DATABASE'] ?? gatewayDefault('GATEWAY_DATABASE'),
    ];
    expect(used).toEqual(['d06_identity', 'd06_residence', 'd06_lodging', 'd06_gateway']);
    expect(databases.sort()).toEqual([...used].sort());
    // Every app reaches the server through the cluster's app secret.
    for (const app of APPS) {
      const ref = appContainer(app).container.env?.find((e) => e.name === 'DATABASE_URL')?.valueFrom?.secretKeyRef;
      expect({ app, ref }).toEqual({ app, ref: { name: `${cluster.metadata.name}-app`, key: 'uri' } });
    }
  });

  it('given every workload, then each ConfigMap and Secret it references is created by the kustomization, CNPG or the secrets example', () => {
    const problems: string[] = [];
    for (const w of workloads) {
      const pod = podSpecOf(w.object) as PodSpec;
      for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
        problems.push(...containerEnv(c).problems.map((p) => `${w.file} ${c.name}: ${p}`));
      }
      for (const v of pod.volumes ?? []) {
        if (v.configMap && !configMaps.has(v.configMap.name)) problems.push(`${w.file}: volume ConfigMap ${v.configMap.name} missing`);
        if (v.secret) {
          for (const key of (v.secret.items ?? []).map((i) => i.key)) {
            if (!secretSource(v.secret.secretName, key)) problems.push(`${w.file}: volume Secret ${v.secret.secretName} has no key ${key}`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });
});
