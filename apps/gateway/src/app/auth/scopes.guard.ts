import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ProblemException, problem } from '../common/problem';
import type { GatewayRequest } from '../common/gateway-request';
import { PUBLIC_METADATA, SCOPES_METADATA } from './scopes.decorator';
import type { Scope } from './scopes';

const REALM = 'realm="d06"';

/**
 * Last global guard: every route but the @Public ones needs a valid token (401 otherwise, with
 * an RFC 6750 WWW-Authenticate challenge) holding every scope the route names (403 otherwise).
 */
@Injectable()
export class ScopesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_METADATA, targets)) return true;
    const req = context.switchToHttp().getRequest<GatewayRequest>();
    const principal = req.principal;
    if (!principal) {
      if (req.authFailure) {
        throw new ProblemException(problem(401, 'INVALID_TOKEN', req.authFailure), {
          'WWW-Authenticate': `Bearer ${REALM}, error="invalid_token", error_description="${req.authFailure}"`,
        });
      }
      throw new ProblemException(problem(401, 'UNAUTHORIZED', 'This endpoint needs an access token: Authorization: Bearer <token> (POST /api/v1/auth/token).'), {
        'WWW-Authenticate': `Bearer ${REALM}`,
      });
    }
    const required = this.reflector.getAllAndOverride<Scope[] | undefined>(SCOPES_METADATA, targets) ?? [];
    const missing = required.filter((s) => !principal.scopes.has(s));
    if (missing.length > 0) {
      throw new ProblemException(problem(403, 'INSUFFICIENT_SCOPE', `The access token lacks the scope ${missing.join(' ')}.`), {
        'WWW-Authenticate': `Bearer ${REALM}, error="insufficient_scope", scope="${required.join(' ')}"`,
      });
    }
    return true;
  }
}
