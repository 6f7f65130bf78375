import { Injectable, type ExecutionContext } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerLimitDetail } from '@nestjs/throttler';
import { ProblemException, problem } from '../common/problem';
import type { GatewayRequest } from '../common/gateway-request';

/** The throttler's name; with 'default' the guard's own header is plain `Retry-After`. */
export const RATE_LIMIT_THROTTLER = 'default';

/** Whose budget a request spends: the client's when the token is valid, else the caller IP's. */
export function rateLimitTracker(req: GatewayRequest): string {
  return req.principal ? `client:${req.principal.clientId}` : `ip:${req.ip ?? 'unknown'}`;
}

/**
 * Per-client rate limits (@nestjs/throttler). One budget per client across all routes (the
 * library's default key is per route); 429 as problem+json with Retry-After.
 */
@Injectable()
export class ClientThrottlerGuard extends ThrottlerGuard {
  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    return rateLimitTracker(req as unknown as GatewayRequest);
  }

  protected override generateKey(_context: ExecutionContext, tracker: string, throttlerName: string): string {
    return `${throttlerName}:${tracker}`;
  }

  protected override async throwThrottlingException(_context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    const retryAfter = Math.max(1, detail.timeToBlockExpire || detail.timeToExpire);
    throw new ProblemException(problem(429, 'RATE_LIMITED', `Rate limit of ${detail.limit} requests per minute exceeded; retry after ${retryAfter} s.`), {
      'Retry-After': String(retryAfter),
    });
  }
}
