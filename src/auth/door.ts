import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { APP_CONFIG, type AppConfig } from '../config/app.config.js';
import { badRequest } from '../http/problem.js';
import { sendProblem } from '../http/problem-details.filter.js';
import { API_KEY_STORE, type ApiKeyStore, type Principal } from './api-key.js';
import { tooManyRequests, unauthorized } from './auth.errors.js';
import { RateLimiter } from './rate-limiter.js';
import { accessOf } from './route-access.js';

export type AuthenticatedRequest = FastifyRequest & { principal?: Principal };

/** Requests per minute per key (RATE_LIMIT_PER_MINUTE) and failed or keyless requests per client address. */
export class KeyRateLimiter extends RateLimiter {}
export class FailedAuthLimiter extends RateLimiter {}

/**
 * The front door, a Fastify onRequest hook that every request passes before its body is read:
 *
 * 1. a request target that is not origin-form (`/path?query`) is 400: absolute-form
 *    (`GET http://host/api/…`) and asterisk-form reach no route;
 * 2. a path no route matches is left to the 404 handler;
 * 3. the matched route's access (its config, see route-access.ts) decides: a public route
 *    passes; every other route needs a live API key (Authorization: Bearer, or ?access_token=
 *    where the route allows it, read from the parsed query), within its rate. A request without
 *    a valid key counts against its client address's limit of failures (429 past it).
 *
 * The principal is left on the request for the role checks (ApiKeyGuard) and the handlers.
 */
@Injectable()
export class Door {
  constructor(
    @Inject(API_KEY_STORE) private readonly keys: ApiKeyStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly perKey: KeyRateLimiter,
    private readonly failures: FailedAuthLimiter,
  ) {}

  readonly onRequest = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (!request.raw.url?.startsWith('/')) {
      return sendProblem(
        request,
        reply,
        badRequest('request-target', 'origin_form', 'The request target must be a path, as in GET /api/…'),
      );
    }
    if (request.is404) return;
    const access = accessOf(request);
    if (access === 'public' || (access === 'metrics' && this.config.metricsPublic)) return;

    const key = bearerKey(request) ?? (access === 'key-or-query-token' ? queryToken(request) : undefined);
    const principal = key === undefined ? undefined : await this.keys.findByKey(key);
    if (!principal) {
      const wait = this.failures.take(request.ip);
      if (wait > 0)
        return sendProblem(
          request,
          reply,
          tooManyRequests(wait, 'Too many requests without a valid API key from this address'),
        );
      return sendProblem(
        request,
        reply,
        unauthorized(
          key === undefined
            ? 'Send an API key: Authorization: Bearer <key>'
            : 'The API key is not valid or has been revoked',
        ),
      );
    }
    const wait = this.perKey.take(principal.keyId);
    if (wait > 0) return sendProblem(request, reply, tooManyRequests(wait));
    (request as AuthenticatedRequest).principal = principal;
  };
}

function bearerKey(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer\s+(\S{1,512})$/i.exec(header.trim());
  return match?.[1];
}

/** From the parsed query: `access%5Ftoken` is `access_token` too. A repeated parameter is no key. */
function queryToken(request: FastifyRequest): string | undefined {
  const token = (request.query as Record<string, unknown> | undefined)?.access_token;
  return typeof token === 'string' && token.length <= 512 ? token : undefined;
}

export function principalOf(request: FastifyRequest): Principal | undefined {
  return (request as AuthenticatedRequest).principal;
}
