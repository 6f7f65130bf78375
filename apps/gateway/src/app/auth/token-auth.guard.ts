import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { GatewayRequest } from '../common/gateway-request';
import { PUBLIC_METADATA } from './scopes.decorator';
import { InvalidTokenError, TokenService } from './token.service';

const BEARER = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i;

/**
 * First global guard: verifies the bearer token and attaches the principal. It never refuses by
 * itself, so the rate limiter that runs next can count refused callers by IP; ScopesGuard turns
 * a missing or bad token into 401.
 */
@Injectable()
export class TokenAuthGuard implements CanActivate {
  constructor(
    private readonly tokens: TokenService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_METADATA, [context.getHandler(), context.getClass()])) return true;
    const req = context.switchToHttp().getRequest<GatewayRequest>();
    const header = req.headers.authorization;
    if (header === undefined) return true;
    const match = BEARER.exec(header);
    if (!match) {
      req.authFailure = 'The Authorization header must be "Bearer <access token>".';
      return true;
    }
    try {
      req.principal = await this.tokens.verify(match[1]);
    } catch (err) {
      if (!(err instanceof InvalidTokenError)) throw err;
      req.authFailure = err.message;
    }
    return true;
  }
}
