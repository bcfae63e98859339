import type { z } from 'zod';
import { validationProblem, type FieldError } from './problem.js';

/** Parses with a zod schema or throws a 400 problem naming each field and rule. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, prefix = ''): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw validationProblem(fieldErrors(result.error, value, prefix));
}

const TYPE_NAMES: Record<string, string> = {
  int: 'a whole number',
  number: 'a number',
  string: 'a string',
  object: 'an object',
  array: 'an array',
  boolean: 'true or false',
  record: 'an object',
};

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

export function fieldErrors(error: z.ZodError, input: unknown, prefix = ''): FieldError[] {
  return error.issues.map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || '(body)';
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys;
      return {
        field: keys.map((k) => (path === '(body)' ? k : `${path}.${k}`)).join(', '),
        rule: 'unknown_field',
        message: `unknown field${keys.length > 1 ? 's' : ''} ${keys.join(', ')}: not accepted here`,
      };
    }
    // An absent field is "required" whatever its schema: enums report absence as invalid_value.
    const absent = valueAt(input, issue.path) === undefined;
    if (absent && (issue.code === 'invalid_type' || issue.code === 'invalid_value')) {
      return { field: path, rule: 'required', message: 'is required' };
    }
    if (issue.code === 'invalid_type') {
      return {
        field: path,
        rule: 'type',
        message: `must be ${TYPE_NAMES[issue.expected] ?? issue.expected}`,
      };
    }
    // A rule of the domain's own (UnknownState) travels in a custom issue's params.
    const named =
      issue.code === 'custom' ? (issue.params as { rule?: unknown } | undefined)?.rule : undefined;
    return { field: path, rule: typeof named === 'string' ? named : issue.code, message: issue.message };
  });
}
