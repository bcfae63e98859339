import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { API_KEY_STORE, type ApiKeyStore, type Principal } from './api-key.js';
import { forbidden, tooManyRequests, unauthorized } from './auth.errors.js';
import { RateLimiter } from './rate-limiter.js';

/** EventSource cannot send headers, so the live feed alone also takes the key as ?access_token=. */
const TOKEN_IN_QUERY = new Set(['/api/events/live']);
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export type AuthenticatedRequest = FastifyRequest & { principal?: Principal };

/** Every /api route: a live key (401), within its rate (429), and a role that may do this (403). */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    @Inject(API_KEY_STORE) private readonly keys: ApiKeyStore,
    private readonly limiter: RateLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const path = request.url.split('?', 1)[0]!;
    if (path !== '/api' && !path.startsWith('/api/')) return true;

    const key = bearerKey(request) ?? (TOKEN_IN_QUERY.has(path) ? queryToken(request) : undefined);
    if (key === undefined) throw unauthorized('Send an API key: Authorization: Bearer <key>');
    const principal = await this.keys.findByKey(key);
    if (!principal) throw unauthorized('The API key is not valid or has been revoked');

    const wait = this.limiter.take(principal.keyId);
    if (wait > 0) throw tooManyRequests(wait);
    if (!READ_METHODS.has(request.method) && principal.role === 'viewer') {
      throw forbidden('A viewer key may only read');
    }
    request.principal = principal;
    return true;
  }
}

function bearerKey(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer\s+(\S{1,512})$/i.exec(header.trim());
  return match?.[1];
}

function queryToken(request: FastifyRequest): string | undefined {
  const token = (request.query as Record<string, unknown> | undefined)?.access_token;
  return typeof token === 'string' && token.length <= 512 ? token : undefined;
}

export function principalOf(request: FastifyRequest): Principal | undefined {
  return (request as AuthenticatedRequest).principal;
}
