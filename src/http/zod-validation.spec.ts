import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { ProblemError } from './problem.js';
import { parseQuery } from './zod-validation.js';

const pageQuery = z.strictObject({
  limit: z.string().regex(/^\d+$/).transform(Number).default(50),
  cursor: z.string().optional(),
});

const problemOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (error instanceof ProblemError) return error.problem;
    throw error;
  }
  throw new Error('expected a ProblemError');
};

describe('parseQuery', () => {
  it('gives the schema’s defaults for no parameters, worked out once and frozen', () => {
    const first = parseQuery(pageQuery, Object.create(null));
    expect(first).toEqual({ limit: 50 });
    expect(parseQuery(pageQuery, {})).toBe(first);
    expect(parseQuery(pageQuery, undefined)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
  });

  it('parses parameters that are sent, every time', () => {
    expect(parseQuery(pageQuery, { limit: '7' })).toEqual({ limit: 7 });
    expect(parseQuery(pageQuery, { limit: '8', cursor: 'c' })).toEqual({ limit: 8, cursor: 'c' });
  });

  it('refuses a bad or unknown parameter with a 400 naming the field', () => {
    expect(problemOf(() => parseQuery(pageQuery, { limit: 'many' }))).toMatchObject({
      status: 400,
      errors: [expect.objectContaining({ field: 'limit' })],
    });
    expect(problemOf(() => parseQuery(pageQuery, { colour: 'red' }))).toMatchObject({ status: 400 });
  });

  it('refuses no parameters every time when the schema needs one', () => {
    const needsAfter = z.strictObject({ after: z.string() });
    expect(problemOf(() => parseQuery(needsAfter, {}))).toMatchObject({ status: 400 });
    expect(problemOf(() => parseQuery(needsAfter, {}))).toMatchObject({
      status: 400,
      errors: [expect.objectContaining({ field: 'after' })],
    });
  });
});
