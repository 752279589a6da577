import { Ajv, type ValidateFunction } from 'ajv';
import { AppError } from '../errors/app-error.ts';
import { ajvProblems } from './ajv-problems.ts';
import { addFieldFormats } from './field-formats.ts';

const ajv = addFieldFormats(new Ajv({ allErrors: true, strict: true }));

/**
 * Compiles a request-body schema on its first use (dozens of operations declare one at module
 * load; compiling them all would cost every start-up time for routes it may never serve); the
 * returned function throws a 400 listing every problem.
 */
export function bodyValidator<T>(schema: object): (body: unknown) => T {
  let validate: ValidateFunction | undefined;
  return (body) => {
    validate ??= ajv.compile(schema);
    assertValid(validate, body);
    return body as T;
  };
}

export function assertValid(validate: ValidateFunction, value: unknown, prefix = ''): void {
  if (validate(value)) return;
  const details = ajvProblems(validate.errors).map((d) => ({ path: prefix ? d.path.replace(/^\$/, prefix) : d.path, message: d.message }));
  throw new AppError('VALIDATION_FAILED', undefined, { details });
}

/** Compiles a schema an app definition declares (checked at load) for the same 400s as a body's. */
export function compileSchema(schema: object): ValidateFunction {
  return ajv.compile(schema);
}
