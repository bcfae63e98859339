import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { problem, ProblemError } from '../http/problem.js';
import type { IdempotencyStore, RememberedResponse } from './idempotency.store.js';

export interface IdempotencyTimings {
  /** How often a request waiting on another instance's request looks at the key's row. */
  pollMs: number;
  /** How long it waits before answering 409 IdempotencyKeyInFlight. */
  waitMs: number;
  /** A placeholder this old is presumed left by an instance that died mid-request, and may be taken over. */
  leaseMs: number;
}

export const DEFAULT_TIMINGS: IdempotencyTimings = { pollMs: 25, waitMs: 30_000, leaseMs: 60_000 };

export interface Outcome {
  response: RememberedResponse;
  /** True when this request was answered with another one's response. */
  replayed: boolean;
}

/**
 * Runs the request for an Idempotency-Key once across every instance on the database. The key
 * is reserved with a placeholder row before the request runs; the owner then stores its response
 * in that row. A request finding a placeholder polls until the response is there and replays it.
 * Duplicates within this process wait on the first one in memory and never poll.
 *
 * `execute` answers the response to remember, or throws for one that is not remembered (a 5xx):
 * the placeholder is then deleted, so a retry runs again.
 *
 * Lease times come from the system clock, not the injected business clock: they measure how long
 * a request has been running, and every instance writing the table must read the same time.
 */
export class IdempotencyCoordinator {
  private readonly inFlight = new Map<string, { fingerprint: string; outcome: Promise<Outcome> }>();

  constructor(
    private readonly store: IdempotencyStore,
    private readonly timings: IdempotencyTimings = DEFAULT_TIMINGS,
  ) {}

  async run(
    scope: string,
    key: string,
    fingerprint: string,
    execute: () => Promise<RememberedResponse>,
  ): Promise<Outcome> {
    const id = `${scope}\u0000${key}`;
    for (let pending = this.inFlight.get(id); pending; pending = this.inFlight.get(id)) {
      if (pending.fingerprint === fingerprint) {
        return { response: (await pending.outcome).response, replayed: true };
      }
      // Another request under the key is running here, but it may itself be waiting on the key's
      // owner elsewhere and lose to this one: decide once it is done.
      await pending.outcome.catch(() => undefined);
    }
    // Left in the map until the outcome is known, and gone before anyone awaiting it resumes.
    const outcome = this.once(scope, key, fingerprint, execute).finally(() => this.inFlight.delete(id));
    this.inFlight.set(id, { fingerprint, outcome });
    return outcome;
  }

  private async once(
    scope: string,
    key: string,
    fingerprint: string,
    execute: () => Promise<RememberedResponse>,
  ): Promise<Outcome> {
    const reservedAt = new Date().toISOString();
    if (await this.store.reserve(scope, key, fingerprint, reservedAt)) {
      return this.own(scope, key, reservedAt, execute);
    }
    const deadline = performance.now() + this.timings.waitMs;
    for (;;) {
      const entry = await this.store.lookup(scope, key);
      const claimedAt = new Date().toISOString();
      if (!entry) {
        // Released by a request that failed (5xx): this one runs in its place, unless another won it.
        if (await this.store.reserve(scope, key, fingerprint, claimedAt)) {
          return this.own(scope, key, claimedAt, execute);
        }
        continue;
      }
      const found = entry.state === 'done' ? entry.response.fingerprint : entry.fingerprint;
      if (found !== fingerprint) throw mismatch(key);
      if (entry.state === 'done') return { response: entry.response, replayed: true };
      const age = Date.now() - Date.parse(entry.claimedAt);
      // Compare-and-set on the claim time: of several instances taking over, one wins.
      if (
        age >= this.timings.leaseMs &&
        (await this.store.takeOver(scope, key, entry.claimedAt, claimedAt))
      ) {
        return this.own(scope, key, claimedAt, execute);
      }
      if (performance.now() >= deadline) throw inFlight(key);
      await sleep(this.timings.pollMs);
    }
  }

  private async own(
    scope: string,
    key: string,
    claimedAt: string,
    execute: () => Promise<RememberedResponse>,
  ): Promise<Outcome> {
    let response: RememberedResponse;
    try {
      response = await execute();
    } catch (error) {
      await this.store.release(scope, key, claimedAt).catch(() => undefined);
      throw error;
    }
    await this.store.save(scope, key, response, claimedAt);
    return { response, replayed: false };
  }
}

const mismatch = (key: string) =>
  new ProblemError(
    problem(422, 'IdempotencyKeyReused', `Idempotency-Key ${key} was first used with a different request`, {
      field: 'Idempotency-Key',
    }),
  );

const inFlight = (key: string) =>
  new ProblemError(
    problem(
      409,
      'IdempotencyKeyInFlight',
      `The first request with Idempotency-Key ${key} is still running; retry to get its response`,
      { field: 'Idempotency-Key' },
    ),
    { 'retry-after': '1' },
  );
