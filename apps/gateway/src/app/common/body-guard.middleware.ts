import type { NextFunction, Request, Response } from 'express';
import { ProblemException, problem } from './problem';

/** Deeper than any body of CONTRACT.md §2 (a notice's guest's field is at depth 3). */
export const MAX_BODY_DEPTH = 16;
/** Keys that would reach object prototypes when a body is copied into a class instance. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** The first structural problem of a parsed JSON body, walking it without recursion. */
export function structuralProblem(body: unknown): { field: string; message: string } | undefined {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: body, path: '', depth: 0 }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const { value, path, depth } = item;
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_BODY_DEPTH) return { field: path || '(body)', message: `The body is nested deeper than ${MAX_BODY_DEPTH} levels.` };
    if (Array.isArray(value)) {
      value.forEach((item, i) => stack.push({ value: item, path: `${path}[${i}]`, depth: depth + 1 }));
      continue;
    }
    for (const key of Object.keys(value)) {
      const field = path ? `${path}.${key}` : key;
      if (FORBIDDEN_KEYS.has(key)) return { field: field.slice(0, 200), message: `The property name "${key}" is not allowed.` };
      stack.push({ value: (value as Record<string, unknown>)[key], path: field.slice(0, 200), depth: depth + 1 });
    }
  }
  return undefined;
}

/**
 * Runs after the body parsers, before anything copies the body: a body must be JSON (or a form
 * on the token endpoint, as OAuth allows), a JSON object at the top, not absurdly deep, and free
 * of prototype keys. Each failure is a 4xx problem, never a 5xx further in.
 */
export function bodyGuard(formPaths: readonly string[]) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (!hasBody(req)) return next();
    const path = req.path;
    const isForm = Boolean(req.is('application/x-www-form-urlencoded'));
    const isJson = Boolean(req.is(['application/json', 'application/*+json']));
    if (!isJson && !(isForm && formPaths.includes(path))) {
      return next(new ProblemException(problem(415, 'UNSUPPORTED_MEDIA_TYPE', formPaths.includes(path) ? 'Send the body as application/json or application/x-www-form-urlencoded.' : 'Send the body as application/json.')));
    }
    if (isJson) {
      const body: unknown = req.body;
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        return next(new ProblemException(problem(400, 'VALIDATION_FAILED', 'The body must be a JSON object.')));
      }
      const found = structuralProblem(body);
      if (found) return next(new ProblemException(problem(400, 'VALIDATION_FAILED', found.message, [found])));
    }
    next();
  };
}

interface BodyParserError {
  type?: unknown;
  status?: unknown;
}

/** body-parser's failures as problems (Nest would otherwise turn a JSON SyntaxError into a bare 400 carrying the parser's message). */
export function bodyParserProblem(err: unknown): ProblemException | undefined {
  const e = err as BodyParserError | null;
  if (!e || typeof e !== 'object' || typeof e.type !== 'string' || typeof e.status !== 'number') return undefined;
  switch (e.type) {
    case 'entity.too.large':
      return new ProblemException(problem(413, 'PAYLOAD_TOO_LARGE', 'The request body is larger than 1 MiB.'));
    case 'entity.parse.failed':
      return new ProblemException(problem(400, 'MALFORMED_JSON', 'The request body is not valid JSON.'));
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return new ProblemException(problem(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the body as UTF-8 JSON, without an unsupported content encoding.'));
    case 'parameters.too.many':
      return new ProblemException(problem(413, 'PAYLOAD_TOO_LARGE', 'The form has too many parameters.'));
    default:
      return e.status >= 400 && e.status < 500 ? new ProblemException(problem(e.status, 'BAD_REQUEST_BODY', 'The request body could not be read.')) : undefined;
  }
}

/**
 * Express error middleware placed right after the body parsers: whatever they refuse with a 4xx
 * (a corrupt gzip or brotli stream carries a status but no type) is the client's problem.
 */
export function bodyParserErrors(err: unknown, _req: Request, _res: Response, next: NextFunction): void {
  const status = (err as BodyParserError | null)?.status;
  const clientError = typeof status === 'number' && status >= 400 && status < 500;
  next(bodyParserProblem(err) ?? (clientError ? new ProblemException(problem(400, 'BAD_REQUEST_BODY', 'The request body could not be read.')) : err));
}
