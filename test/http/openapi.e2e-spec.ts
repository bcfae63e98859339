import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EVENT_TYPES, eventDataSchemas } from '../../src/agreements/domain/agreement.events.js';
import { ManualClock, startApp, type RunningApp } from '../support/app.js';
import { api } from '../support/http.js';

/** The OpenAPI document against the running application: every route, every event type, examples that work. */

let running: RunningApp;
let http: ReturnType<typeof api>;
let doc: any;

beforeAll(async () => {
  // The examples are dated in 2024 and 2025: the clock must be past them.
  running = await startApp({ clock: new ManualClock(new Date('2025-03-01T12:00:00.000Z')) });
  http = api(running.url);
  const res = await http.get('/docs-json');
  expect(res.status).toBe(200);
  doc = res.body;
});

afterAll(async () => {
  await running.close();
});

/**
 * Every (method, path) Fastify has registered, read from its route tree. Each line of
 * `printRoutes({ commonPrefix: false })` is a path segment indented four characters per
 * level, followed by its methods in parentheses when a route ends there.
 */
function registeredRoutes(tree: string): { method: string; url: string }[] {
  const routes: { method: string; url: string }[] = [];
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^((?:[│ ] {3})*)[├└]── (.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    stack.length = depth;
    stack.push(match[2]!);
    for (const method of match[3]?.split(', ') ?? []) routes.push({ method, url: stack.join('') });
  }
  return routes;
}

describe('GET /docs-json', () => {
  it('describes every route the application registers', () => {
    const fastify = running.app.getHttpAdapter().getInstance();
    const routes = registeredRoutes(fastify.printRoutes({ commonPrefix: false }));
    // The parser must have found real routes, and only real ones.
    for (const route of routes) expect(fastify.hasRoute(route as never)).toBe(true);
    // The browser pages and their files (src/web) are not API routes: only /api and the probes are documented.
    const api = routes.filter(
      (r) => r.method !== 'HEAD' && (r.url.startsWith('/api') || ['/health', '/metrics'].includes(r.url)),
    );
    expect(api.map((r) => `${r.method} ${r.url}`)).toEqual(
      expect.arrayContaining(['POST /api/agreements', 'GET /api/agreements/:id/events', 'GET /health']),
    );
    for (const { method, url } of api) {
      const path = url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
      expect({
        route: `${method} ${url}`,
        described: doc.paths?.[path]?.[method.toLowerCase()] !== undefined,
      }).toEqual({
        route: `${method} ${url}`,
        described: true,
      });
    }
  });

  it('has a <Type>Request component with an example for every event type', () => {
    for (const type of EVENT_TYPES) {
      const schema = doc.components?.schemas?.[`${type}Request`];
      expect({ type, schema: schema !== undefined }).toEqual({ type, schema: true });
      expect(schema.example).toMatchObject({ type, data: expect.any(Object) });
      // The documented data must also pass the schema the server validates with.
      const parsed = eventDataSchemas[type].safeParse(schema.example.data);
      expect({ type, issues: parsed.success ? [] : parsed.error.issues }).toEqual({ type, issues: [] });
    }
  });

  it('every event example is accepted by the API', async () => {
    const example = (type: string) => doc.components.schemas[`${type}Request`].example;
    const accepted = new Set<string>();
    const record = async (id: string, body: any) => {
      const res = await http.post(`/api/agreements/${id}/events`, body);
      expect({ type: body.type, status: res.status, body: res.status === 201 ? 'ok' : res.body }).toEqual({
        type: body.type,
        status: 201,
        body: 'ok',
      });
      accepted.add(body.type);
    };

    // AgreementProposed's example starts a stream of its own.
    await record('example-proposal', example('AgreementProposed'));

    // The rest go, in an order the rules allow, on the agreement the propose route's own example creates.
    const proposeExample = doc.paths['/api/agreements'].post.requestBody.content['application/json'].example;
    const proposed = await http.post('/api/agreements', proposeExample);
    expect(proposed.status).toBe(201);
    const id: string = proposed.body.id;
    const parties: string[] = proposed.body.parties;
    const signer = example('AgreementSigned').data.party;
    expect(parties).toContain(signer);

    await record(id, example('AgreementSigned'));
    // Not an example: the other parties sign too, so the agreement can be signed.
    for (const party of parties.filter((p) => p !== signer)) {
      await record(id, {
        type: 'AgreementSigned',
        occurredOn: example('AgreementSigned').occurredOn,
        data: { party },
      });
    }
    for (const type of [
      'ReservationMade',
      'DeclarationMade',
      'ObjectionMade',
      'ReservationWithdrawn',
      'ProvisionalApplicationStarted',
      'AgreementRatified',
      'ExerciseHeld',
      'ReviewConducted',
      'AgreementAmended',
      'ConsultationHeld',
      'ContributionRecorded',
      'AgreementEnteredIntoForce',
      'PartyAcceded',
      'MilestoneCommitted',
      'MilestoneMet',
      'AgreementRenewed',
      'AgreementSuspended',
      'AgreementResumed',
      'AgreementWithdrawn',
      'WithdrawalRescinded',
      'AgreementLinked',
      'AgreementTerminated',
    ]) {
      await record(id, example(type));
    }
    // A succession needs its predecessor among the parties: an agreement of its own (not an example).
    const succession = example('SuccessionNotified');
    const predecessor: string = succession.data.predecessor;
    expect(
      (
        await http.post('/api/agreements', {
          ...proposeExample,
          id: 'example-succession',
          parties: ['FRA', predecessor],
        })
      ).status,
    ).toBe(201);
    for (const party of ['FRA', predecessor]) {
      await record('example-succession', {
        type: 'AgreementSigned',
        occurredOn: succession.occurredOn,
        data: { party },
      });
    }
    await record('example-succession', succession);
    // A retraction names an event of its own stream: the example, for the succession just recorded.
    const events = (await http.get('/api/agreements/example-succession/events?limit=1000')).body.items;
    const retraction = example('EventRetracted');
    await record('example-succession', {
      ...retraction,
      data: { ...retraction.data, eventId: events.at(-1).eventId },
    });
    expect((await http.get('/api/agreements/example-succession')).body.parties).toContain(predecessor);
    expect([...accepted].sort()).toEqual([...EVENT_TYPES].sort());
    expect((await http.get(`/api/agreements/${id}`)).body.status).toBe('terminated');
  });

  it('names a server, gives every operation a summary, and says which need a key and which refusals each can give', () => {
    expect(doc.servers).toEqual([expect.objectContaining({ url: '/' })]);
    for (const [path, methods] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
      for (const [method, operation] of Object.entries(methods)) {
        const where = `${method.toUpperCase()} ${path}`;
        expect({ where, summary: typeof operation.summary }).toEqual({ where, summary: 'string' });
        if (path.startsWith('/api')) {
          expect({ where, security: operation.security }).toEqual({ where, security: [{ apiKey: [] }] });
          expect({ where, has400: '400' in operation.responses }).toEqual({ where, has400: true });
          if (path.includes('{'))
            expect({ where, has404: '404' in operation.responses }).toEqual({ where, has404: true });
        } else {
          expect({ where, security: operation.security }).toEqual({ where, security: [] });
        }
      }
    }
  });

  it('documents problem+json refusals for the write routes', () => {
    for (const [path, codes] of [
      ['/api/agreements', ['400', '409']],
      ['/api/agreements/{id}/events', ['400', '404', '409', '412', '413']],
    ] as const) {
      for (const code of codes) {
        expect(Object.keys(doc.paths[path].post.responses[code].content)).toEqual([
          'application/problem+json',
        ]);
      }
    }
  });
});

describe('GET /docs', () => {
  it('serves the HTML UI', async () => {
    const res = await http.get('/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.body).toMatch(/<html/i);
  });
});

describe('GET /health', () => {
  it('answers 200 {status: "ok"}', async () => {
    const res = await http.get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok' });
  });
});
