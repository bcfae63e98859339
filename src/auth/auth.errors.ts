import { problem, ProblemError } from '../http/problem.js';

export const unauthorized = (detail: string) =>
  new ProblemError(problem(401, 'Unauthorized', detail), {
    'www-authenticate': 'Bearer realm="treaty-ledger"',
  });

export const forbidden = (detail: string) => new ProblemError(problem(403, 'Forbidden', detail));

export const tooManyRequests = (retryAfterSeconds: number, detail = 'Rate limit reached for this key') =>
  new ProblemError(problem(429, 'TooManyRequests', `${detail}; retry in ${retryAfterSeconds} s`), {
    'retry-after': String(retryAfterSeconds),
  });
