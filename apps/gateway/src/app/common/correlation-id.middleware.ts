import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

export const CORRELATION_HEADER = 'x-correlation-id';
// Printable ASCII without spaces, bounded: the id travels into Kafka headers and event metadata.
const VALID = /^[\x21-\x7e]{1,128}$/;

/** Accepts the caller's X-Correlation-Id (or makes one), echoes it, and keeps it on the request. */
export function correlationIdMiddleware(req: Request, res: Response, next: NextFunction): void {
  const given = req.headers[CORRELATION_HEADER];
  const id = typeof given === 'string' && VALID.test(given) ? given : randomUUID();
  req.headers[CORRELATION_HEADER] = id;
  res.setHeader('X-Correlation-Id', id);
  next();
}

export function correlationIdOf(req: Request): string {
  return String(req.headers[CORRELATION_HEADER]);
}
