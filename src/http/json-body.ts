import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isUtf8 } from 'node:buffer';
import { problem, PROBLEM_CONTENT_TYPE } from './problem.js';
import { redactUrl } from './redact.js';

/** Deeper than any request the API takes (an event batch is four levels): refused before any code recurses. */
export const MAX_JSON_DEPTH = 32;

type Done = (error: Error | null, body?: unknown) => void;
type JsonParser = (request: FastifyRequest, body: string, done: Done) => void;

const refusal = (title: string, detail: string) =>
  Object.assign(new Error(detail), { statusCode: 400, code: `TL_${title}` });

/**
 * The JSON body parser: Fastify's own (which refuses `__proto__` and `constructor` keys)
 * after two checks it leaves out. A body that is not valid UTF-8 is refused rather than
 * silently decoded with U+FFFD in place of the bad bytes, which would store text the
 * client never sent; and a body nested deeper than any request can be is refused before
 * validation or the idempotency fingerprint recurse through it and overflow the stack.
 */
export function jsonBodyParser(fastify: FastifyInstance) {
  // Fastify's default parser is the callback kind (its type also admits a promise-returning one).
  const parseJson = fastify.getDefaultJsonParser('error', 'error') as JsonParser;
  return (request: FastifyRequest, body: Buffer, done: Done): void => {
    if (!isUtf8(body)) {
      done(refusal('InvalidUtf8', 'The body is not valid UTF-8'));
      return;
    }
    parseJson(request, body.toString('utf8'), (error, value) => {
      if (error) done(error);
      else if (depthOf(value) > MAX_JSON_DEPTH) {
        done(
          refusal(
            'NestedTooDeep',
            `The body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep`,
          ),
        );
      } else done(null, value);
    });
  };
}

/** Nesting depth of a parsed JSON value, without recursion (the value may be thousands deep). */
function depthOf(value: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > MAX_JSON_DEPTH) return deepest;
    for (const child of Object.values(current)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/**
 * Fastify's router refuses some URLs before any route or filter runs (a malformed percent
 * escape, an id longer than the router takes): those answers are problems too.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const status = typeof error.statusCode === 'number' && error.statusCode >= 400 ? error.statusCode : 400;
  const title = status === 414 ? 'UriTooLong' : 'BadRequest';
  void reply
    .code(status)
    .header('content-type', PROBLEM_CONTENT_TYPE)
    .send({ ...problem(status, title, error.message), instance: redactUrl(request.url) });
}
