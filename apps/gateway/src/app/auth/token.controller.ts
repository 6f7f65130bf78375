import { Body, Controller, Headers, HttpCode, Inject, Post, Res } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiConsumes, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CLIENT_REGISTRY } from '../gateway.tokens';
import { ApiProblemResponses, CORRELATION_HEADER_DOC } from '../common/api-docs';
import { ProblemException, problem } from '../common/problem';
import type { ClientRegistry } from './client-registry.service';
import { Public } from './scopes.decorator';
import { isScope, type Scope } from './scopes';
import { TokenService } from './token.service';
import { TOKEN_REQUEST_EXAMPLE, TokenRequestDto, TokenResponseDto } from './token.dto';

const MAX_PARAM_LENGTH = 512;

function oauthError(status: 400 | 401, error: string, detail: string): ProblemException {
  const code = error.toUpperCase();
  return new ProblemException(
    { ...problem(status, code, detail), error },
    status === 401 ? { 'WWW-Authenticate': 'Basic realm="d06"', 'Cache-Control': 'no-store' } : { 'Cache-Control': 'no-store' },
  );
}

function param(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length > MAX_PARAM_LENGTH) throw oauthError(400, 'invalid_request', `${name} must be a string of at most ${MAX_PARAM_LENGTH} characters.`);
  return value;
}

/** RFC 6749 §2.3.1: `Basic base64(urlencode(client_id) ":" urlencode(client_secret))`. */
function basicCredentials(header: string | undefined): { clientId: string; secret: string } | undefined {
  const m = header ? /^Basic ([A-Za-z0-9+/]+=*)$/i.exec(header) : null;
  if (!m) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  try {
    return { clientId: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
  } catch {
    return undefined;
  }
}

/** OAuth 2.0 client credentials grant (CONTRACT.md §2.1). */
@ApiTags('auth')
@ApiHeader(CORRELATION_HEADER_DOC)
@Controller('auth')
export class TokenController {
  constructor(
    private readonly tokens: TokenService,
    @Inject(CLIENT_REGISTRY) private readonly clients: ClientRegistry,
  ) {}

  @Post('token')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Get an access token (client credentials)', description: 'JSON or form body; credentials in the body or as HTTP Basic. No token needed.' })
  @ApiConsumes('application/json', 'application/x-www-form-urlencoded')
  @ApiBody({ type: TokenRequestDto, examples: { portal: { summary: 'Local demo client', value: TOKEN_REQUEST_EXAMPLE } } })
  @ApiOkResponse({ type: TokenResponseDto, description: 'A short-lived bearer token (JWT).' })
  @ApiProblemResponses(400, 401, 413, 415, 429)
  async token(@Body() raw: Record<string, unknown> | undefined, @Headers('authorization') authorization: string | undefined, @Res({ passthrough: true }) res: Response): Promise<TokenResponseDto> {
    const body = raw ?? {};
    const grantType = param(body, 'grant_type');
    const bodyId = param(body, 'client_id');
    const bodySecret = param(body, 'client_secret');
    const requestedScope = param(body, 'scope');
    if (grantType === undefined) throw oauthError(400, 'invalid_request', 'grant_type is required.');
    if (grantType !== 'client_credentials') throw oauthError(400, 'unsupported_grant_type', 'Only grant_type=client_credentials is supported.');
    const basic = basicCredentials(authorization);
    if (basic && (bodyId !== undefined || bodySecret !== undefined)) throw oauthError(400, 'invalid_request', 'Send the client credentials either in the body or as HTTP Basic, not both.');
    const clientId = basic?.clientId ?? bodyId;
    const secret = basic?.secret ?? bodySecret;
    if (!clientId || !secret) throw oauthError(401, 'invalid_client', 'Client authentication failed.');

    const client = await this.clients.authenticate(clientId, secret);
    if (!client) throw oauthError(401, 'invalid_client', 'Client authentication failed.');

    let scopes: Scope[] | undefined;
    if (requestedScope !== undefined && requestedScope.trim() !== '') {
      const asked = [...new Set(requestedScope.trim().split(/ +/))];
      if (!asked.every((s): s is Scope => isScope(s) && client.scopes.includes(s))) throw oauthError(400, 'invalid_scope', 'The requested scope is unknown or not granted to this client.');
      scopes = asked;
    }
    const issued = await this.tokens.issue(client, scopes);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Pragma', 'no-cache');
    return { access_token: issued.accessToken, token_type: 'Bearer', expires_in: issued.expiresIn, scope: issued.scopes.join(' ') };
  }
}
