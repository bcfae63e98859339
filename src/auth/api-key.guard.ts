import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { forbidden, unauthorized } from './auth.errors.js';
import { principalOf } from './door.js';
import { accessOf } from './route-access.js';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The role check of every Nest route, behind the door (door.ts), which has already refused a
 * request without a live key and left its principal on the request. A viewer key only reads; a route marked
 * `key-admin` takes only an admin key.
 * A route that needs a key but reached here without a principal is refused (401): the door
 * was bypassed or misconfigured, and this is the second lock.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const access = accessOf(request);
    if (access === 'public' || access === 'metrics') return true;
    const principal = principalOf(request);
    if (!principal) throw unauthorized('Send an API key: Authorization: Bearer <key>');
    if (access === 'key-admin' && principal.role !== 'admin') {
      throw forbidden('Only an admin key may use this route');
    }
    if (!READ_METHODS.has(request.method) && principal.role === 'viewer') {
      throw forbidden('A viewer key may only read');
    }
    return true;
  }
}
