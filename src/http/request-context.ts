import type { FastifyRequest } from 'fastify';
import { badRequest } from './problem.js';

const TOKEN = /^[A-Za-z0-9._:-]{1,128}$/;

/** `If-Match: "<version>"` → the version; absent or `*` → undefined; anything else → 400. */
export function expectedVersionOf(request: FastifyRequest): number | undefined {
  const header = request.headers['if-match'];
  if (header === undefined || header === '*') return undefined;
  const match = typeof header === 'string' ? /^(?:W\/)?"(\d{1,10})"$/.exec(header.trim()) : null;
  if (!match) throw badRequest('If-Match', 'etag', 'must be a version in quotes, as in If-Match: "3"');
  return Number(match[1]);
}

/** The correlation id a client sent, or else this request's id. */
export function correlationIdOf(request: FastifyRequest): string {
  const header = request.headers['x-correlation-id'];
  return typeof header === 'string' && TOKEN.test(header) ? header : request.id;
}

export const isValidRequestId = (value: unknown): value is string =>
  typeof value === 'string' && TOKEN.test(value);
