import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { APP_CONFIG, CLOCK, ID_GENERATOR, type Clock, type IdGenerator } from '@d06/platform';
import type { GatewayConfig } from '../gateway-config';
import { CLIENT_REGISTRY } from '../gateway.tokens';
import type { ClientRecord, ClientRegistry } from './client-registry.service';
import { isScope, type Scope } from './scopes';

/** Who is calling, as proven by a verified access token. */
export interface Principal {
  clientId: string;
  scopes: ReadonlySet<Scope>;
  tokenId: string;
}

export interface IssuedToken {
  accessToken: string;
  expiresIn: number;
  scopes: Scope[];
}

/** Why a presented token was refused; becomes the RFC 6750 error_description. */
export class InvalidTokenError extends Error {}

const ALGORITHM = 'HS256';
// Allows for small clock differences between gateway instances.
const CLOCK_TOLERANCE_SECONDS = 5;
// Tokens whose signature and claims were checked, by their exact text. A client sends the same
// token for its whole lifetime (15 min), and jose's WebCrypto HMAC check per request was ~7 % of
// the gateway's CPU under load. Bounded: the oldest entries go first.
const VERIFIED_CACHE_SIZE = 10_000;

interface VerifiedToken {
  sub: unknown;
  scope: unknown;
  jti: unknown;
  expMs: number;
}

/** Issues and verifies the short-lived HS256 access tokens (RFC 9068-style claims). */
@Injectable()
export class TokenService implements OnModuleInit {
  private readonly key: Uint8Array;
  private readonly logger = new Logger('TokenService');
  private readonly verified = new Map<string, VerifiedToken>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: GatewayConfig,
    @Inject(CLIENT_REGISTRY) private readonly clients: ClientRegistry,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {
    this.key = new TextEncoder().encode(config.jwtSecret);
  }

  onModuleInit() {
    if (this.config.jwtSecretGenerated) {
      this.logger.warn('GATEWAY_JWT_SECRET is not set: signing tokens with a random key made at start; tokens do not survive a restart or work across instances');
    }
  }

  async issue(client: ClientRecord, requested?: readonly Scope[]): Promise<IssuedToken> {
    const scopes: Scope[] = requested ? [...requested] : [...client.scopes];
    const nowSeconds = Math.floor(this.clock.now().getTime() / 1000);
    const accessToken = await new SignJWT({ scope: scopes.join(' '), client_id: client.clientId })
      .setProtectedHeader({ alg: ALGORITHM, typ: 'at+jwt' })
      .setSubject(client.clientId)
      .setIssuer(this.config.jwtIssuer)
      .setAudience(this.config.jwtAudience)
      .setJti(this.ids.next())
      .setIssuedAt(nowSeconds)
      .setExpirationTime(nowSeconds + this.config.tokenTtlSeconds)
      .sign(this.key);
    return { accessToken, expiresIn: this.config.tokenTtlSeconds, scopes };
  }

  /**
   * The principal of a valid token. Scopes are cut down to what the client holds now, so a
   * client's scope removed from the clients file stops working at the next restart, not at expiry.
   */
  async verify(token: string): Promise<Principal> {
    const payload = this.verified.get(token) ?? (await this.verifySignature(token));
    // Expiry is checked on every use, cached or not (the same tolerance jose applies).
    if (this.clock.now().getTime() >= payload.expMs + CLOCK_TOLERANCE_SECONDS * 1000) {
      this.verified.delete(token);
      throw new InvalidTokenError('The access token has expired.');
    }
    const client = typeof payload.sub === 'string' ? this.clients.get(payload.sub) : undefined;
    if (!client) throw new InvalidTokenError('The access token names an unknown client.');
    const claimed = typeof payload.scope === 'string' ? payload.scope.split(' ').filter(isScope) : [];
    const held = new Set(client.scopes);
    return { clientId: client.clientId, scopes: new Set(claimed.filter((s) => held.has(s))), tokenId: String(payload.jti) };
  }

  private async verifySignature(token: string): Promise<VerifiedToken> {
    let payload;
    try {
      ({ payload } = await jwtVerify(token, this.key, {
        algorithms: [ALGORITHM],
        issuer: this.config.jwtIssuer,
        audience: this.config.jwtAudience,
        requiredClaims: ['sub', 'exp', 'iat', 'jti'],
        currentDate: this.clock.now(),
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
      }));
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) throw new InvalidTokenError('The access token has expired.');
      throw new InvalidTokenError('The access token is not valid.');
    }
    const verified: VerifiedToken = { sub: payload.sub, scope: payload['scope'], jti: payload.jti, expMs: Number(payload.exp) * 1000 };
    if (this.verified.size >= VERIFIED_CACHE_SIZE) this.verified.delete(this.verified.keys().next().value as string);
    this.verified.set(token, verified);
    return verified;
  }
}
