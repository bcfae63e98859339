import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { EventSource } from 'eventsource';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp, TEST_ADMIN_KEY, testDatabaseKind, type RunningApp } from '../support/app.js';
import { api } from '../support/http.js';
import { createTestDatabase } from '../support/postgres.js';

/** Resolves once `predicate` holds; gives up (failing the test) after 20 s rather than hanging. */
async function until(predicate: () => boolean): Promise<void> {
  for (const deadline = Date.now() + 20_000; !predicate();) {
    if (Date.now() > deadline) throw new Error('Timed out waiting for the expected events');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** An EventSource from the `eventsource` package, sending the API key as a header. */
function openFeed(url: string): { source: EventSource; messages: { id: string; data: any }[] } {
  const messages: { id: string; data: any }[] = [];
  const source = new EventSource(url, {
    fetch: (input, init) =>
      fetch(input, { ...init, headers: { ...init?.headers, authorization: `Bearer ${TEST_ADMIN_KEY}` } }),
  });
  source.onmessage = (m) => messages.push({ id: m.lastEventId, data: JSON.parse(m.data) });
  return { source, messages };
}

/**
 * A TCP proxy on a fixed port, so that a client can reconnect to "the same server" after the
 * application behind it restarts on another port. With no target it drops every connection.
 * It records the Last-Event-ID header of each request it forwards.
 */
async function startProxy() {
  const sockets = new Set<Socket>();
  const lastEventIds: (string | undefined)[] = [];
  const state: { target?: number } = {};
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    if (state.target === undefined) {
      client.destroy();
      return;
    }
    const upstream = connect(state.target, '127.0.0.1');
    sockets.add(upstream);
    client.once('data', (chunk: Buffer) => {
      lastEventIds.push(/^last-event-id:\s*(.*)\r$/im.exec(chunk.toString('latin1'))?.[1]);
    });
    client.pipe(upstream).pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    lastEventIds,
    pointAt: (app: RunningApp | undefined) => {
      state.target = app ? Number(new URL(app.url).port) : undefined;
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** One database that outlives the apps started on it: a SQLite file, or a PostgreSQL database. */
async function lastingDatabase(
  dir: string,
): Promise<{ start(): Promise<RunningApp>; drop(): Promise<void> }> {
  if (testDatabaseKind() === 'postgres') {
    const database = await createTestDatabase();
    return { start: () => startApp({ databaseUrl: database.url }), drop: () => database.drop() };
  }
  const dbFile = join(dir, 'restart.db');
  return { start: () => startApp({ dbFile }), drop: async () => {} };
}

const propose = (id: string, occurredOn = '1960-01-06') => ({
  id,
  title: `Agreement ${id}`,
  parties: ['USA', 'JPN'],
  provisions: ['mutual_defense'],
  occurredOn,
});
const consultation = (topic: string, occurredOn = '2024-01-10') => ({
  type: 'ConsultationHeld',
  occurredOn,
  data: { level: 'working', topics: [topic] },
});
const signAll = [
  { type: 'AgreementSigned', occurredOn: '1960-01-19', data: { party: 'USA' } },
  { type: 'AgreementSigned', occurredOn: '1960-01-19', data: { party: 'JPN' } },
];

describe('GET /api/events/live (server-sent events)', () => {
  let dir: string;
  const open: EventSource[] = [];
  const apps: RunningApp[] = [];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'live-e2e-'));
  });
  afterEach(async () => {
    for (const source of open.splice(0)) source.close();
    for (const app of apps.splice(0)) await app.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /**
   * An app behind a proxy, on a database that outlives it, holding agreement `id` proposed and
   * signed (3 events). `restart(source)` stops the app, waits until `source` is retrying, and starts
   * another on the same database, which the proxy serves only once `serve()` is called: events
   * recorded through `http` before that happen while the client is away.
   */
  async function behindProxy(
    id: string,
    test: (scenario: {
      proxy: Awaited<ReturnType<typeof startProxy>>;
      http: ReturnType<typeof api>;
      restart: (source: EventSource) => Promise<{ http: ReturnType<typeof api>; serve: () => void }>;
    }) => Promise<void>,
  ): Promise<void> {
    const database = await lastingDatabase(dir);
    const first = await database.start();
    apps.push(first);
    const proxy = await startProxy();
    try {
      proxy.pointAt(first);
      const http = api(first.url);
      expect((await http.post('/api/agreements', propose(id))).status).toBe(201);
      expect((await http.post(`/api/agreements/${id}/events`, signAll)).status).toBe(201);
      await test({
        proxy,
        http,
        restart: async (source) => {
          proxy.pointAt(undefined);
          await first.close();
          apps.splice(apps.indexOf(first), 1);
          await until(() => source.readyState === EventSource.CONNECTING);
          const second = await database.start();
          apps.push(second);
          return { http: api(second.url), serve: () => proxy.pointAt(second) };
        },
      });
    } finally {
      await proxy.close();
      for (const app of apps.splice(0)) await app.close();
      await database.drop();
    }
  }

  it('resumes from Last-Event-ID after the server restarts, and delivers every event exactly once', async () => {
    await behindProxy('usa-jpn-live', async ({ proxy, http, restart }) => {
      // From the start of the store: the three stored events are replayed.
      const { source, messages } = openFeed(`${proxy.url}/api/events/live?lastEventId=0`);
      open.push(source);
      await until(() => messages.length === 3);

      // Live while connected.
      await http.post('/api/agreements/usa-jpn-live/events', consultation('while connected'));
      await until(() => messages.length === 4);

      // The server goes away and restarts on the same database; events are recorded before the client is back.
      const second = await restart(source);
      await second.http.post('/api/agreements/usa-jpn-live/events', consultation('while away, 1'));
      await second.http.post('/api/agreements/usa-jpn-live/events', [
        consultation('while away, 2'),
        consultation('while away, 3'),
      ]);
      second.serve();
      await until(() => messages.length >= 7);

      // And live again after the reconnection.
      await second.http.post('/api/agreements/usa-jpn-live/events', consultation('after reconnecting'));
      await until(() => messages.length >= 8);

      const stored = (await second.http.get('/api/events?limit=1000')).body.items;
      expect(stored).toHaveLength(8);
      expect(messages.map((m) => Number(m.id))).toEqual(stored.map((e: any) => e.position));
      expect(messages.map((m) => m.data)).toEqual(stored);
      // The reconnection asked for what followed the last event it had, not the original lastEventId=0.
      expect(proxy.lastEventIds.filter(Boolean).at(-1)).toBe(String(stored[3].position));
    });
  });

  it('tells a client without a position where the store is, so a reconnection before any event misses nothing', async () => {
    await behindProxy('usa-jpn-head', async ({ proxy, http, restart }) => {
      const head = (await http.get('/api/events?limit=1000')).body.items.at(-1).position as number;

      // No lastEventId: nothing stored is replayed, but a `position` event names the head.
      const { source, messages } = openFeed(`${proxy.url}/api/events/live`);
      open.push(source);
      const positions: { id: string; data: any }[] = [];
      source.addEventListener('position', (m) =>
        positions.push({ id: m.lastEventId, data: JSON.parse(m.data) }),
      );
      await until(() => positions.length === 1);
      expect(positions[0]).toEqual({ id: String(head), data: { position: head } });
      expect(messages).toEqual([]);

      // The server goes away before any event reached the client; events are recorded meanwhile.
      const second = await restart(source);
      await second.http.post('/api/agreements/usa-jpn-head/events', consultation('while away, 1'));
      await second.http.post('/api/agreements/usa-jpn-head/events', consultation('while away, 2'));
      second.serve();

      // The reconnection asked for what followed the head, and got exactly the two.
      await until(() => messages.length >= 2);
      const stored = (await second.http.get('/api/events?limit=1000')).body.items;
      expect(messages.map((m) => Number(m.id))).toEqual([head + 1, head + 2]);
      expect(messages.map((m) => m.data)).toEqual(stored.slice(-2));
      expect(proxy.lastEventIds.filter(Boolean).at(-1)).toBe(String(head));
    });
  });

  it("with ?agreement= sends only that agreement's events, stored and new", async () => {
    const app = await startApp();
    apps.push(app);
    const http = api(app.url);
    await http.post('/api/agreements', propose('watched'));
    await http.post('/api/agreements', propose('ignored'));
    await http.post('/api/agreements/watched/events', signAll);

    const { source, messages } = openFeed(`${app.url}/api/events/live?agreement=watched&lastEventId=0`);
    open.push(source);
    await until(() => messages.length === 3);
    await http.post('/api/agreements/ignored/events', signAll);
    await http.post('/api/agreements/watched/events', consultation('watched only'));
    await until(() => messages.length >= 4);

    const watched = (await http.get('/api/agreements/watched/events')).body.items;
    expect(messages.map((m) => m.data)).toEqual(watched);
    expect(new Set(messages.map((m) => m.data.agreementId))).toEqual(new Set(['watched']));
  });

  it('refuses a malformed Last-Event-ID or filter with a problem, before streaming', async () => {
    const app = await startApp();
    apps.push(app);
    const http = api(app.url);
    const badId = await http.get('/api/events/live', { 'last-event-id': 'yesterday' });
    expect(badId.status).toBe(400);
    expect(badId.headers.get('content-type')).toContain('application/problem+json');
    expect(badId.body.errors[0].field).toBe('Last-Event-ID');
    const badFilter = await http.get('/api/events/live?agreement=NOT%20AN%20ID');
    expect(badFilter.status).toBe(400);
    expect(badFilter.body.errors[0].field).toBe('agreement');
  });
});

describe('GET /api/events (global feed)', () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp();
    const http = api(app.url);
    await http.post('/api/agreements', propose('feed-one'));
    await http.post('/api/agreements', propose('feed-two'));
    await http.post('/api/agreements/feed-one/events', signAll);
  });
  afterAll(() => app.close());

  it('pages through every event in position order with nextCursor', async () => {
    const http = api(app.url);
    const first = await http.get('/api/events?limit=3');
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(3);
    const second = await http.get(`/api/events?limit=3&cursor=${first.body.nextCursor}`);
    expect(second.body.items).toHaveLength(1);
    expect(second.body.nextCursor).toBeUndefined();
    const positions = [...first.body.items, ...second.body.items].map((e: any) => e.position);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(new Set(positions).size).toBe(4);

    const after = await http.get(`/api/events?after=${positions[1]}`);
    expect(after.body.items.map((e: any) => e.position)).toEqual(positions.slice(2));
    // Presented like an agreement's raw events.
    const raw = (await http.get('/api/agreements/feed-one/events')).body.items;
    expect(first.body.items[0]).toEqual(raw[0]);
  });

  it.each([
    ['after=-1', 'after'],
    ['after=abc', 'after'],
    ['limit=0', 'limit'],
    ['limit=1001', 'limit'],
    ['cursor=bogus', 'cursor'],
    ['since=3', 'since'],
  ])('refuses %s with a 400 naming %s', async (query, field) => {
    const response = await api(app.url).get(`/api/events?${query}`);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.body.errors.map((e: any) => e.field)).toContain(field);
  });
});
