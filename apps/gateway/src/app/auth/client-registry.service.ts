import { readFileSync } from 'node:fs';
import { ConfigError, type CommonConfig } from '@d06/platform';
import { DEFAULT_SCRYPT_PARAMS, parseSecretHash, verifySecret, type ParsedSecretHash } from './secret-hash';
import { isScope, isShareableField, type Scope, type ShareableField } from './scopes';

/** An OAuth client of the gateway, as configured in GATEWAY_CLIENTS_FILE. */
export interface ClientRecord {
  clientId: string;
  secretHash: ParsedSecretHash;
  scopes: readonly Scope[];
  /** Sharing policy: the citizen fields this agency may read (clients with sharing:read). */
  fields?: readonly ShareableField[];
  rateLimitPerMinute?: number;
  /** Shipped for local use only; refused in production. */
  demo: boolean;
}

const CLIENT_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses and checks a clients document; every problem is listed in one ConfigError. */
export function parseClients(document: unknown, source: string, nodeEnv: CommonConfig['nodeEnv']): ClientRecord[] {
  const problems: string[] = [];
  const where = (i: number, id?: unknown) => `${source}: clients[${i}]${typeof id === 'string' ? ` (${id})` : ''}`;
  if (!isRecord(document) || !Array.isArray(document['clients'])) {
    throw new ConfigError([`${source}: expected {"clients": [...]}`]);
  }
  const fileIsDemo = document['demo'] === true;
  const seen = new Set<string>();
  const clients: ClientRecord[] = [];
  document['clients'].forEach((raw: unknown, i: number) => {
    if (!isRecord(raw)) {
      problems.push(`${where(i)} must be an object`);
      return;
    }
    const { clientId, secretHash, scopes, fields, rateLimitPerMinute, demo } = raw;
    const at = where(i, clientId);
    if (typeof clientId !== 'string' || !CLIENT_ID.test(clientId)) problems.push(`${at}: clientId must be 1-64 letters, digits, '.', '_' or '-'`);
    else if (seen.has(clientId)) problems.push(`${at}: clientId appears twice`);
    else seen.add(clientId);
    const parsedHash = typeof secretHash === 'string' ? parseSecretHash(secretHash) : undefined;
    if (!parsedHash) problems.push(`${at}: secretHash must be "scrypt$N$r$p$salt$hash" (base64url salt and hash)`);
    if (!Array.isArray(scopes) || scopes.length === 0 || !scopes.every(isScope)) problems.push(`${at}: scopes must be a non-empty list of known scopes`);
    const scopeList = Array.isArray(scopes) ? scopes.filter(isScope) : [];
    if (fields !== undefined && (!Array.isArray(fields) || !fields.every(isShareableField))) {
      problems.push(`${at}: fields must list citizen fields (personalId, fullName, dateOfBirth, gender, status, permanentAddress, temporaryAddress)`);
    }
    if (scopeList.includes('sharing:read') && !Array.isArray(fields)) problems.push(`${at}: a client with sharing:read needs a "fields" sharing policy`);
    if (rateLimitPerMinute !== undefined && !(Number.isInteger(rateLimitPerMinute) && (rateLimitPerMinute as number) > 0)) {
      problems.push(`${at}: rateLimitPerMinute must be a positive integer`);
    }
    const isDemo = fileIsDemo || demo === true;
    if (isDemo && nodeEnv === 'production') {
      problems.push(`${at}: demo client refused when NODE_ENV=production; configure real clients in GATEWAY_CLIENTS_FILE`);
    }
    if (typeof clientId === 'string' && parsedHash) {
      clients.push({
        clientId,
        secretHash: parsedHash,
        scopes: scopeList,
        ...(Array.isArray(fields) ? { fields: fields.filter(isShareableField) } : {}),
        ...(typeof rateLimitPerMinute === 'number' ? { rateLimitPerMinute } : {}),
        demo: isDemo,
      });
    }
  });
  if (problems.length > 0) throw new ConfigError(problems);
  return clients;
}

/**
 * The configured OAuth clients. Secrets are checked in constant time, and an unknown client id
 * costs the same scrypt work as a known one, so timing does not tell which ids exist.
 */
export class ClientRegistry {
  private readonly byId: ReadonlyMap<string, ClientRecord>;
  private readonly decoy: ParsedSecretHash = { params: DEFAULT_SCRYPT_PARAMS, salt: Buffer.alloc(16, 7), hash: Buffer.alloc(32) };

  constructor(clients: readonly ClientRecord[]) {
    this.byId = new Map(clients.map((c) => [c.clientId, c]));
  }

  static fromFile(file: string | undefined, setting: string, nodeEnv: CommonConfig['nodeEnv']): ClientRegistry {
    if (!file) throw new ConfigError([`GATEWAY_CLIENTS_FILE: "${setting}" not found (looked from the working directory and the gateway's directory upwards)`]);
    let document: unknown;
    try {
      document = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new ConfigError([`GATEWAY_CLIENTS_FILE: cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`]);
    }
    return new ClientRegistry(parseClients(document, file, nodeEnv));
  }

  get size(): number {
    return this.byId.size;
  }

  get(clientId: string): ClientRecord | undefined {
    return this.byId.get(clientId);
  }

  all(): ClientRecord[] {
    return [...this.byId.values()];
  }

  /** The client when the secret is right, else undefined. */
  async authenticate(clientId: string, secret: string): Promise<ClientRecord | undefined> {
    const client = this.byId.get(clientId);
    const ok = await verifySecret(secret, client?.secretHash ?? this.decoy);
    return client && ok ? client : undefined;
  }
}
