import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';

type Middleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

/** What a middleware did to a response's headers, in order. */
export type HeaderOp = readonly ['set', string, string] | readonly ['remove', string];

/** Runs a header-only middleware once against a recording response and returns what it did. */
export function recordHeaderOps(middleware: Middleware): HeaderOp[] {
  const ops: HeaderOp[] = [];
  const res = {
    setHeader: (name: string, value: unknown) => void ops.push(['set', name, String(value)]),
    removeHeader: (name: string) => void ops.push(['remove', name]),
  } as unknown as ServerResponse;
  let finished = false;
  middleware({ headers: {} } as IncomingMessage, res, (err?: unknown) => {
    if (err) throw err;
    finished = true;
  });
  if (!finished) throw new Error('the security headers middleware did not finish synchronously');
  return ops;
}

/**
 * helmet()'s headers, worked out once at start. With the default options none of them depends on
 * the request, and running helmet's twelve middlewares on every request cost about 5 % of the
 * gateway's CPU under load.
 */
export function securityHeadersMiddleware(): Middleware {
  const ops = recordHeaderOps(helmet() as unknown as Middleware);
  return (_req, res, next) => {
    for (const op of ops) {
      if (op[0] === 'set') res.setHeader(op[1], op[2]);
      else res.removeHeader(op[1]);
    }
    next();
  };
}
