import { ValidationPipe, type ValidationError } from '@nestjs/common';
import type { FieldError } from '@d06/contracts';
import { ProblemException, problem } from './problem';

const MAX_ERRORS = 50;
const MAX_FIELD_LENGTH = 200;

function join(parent: string, property: string): string {
  if (/^\d+$/.test(property)) return `${parent}[${property}]`;
  return parent ? `${parent}.${property}` : property;
}

/** class-validator's error tree as CONTRACT.md's flat `errors: [{field, message}]`, e.g. `guests[2].personalId`. */
export function flattenValidationErrors(errors: ValidationError[], parent = '', out: FieldError[] = []): FieldError[] {
  for (const error of errors) {
    if (out.length >= MAX_ERRORS) break;
    // A hostile body may carry very long keys: keep the echo short.
    const field = join(parent, error.property).slice(0, MAX_FIELD_LENGTH);
    for (const message of Object.values(error.constraints ?? {})) {
      if (out.length >= MAX_ERRORS) break;
      out.push({ field, message: message.slice(0, 500) });
    }
    if (error.children?.length) flattenValidationErrors(error.children, field, out);
  }
  return out;
}

export function validationProblem(errors: FieldError[], detail = 'The request has invalid fields.'): ProblemException {
  return new ProblemException(problem(400, 'VALIDATION_FAILED', detail, errors));
}

/** The global pipe: DTO shape, unknown properties refused, 400 problem with field errors. */
export function gatewayValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => validationProblem(flattenValidationErrors(errors)),
  });
}
