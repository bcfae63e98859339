/** RFC 9457 problem details, the body of every refusal. */
export interface FieldError {
  field: string;
  rule: string;
  message: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

const kebab = (code: string) => code.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();

export function problem(
  status: number,
  title: string,
  detail: string,
  extra: Partial<Problem> = {},
): Problem {
  return { type: `/problems/${kebab(title)}`, title, status, detail, ...extra };
}

/** Thrown anywhere in the HTTP layer to answer with a problem. */
export class ProblemError extends Error {
  constructor(
    readonly problem: Problem,
    readonly headers: Record<string, string> = {},
  ) {
    super(problem.detail);
    this.name = problem.title;
  }
}

export const validationProblem = (errors: FieldError[]) =>
  new ProblemError(
    problem(400, 'ValidationFailed', errors.map((e) => `${e.field}: ${e.message}`).join('; '), { errors }),
  );

export const badRequest = (field: string, rule: string, message: string) =>
  validationProblem([{ field, rule, message }]);
