import {
  Inject,
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { principalOf } from '../auth/api-key.guard.js';
import { canonicalJson } from '../event-store/hashing.js';
import { badRequest, problem, ProblemError } from '../http/problem.js';
import { toProblem } from '../http/problem-details.filter.js';
import { IDEMPOTENCY_STORE, type IdempotencyStore, type RememberedResponse } from './idempotency.store.js';

const KEY = /^[\x21-\x7e]{1,255}$/;
const REPLAYED_HEADERS = ['etag', 'location'];

/**
 * Idempotency-Key on writes: the first response (status and body) is remembered per API key;
 * a replay gets it back, a duplicate arriving while the first is in flight waits for it, and
 * the same key with another request is refused (422). Server errors (5xx) are not remembered,
 * so a retry after one runs again.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly inFlight = new Map<string, { fingerprint: string; done: Promise<RememberedResponse> }>();

  constructor(@Inject(IDEMPOTENCY_STORE) private readonly store: IdempotencyStore) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const header = request.headers['idempotency-key'];
    if (request.method !== 'POST' || header === undefined) return next.handle();
    if (typeof header !== 'string' || !KEY.test(header)) {
      throw badRequest('Idempotency-Key', 'format', 'must be 1 to 255 printable ASCII characters');
    }
    const scope = principalOf(request)?.keyId ?? 'anonymous';
    const fingerprint = createHash('sha256')
      .update(`${request.method} ${request.url}\n${canonicalJson(request.body ?? null)}`)
      .digest('hex');
    return from(
      this.respond(scope, header, fingerprint, reply, () =>
        lastValueFrom(next.handle(), { defaultValue: undefined }),
      ),
    );
  }

  private async respond(
    scope: string,
    key: string,
    fingerprint: string,
    reply: FastifyReply,
    handle: () => Promise<unknown>,
  ): Promise<unknown> {
    const id = `${scope}\u0000${key}`;
    const pending = this.inFlight.get(id);
    const remembered = pending ? await pending.done : await this.store.get(scope, key);
    if (remembered) {
      if ((pending?.fingerprint ?? remembered.fingerprint) !== fingerprint) throw mismatch(key);
      void reply.header('idempotent-replayed', 'true');
      return replay(remembered, reply);
    }
    const done = this.runOnce(scope, key, fingerprint, reply, handle);
    this.inFlight.set(id, { fingerprint, done });
    try {
      return replay(await done, reply);
    } finally {
      this.inFlight.delete(id);
    }
  }

  private async runOnce(
    scope: string,
    key: string,
    fingerprint: string,
    reply: FastifyReply,
    handle: () => Promise<unknown>,
  ): Promise<RememberedResponse> {
    let response: RememberedResponse;
    try {
      const body = await handle();
      const headers: Record<string, string> = {};
      for (const name of REPLAYED_HEADERS) {
        const value = reply.getHeader(name);
        if (typeof value === 'string') headers[name] = value;
      }
      // Every write route answers 201 on success (@HttpCode), applied after interceptors run.
      response = { fingerprint, status: 201, headers, body };
    } catch (error) {
      const { problem: body, headers } = toProblem(error);
      if (body.status >= 500) throw error;
      response = { fingerprint, status: body.status, headers, body };
    }
    await this.store.save(scope, key, response);
    return response;
  }
}

function replay(r: RememberedResponse, reply: FastifyReply): unknown {
  if (r.status >= 400) throw new ProblemError(r.body as ProblemError['problem'], r.headers);
  void reply.headers(r.headers);
  return r.body;
}

const mismatch = (key: string) =>
  new ProblemError(
    problem(422, 'IdempotencyKeyReused', `Idempotency-Key ${key} was first used with a different request`, {
      field: 'Idempotency-Key',
    }),
  );
