import type { FastifyRequest } from 'fastify';
import { badRequest } from './problem.js';

const TOKEN = /^[A-Za-z0-9._:-]{1,128}$/;
/** A client's correlation id may also hold the characters of base64 and of e-mail-like ids. */
const CORRELATION_ID = /^[A-Za-z0-9._:+=@/-]{1,128}$/;

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
  return typeof header === 'string' && CORRELATION_ID.test(header) ? header : request.id;
}

export const isValidRequestId = (value: unknown): value is string =>
  typeof value === 'string' && TOKEN.test(value);
