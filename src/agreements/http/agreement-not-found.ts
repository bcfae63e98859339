import { problem, ProblemError } from '../../http/problem.js';

/** 404 for an agreement id nothing is recorded under: every route that takes one says it alike. */
export const agreementNotFound = (id: string) =>
  new ProblemError(problem(404, 'AgreementNotFound', `Agreement ${id} does not exist`));
