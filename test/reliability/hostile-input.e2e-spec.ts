import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { startApp, TEST_ADMIN_KEY, type RunningApp } from '../support/app.js';
import { api } from '../support/http.js';
import {
  contentType,
  deepBody,
  eventsBody,
  idempotencyKey,
  ifMatch,
  invalidUtf8,
  pathId,
  proposalBody,
  validEvent,
  validProposal,
  PARTIES,
  toJsonText,
} from './support/hostile-arbitraries.js';
import { closeRawConnections, rawRequest, type RawResponse } from './support/raw-http.js';

/**
 * Property-based hostile input over both write endpoints (POST /api/agreements and
 * POST /api/agreements/{id}/events), through real HTTP on a real SQLite file. For every
 * generated request: never a 5xx; a refusal is a 4xx application/problem+json; a refused
 * request leaves the store as it was; an accepted one stores exactly what was sent.
 * fast-check prints the seed and path of a failure; FC_SEED=<seed> replays a run.
 */

if (process.env.FC_SEED) fc.configureGlobal({ seed: Number(process.env.FC_SEED) });

const BASE = 'hostile-base';

describe('hostile input on the write endpoints', () => {
  let running: RunningApp;
  let db: Database.Database;
  let sent = 0;
  let accepted = 0;

  beforeAll(async () => {
    running = await startApp();
    db = new Database(running.dbFile, { readonly: true });
    const http = api(running.url);
    const proposed = await http.post('/api/agreements', {
      id: BASE,
      title: 'Hostile input target',
      parties: PARTIES,
      provisions: ['consultation'],
      occurredOn: '2000-01-01',
    });
    expect(proposed.status).toBe(201);
    const inForce = await http.post(`/api/agreements/${BASE}/events`, [
      ...PARTIES.map((party) => ({ type: 'AgreementSigned', occurredOn: '2000-06-01', data: { party } })),
      { type: 'AgreementEnteredIntoForce', occurredOn: '2000-07-01', data: {} },
    ]);
    expect(inForce.status).toBe(201);
  });
  afterAll(async () => {
    closeRawConnections();
    db.close();
    await running.close();
  });

  /** What a refused request must not change: the events, the stream heads and every read model's rows. */
  const fingerprint = () =>
    db
      .prepare(
        `SELECT (SELECT COUNT(*) FROM events) AS events, (SELECT COALESCE(MAX(position), 0) FROM events) AS head,
           (SELECT COALESCE(SUM(version), 0) FROM streams) AS versions,
           (SELECT COUNT(*) || ':' || COALESCE(SUM(version), 0) FROM agreement_status) AS status,
           (SELECT COUNT(*) FROM timeline) AS timeline, (SELECT COUNT(*) FROM milestones) AS milestones`,
      )
      .get() as { events: number };

  /** Sends one request and checks the four properties. */
  async function check(
    path: string,
    headers: Record<string, string | undefined>,
    body: Buffer | undefined,
  ): Promise<RawResponse | undefined> {
    const before = fingerprint();
    const res = await rawRequest(
      running.url,
      'POST',
      path,
      { authorization: `Bearer ${TEST_ADMIN_KEY}`, ...headers },
      body,
    );
    if (!res) return undefined; // node:http would not send it (an invalid header character)
    sent++;
    const after = fingerprint();
    const context = `POST ${path.slice(0, 120)} → ${res.status} ${res.text.slice(0, 300)}`;
    if (res.status >= 500) throw new Error(`server error: ${context}`);
    if (res.status >= 400) {
      expect({ context, contentType: res.headers['content-type'] }).toEqual({
        context,
        contentType: expect.stringMatching(/^application\/problem\+json/),
      });
      const problem = JSON.parse(res.text) as Record<string, unknown>;
      expect({
        context,
        status: problem.status,
        title: typeof problem.title,
        detail: typeof problem.detail,
      }).toEqual({
        context,
        status: res.status,
        title: 'string',
        detail: 'string',
      });
      expect({ context, store: after }).toEqual({ context, store: before });
      return res;
    }
    expect({ context, status: res.status }).toEqual({ context, status: 201 });
    // Accepted: what the client sent must have been UTF-8 JSON, and is now stored as it was.
    let intended: unknown;
    try {
      intended = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
    } catch {
      throw new Error(`accepted a body that is not UTF-8 JSON: ${context}`);
    }
    await expectStoredAsSent(path, res, intended, before.events, after.events, context);
    accepted++;
    return res;
  }

  /** An accepted write: the store grew by exactly the events answered, each holding what was sent. */
  async function expectStoredAsSent(
    path: string,
    res: RawResponse,
    intended: unknown,
    eventsBefore: number,
    eventsAfter: number,
    context: string,
  ) {
    const answer = JSON.parse(res.text) as Record<string, unknown> | Record<string, unknown>[];
    const replayed = res.headers['idempotent-replayed'] === 'true';
    const id =
      path === '/api/agreements' ? (answer as { id: string }).id : decodeURIComponent(path.split('/')[3]!);
    const stream = (await api(running.url).get(`/api/agreements/${id}/events?limit=1000`)).body.items as {
      version: number;
      type: string;
      eventId: string;
      occurredOn: string;
      data: unknown;
    }[];
    const sentEvents = (
      path === '/api/agreements'
        ? [proposalAsEvent(intended as Record<string, unknown>)]
        : Array.isArray(intended)
          ? intended
          : [intended]
    ) as Record<string, unknown>[];
    const answered = (
      path === '/api/agreements' ? [stream[0]!] : Array.isArray(answer) ? answer : [answer]
    ) as {
      version: number;
    }[];
    expect({ context, grew: eventsAfter - eventsBefore }).toEqual({
      context,
      grew: replayed ? 0 : sentEvents.length,
    });
    sentEvents.forEach((e, i) => {
      const stored = stream.find((s) => s.version === answered[i]!.version)!;
      // Byte for byte: equal JS strings are equal UTF-8, and the data must be exactly what was sent.
      const same =
        stored.type === e.type &&
        isDeepStrictEqual(stored.data, e.data ?? {}) &&
        (e.occurredOn === undefined || stored.occurredOn === e.occurredOn) &&
        (e.eventId === undefined || stored.eventId === e.eventId);
      expect({ context, stored, same }).toEqual({ context, stored, same: true });
    });
  }

  const proposalAsEvent = (body: Record<string, unknown>) => {
    const { id: _id, occurredOn, eventId, ...data } = body;
    return { type: 'AgreementProposed', occurredOn, eventId, data };
  };

  const json = (value: unknown) => Buffer.from(toJsonText(value));
  const runs = (n: number) => ({ numRuns: n, interruptAfterTimeLimit: 120_000 });

  it('POST /api/agreements: random and mutated proposals', async () => {
    await fc.assert(
      fc.asyncProperty(proposalBody, async (body) => {
        await check('/api/agreements', { 'content-type': 'application/json' }, json(body));
      }),
      runs(600),
    );
  }, 180_000);

  it('POST /api/agreements/{id}/events: random and mutated events, single and batched', async () => {
    await fc.assert(
      fc.asyncProperty(
        eventsBody,
        fc.constantFrom(BASE, BASE, BASE, 'no-such-agreement'),
        async (body, id) => {
          await check(`/api/agreements/${id}/events`, { 'content-type': 'application/json' }, json(body));
        },
      ),
      runs(600),
    );
  }, 180_000);

  it('raw bodies: invalid UTF-8 inside JSON, random bytes, cut JSON, any Content-Type', async () => {
    const rawBody = fc.oneof(
      // A valid body with invalid UTF-8 spliced into a string value.
      fc.tuple(fc.oneof(validProposal, validEvent), invalidUtf8).map(([value, bytes]) => {
        const text = JSON.stringify(value);
        const at = text.indexOf('":"') + 3;
        return Buffer.concat([
          Buffer.from(text.slice(0, at)),
          Buffer.from(bytes),
          Buffer.from(text.slice(at)),
        ]);
      }),
      fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
      fc.tuple(validEvent, fc.nat()).map(([value, n]) => {
        const text = JSON.stringify(value);
        return Buffer.from(text.slice(0, n % text.length));
      }),
      validEvent.map((value) => Buffer.from(JSON.stringify(value), 'utf16le')),
      validEvent.map((value) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), json(value)])),
    );
    await fc.assert(
      fc.asyncProperty(rawBody, contentType, fc.boolean(), async (body, type, toProposals) => {
        const path = toProposals ? '/api/agreements' : `/api/agreements/${BASE}/events`;
        await check(path, { 'content-type': type }, body);
      }),
      runs(400),
    );
  }, 180_000);

  it('headers: If-Match, Idempotency-Key and Content-Type, odd and malformed', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(validEvent, eventsBody, deepBody),
        ifMatch,
        idempotencyKey,
        contentType,
        async (body, match, key, type) => {
          await check(
            `/api/agreements/${BASE}/events`,
            { 'content-type': type, 'if-match': match, 'idempotency-key': key },
            json(body),
          );
        },
      ),
      runs(300),
    );
  }, 180_000);

  it('odd ids in the path: encoded slashes, dots, unicode, very long', async () => {
    await fc.assert(
      fc.asyncProperty(pathId, validEvent, async (id, body) => {
        await check(`/api/agreements/${id}/events`, { 'content-type': 'application/json' }, json(body));
      }),
      runs(300),
    );
  }, 180_000);

  it('sent at least 2,000 generated requests, a good share of them accepted and checked', () => {
    expect(sent).toBeGreaterThanOrEqual(2000);
    // Enough accepted writes that the round-trip property is exercised, not vacuous.
    expect(accepted).toBeGreaterThanOrEqual(200);
    console.log(
      `hostile input: ${sent} requests, ${accepted} accepted and read back, ${sent - accepted} refused`,
    );
  });
});
