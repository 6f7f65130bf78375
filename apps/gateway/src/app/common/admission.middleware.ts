import type { NextFunction, Request, Response } from 'express';
import { Counter, Gauge, type Registry } from 'prom-client';
import { isProbe } from '@d06/platform';
import { PROBLEM_CONTENT_TYPE, problem } from './problem';
import { problemForRequest } from './problem.filter';

/** Seconds an overloaded gateway asks a client to wait. */
export const OVERLOAD_RETRY_AFTER_SECONDS = 1;

/**
 * At most `limit` requests at once per gateway instance; the next one gets 503 OVERLOADED with
 * Retry-After at once, before its body is read or anything is done for it. Without a limit an
 * overloaded gateway queued everything: memory grew with the queue (353 MiB in the mixed load's
 * overloaded steps) and clients waited out their own timeouts instead of backing off. Health
 * checks and metrics scrapes are never refused, so an overloaded instance stays visible.
 */
export function admissionMiddleware(limit: number, registry: Registry) {
  let inFlight = 0;
  new Gauge({ name: 'gateway_http_in_flight', help: 'HTTP requests the gateway is working on', registers: [registry], collect() { this.set(inFlight); } });
  const refused = new Counter({ name: 'gateway_overload_refusals_total', help: 'Requests answered 503 OVERLOADED because the gateway was at GATEWAY_MAX_IN_FLIGHT', registers: [registry] });
  return (req: Request, res: Response, next: NextFunction): void => {
    if (isProbe(req)) return next();
    if (inFlight >= limit) {
      refused.inc();
      const body = problemForRequest(problem(503, 'OVERLOADED', 'The gateway is at its limit of requests in progress; retry later.'), req);
      res.status(503).setHeader('Retry-After', String(OVERLOAD_RETRY_AFTER_SECONDS));
      res.type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
      return;
    }
    inFlight++;
    let done = false;
    const release = () => {
      if (done) return;
      done = true;
      inFlight--;
    };
    res.once('finish', release);
    res.once('close', release);
    next();
  };
}
