import type { FieldError } from '@d06/contracts';

/** RFC 9457 problem details, the body of every error the gateway returns. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  code?: string;
  correlationId?: string;
  errors?: FieldError[];
  /** OAuth 2.0 error code (RFC 6749 §5.2), on the token endpoint's errors only. */
  error?: string;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function titleOf(status: number): string {
  return TITLES[status] ?? (status >= 500 ? 'Server Error' : 'Client Error');
}

/** `type` URIs name the problem kind; they resolve to the error catalogue in the API docs. */
export function problemType(code: string): string {
  return `https://d06.gov.vn/problems/${code.toLowerCase().replace(/_/g, '-')}`;
}

export function problem(status: number, code: string, detail: string, errors?: FieldError[]): Problem {
  return { type: problemType(code), title: titleOf(status), status, detail, code, ...(errors?.length ? { errors } : {}) };
}

/** Thrown by controllers and guards to answer with a given problem (refusals, validation). */
export class ProblemException extends Error {
  constructor(
    readonly problem: Problem,
    readonly headers: Record<string, string> = {},
  ) {
    super(problem.detail);
  }
}
