import { decodeJwt, decodeProtectedHeader } from 'jose';
import { ManualClock } from '@d06/testing';
import { loadGatewayConfig } from '../gateway-config';
import { testClientRegistry } from '../../testing/test-clients';
import { InvalidTokenError, TokenService } from './token.service';
import type { ClientRegistry } from './client-registry.service';

const config = loadGatewayConfig({ GATEWAY_JWT_SECRET: 'unit-test-signing-key-0123456789abcdef', NODE_ENV: 'test' });
let n = 0;
const ids = { next: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}` };

describe('TokenService', () => {
  let registry: ClientRegistry;
  let clock: ManualClock;
  let tokens: TokenService;
  beforeAll(async () => {
    registry = await testClientRegistry();
  });
  beforeEach(() => {
    clock = new ManualClock('2026-03-02T02:00:00Z');
    tokens = new TokenService(config, registry, clock, ids);
  });

  it('given a client, when a token is issued, then it is an HS256 JWT with sub, scope, jti, iat, exp (15 min), iss and aud', async () => {
    const issued = await tokens.issue(registry.get('portal')!);
    const claims = decodeJwt(issued.accessToken);
    expect(decodeProtectedHeader(issued.accessToken).alg).toBe('HS256');
    expect(claims).toMatchObject({ sub: 'portal', iss: 'd06-gateway', aud: 'd06-api', scope: 'residence:submit residence:read lodging:submit lodging:read identity:verify' });
    expect(claims.exp! - claims.iat!).toBe(900);
    expect(claims.jti).toMatch(/^00000000-/);
    expect(issued.expiresIn).toBe(900);
  });

  it('given a fresh token, when verified, then the principal carries the client and its scopes', async () => {
    const { accessToken } = await tokens.issue(registry.get('officer')!);
    const principal = await tokens.verify(accessToken);
    expect(principal.clientId).toBe('officer');
    expect([...principal.scopes]).toContain('identity:write');
  });

  it('given a token asked for fewer scopes, when verified, then only those are held', async () => {
    const { accessToken } = await tokens.issue(registry.get('officer')!, ['identity:read']);
    expect([...(await tokens.verify(accessToken)).scopes]).toEqual(['identity:read']);
  });

  it('given a token, when 15 minutes and 6 seconds pass, then it is refused as expired', async () => {
    const { accessToken } = await tokens.issue(registry.get('portal')!);
    clock.advance(15 * 60_000 + 6000);
    await expect(tokens.verify(accessToken)).rejects.toThrow(new InvalidTokenError('The access token has expired.'));
  });

  it('given a token already verified (and remembered), when used past its expiry, then it is refused as expired', async () => {
    const { accessToken } = await tokens.issue(registry.get('portal')!);
    await expect(tokens.verify(accessToken)).resolves.toMatchObject({ clientId: 'portal' });
    clock.advance(15 * 60_000 + 4000);
    await expect(tokens.verify(accessToken)).resolves.toMatchObject({ clientId: 'portal' });
    clock.advance(1000);
    await expect(tokens.verify(accessToken)).rejects.toThrow(new InvalidTokenError('The access token has expired.'));
  });

  it('given a token already verified, when a copy with an altered payload but the same signature comes, then it is refused', async () => {
    const { accessToken } = await tokens.issue(registry.get('portal')!);
    await tokens.verify(accessToken);
    const [h, , s] = accessToken.split('.');
    const forged = Buffer.from(JSON.stringify({ ...decodeJwt(accessToken), scope: 'audit:read' })).toString('base64url');
    await expect(tokens.verify(`${h}.${forged}.${s}`)).rejects.toThrow('The access token is not valid.');
  });

  it('given a token whose payload was altered, when verified, then it is refused', async () => {
    const { accessToken } = await tokens.issue(registry.get('portal')!);
    const [h, , s] = accessToken.split('.');
    const forged = Buffer.from(JSON.stringify({ ...decodeJwt(accessToken), scope: 'audit:read' })).toString('base64url');
    await expect(tokens.verify(`${h}.${forged}.${s}`)).rejects.toThrow(InvalidTokenError);
  });

  it('given an unsigned token (alg none), when verified, then it is refused', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const body = Buffer.from(JSON.stringify({ sub: 'admin', scope: 'audit:read', iss: 'd06-gateway', aud: 'd06-api', exp: 4102444800, iat: 1, jti: 'x' })).toString('base64url');
    await expect(tokens.verify(`${header}.${body}.`)).rejects.toThrow(InvalidTokenError);
  });

  it('given a token signed by another gateway key, when verified, then it is refused', async () => {
    const other = new TokenService(loadGatewayConfig({ GATEWAY_JWT_SECRET: 'another-signing-key-0123456789abcdefgh' }), registry, clock, ids);
    const { accessToken } = await other.issue(registry.get('portal')!);
    await expect(tokens.verify(accessToken)).rejects.toThrow('The access token is not valid.');
  });

  it('given a token of a client no longer configured, when verified, then it is refused', async () => {
    const { accessToken } = await tokens.issue(registry.get('portal')!);
    const fewer = new TokenService(config, await testClientRegistry([{ clientId: 'officer', scopes: ['identity:read'] }]), clock, ids);
    await expect(fewer.verify(accessToken)).rejects.toThrow('unknown client');
  });
});
