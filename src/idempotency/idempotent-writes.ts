import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { principalOf } from '../auth/door.js';
import { canonicalJson } from '../event-store/hashing.js';
import { badRequest, ProblemError } from '../http/problem.js';
import { toProblem } from '../http/problem-details.filter.js';
import { IdempotencyCoordinator } from './idempotency.coordinator.js';
import { IDEMPOTENCY_STORE, type IdempotencyStore, type RememberedResponse } from './idempotency.store.js';

const KEY = /^[\x21-\x7e]{1,255}$/;
const REPLAYED_HEADERS = ['etag', 'location'];

/**
 * Which layer answers which retry — the one place that says it (README "Retries and idempotency"):
 *
 * 1. **Idempotency-Key** (here, HTTP): a client retrying a whole request. The first response is
 *    replayed as it was, refusals included; another body under the same key is 422.
 * 2. **Event ids** (the event store, `retriedAppend` in src/event-store/replay.ts, every adapter):
 *    the same events sent again under their ids, by anyone (a retry without the header, an
 *    importer's re-run: its ids are deterministic). The stored events come back and nothing is
 *    written; the same id with another type, date or data is 409 EventIdConflict.
 *
 * The command handler only notices a stored id and, instead of deciding again (the rules would
 * now refuse a second proposal), lets the store answer. Importers skip whole agreements by the
 * status read model (already at their planned version) only to save the work.
 *
 * Idempotency-Key on writes: the first response (status and body) is remembered per API key;
 * a replay gets it back, a duplicate arriving while the first is in flight waits for it (on
 * whichever instance it runs: IdempotencyCoordinator), and the same key with another request is
 * refused (422). Server errors (5xx) are not remembered, so a retry after one runs again.
 */
@Injectable()
export class IdempotentWrites {
  private readonly coordinator: IdempotencyCoordinator;

  constructor(@Inject(IDEMPOTENCY_STORE) store: IdempotencyStore) {
    this.coordinator = new IdempotencyCoordinator(store);
  }

  /**
   * Runs a write route's `handler` under the request's Idempotency-Key, if it sent one.
   * A plain call from the two write routes, not a global Nest interceptor: an interceptor wraps
   * every request of every route in observables and an async scope, reads included.
   */
  async run(request: FastifyRequest, reply: FastifyReply, handler: () => Promise<unknown>): Promise<unknown> {
    const header = request.headers['idempotency-key'];
    if (header === undefined) return handler();
    if (typeof header !== 'string' || !KEY.test(header)) {
      throw badRequest('Idempotency-Key', 'format', 'must be 1 to 255 printable ASCII characters');
    }
    const scope = principalOf(request)?.keyId ?? 'anonymous';
    const fingerprint = createHash('sha256')
      .update(`${request.method} ${request.url}\n${canonicalJson(request.body ?? null)}`)
      .digest('hex');
    const { response, replayed } = await this.coordinator.run(scope, header, fingerprint, () =>
      this.execute(fingerprint, reply, handler),
    );
    if (replayed) void reply.header('idempotent-replayed', 'true');
    return replay(response, reply);
  }

  /** Runs the request; its response to remember, or the error itself when it is a 5xx. */
  private async execute(
    fingerprint: string,
    reply: FastifyReply,
    handler: () => Promise<unknown>,
  ): Promise<RememberedResponse> {
    try {
      const body = await handler();
      const headers: Record<string, string> = {};
      for (const name of REPLAYED_HEADERS) {
        const value = reply.getHeader(name);
        if (typeof value === 'string') headers[name] = value;
      }
      // Every write route answers 201 on success (@HttpCode).
      return { fingerprint, status: 201, headers, body };
    } catch (error) {
      const { problem: body, headers } = toProblem(error);
      if (body.status >= 500) throw error;
      return { fingerprint, status: body.status, headers, body };
    }
  }
}

function replay(r: RememberedResponse, reply: FastifyReply): unknown {
  if (r.status >= 400) throw new ProblemError(r.body as ProblemError['problem'], r.headers);
  void reply.headers(r.headers);
  return r.body;
}
