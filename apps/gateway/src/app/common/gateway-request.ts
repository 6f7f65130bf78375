import type { Request } from 'express';
import type { Principal } from '../auth/token.service';

/** The Express request as the gateway's guards leave it. */
export interface GatewayRequest extends Request {
  /** Set by TokenAuthGuard when a valid bearer token came with the request. */
  principal?: Principal;
  /** Why a presented bearer token was refused (the request then counts as anonymous). */
  authFailure?: string;
}
