import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { EventSource } from 'eventsource';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { startApp, TEST_ADMIN_KEY, testDatabaseKind, type RunningApp } from '../support/app.js';
import { api } from '../support/http.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';

/** Readiness and Prometheus metrics, on both databases; on PostgreSQL, through an outage. */

async function until(predicate: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (const deadline = Date.now() + 30_000; !(await predicate());) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A TCP proxy in front of PostgreSQL that the test can cut (every connection dropped and refused) and restore. */
async function startProxy(target: { host: string; port: number }) {
  const sockets = new Set<Socket>();
  let open = true;
  const server: Server = createServer((client) => {
    if (!open) return void client.destroy();
    const upstream = connect(target.port, target.host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    cut: () => {
      open = false;
      for (const s of sockets) s.destroy();
    },
    restore: () => void (open = true),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The value of one sample line of the Prometheus text, or undefined when absent. */
function sample(metrics: string, name: string): number | undefined {
  const line = metrics.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

const proposal = (id: string) => ({
  id,
  title: `Agreement ${id}`,
  parties: ['USA', 'JPN'],
  provisions: ['consultation'],
  occurredOn: '2020-01-06',
});

describe('GET /metrics (Prometheus text)', () => {
  let running: RunningApp;
  afterEach(async () => running?.close());

  it('counts appends, conflicts and latency, and the open live clients', async () => {
    running = await startApp();
    const http = api(running.url);
    expect((await http.post('/api/agreements', proposal('metrics-1'))).status).toBe(201);
    const stale = await http.post(
      '/api/agreements/metrics-1/events',
      { type: 'AgreementSigned', occurredOn: '2020-02-01', data: { party: 'USA' } },
      { 'if-match': '"7"' },
    );
    expect(stale.status).toBe(412);
    const live = new EventSource(`${running.url}/api/events/live`, {
      fetch: (input, init) =>
        fetch(input, { ...init, headers: { ...init?.headers, authorization: `Bearer ${TEST_ADMIN_KEY}` } }),
    });
    await until(() => live.readyState === EventSource.OPEN, 'the live client to connect');
    try {
      const response = await fetch(`${running.url}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
      const text = await response.text();
      expect(sample(text, 'treaty_ledger_appends_total{outcome="committed"}')).toBe(1);
      expect(sample(text, 'treaty_ledger_events_appended_total')).toBe(1);
      expect(sample(text, 'treaty_ledger_append_conflicts_total')).toBe(1);
      // The handler checks If-Match before appending: a stale one never reaches the store.
      expect(sample(text, 'treaty_ledger_append_duration_seconds_count')).toBe(1);
      expect(sample(text, 'treaty_ledger_append_duration_seconds_bucket{le="+Inf"}')).toBe(1);
      expect(sample(text, 'treaty_ledger_live_clients')).toBe(1);
      expect(sample(text, 'treaty_ledger_projection_lag_events')).toBe(0);
      expect(text).toMatch(/^# TYPE treaty_ledger_append_duration_seconds histogram$/m);
    } finally {
      live.close();
    }
    await until(
      async () =>
        sample(await (await fetch(`${running.url}/metrics`)).text(), 'treaty_ledger_live_clients') === 0,
      'the live client count to drop',
    );
  });

  it('counts the read caches’ hits and misses (SQLite; none shown on PostgreSQL, which has no such cache)', async () => {
    running = await startApp();
    const http = api(running.url);
    expect((await http.post('/api/agreements', proposal('cache-1'))).status).toBe(201);
    const lookups = async () => {
      const text = await (await fetch(`${running.url}/metrics`)).text();
      return {
        hit: sample(text, 'treaty_ledger_read_cache_lookups_total{result="hit"}'),
        miss: sample(text, 'treaty_ledger_read_cache_lookups_total{result="miss"}'),
      };
    };
    /** What one status read added to the counts. */
    const read = async () => {
      const before = await lookups();
      expect((await http.get('/api/agreements/cache-1')).status).toBe(200);
      const after = await lookups();
      return { hit: after.hit! - before.hit!, miss: after.miss! - before.miss! };
    };
    if (testDatabaseKind() === 'postgres') {
      expect(await lookups()).toEqual({ hit: undefined, miss: undefined });
      return;
    }
    await read();
    expect(await read()).toEqual({ hit: 1, miss: 0 });
    const signed = await http.post('/api/agreements/cache-1/events', {
      type: 'AgreementSigned',
      occurredOn: '2020-02-01',
      data: { party: 'USA' },
    });
    expect(signed.status).toBe(201);
    // Its own append forgot the agreement: read again from the database, then kept.
    expect(await read()).toEqual({ hit: 0, miss: 1 });
    expect(await read()).toEqual({ hit: 1, miss: 0 });
  });
});

describe('PostgreSQL: readiness through a database outage', () => {
  let database: TestDatabase;
  let proxy: Awaited<ReturnType<typeof startProxy>>;
  const apps: RunningApp[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    const target = new URL(database.url);
    proxy = await startProxy({ host: target.hostname, port: Number(target.port) });
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await proxy.close();
    await database.drop();
  });

  it('answers 503 on /health and on writes while the database is away, and catches up after', async () => {
    const viaProxy = new URL(database.url);
    viaProxy.port = String(proxy.port);
    const env = { DATABASE_CONNECT_TIMEOUT_MS: '1000', DATABASE_POOL_MAX: '4' };
    apps.push(await startApp({ databaseUrl: viaProxy.toString(), env }));
    apps.push(await startApp({ databaseUrl: database.url }));
    const [a, direct] = apps.map((app) => api(app.url));
    const health = await a!.get('/health');
    expect(health).toMatchObject({ status: 200, body: { status: 'ok', database: 'postgres' } });
    const metrics = await (await fetch(`${apps[0]!.url}/metrics`)).text();
    expect(sample(metrics, 'treaty_ledger_db_pool_connections{state="max"}')).toBe(4);

    // A live client on the instance that will lose its database.
    const seen: string[] = [];
    const live = new EventSource(`${apps[0]!.url}/api/events/live?lastEventId=0`, {
      fetch: (input, init) =>
        fetch(input, { ...init, headers: { ...init?.headers, authorization: `Bearer ${TEST_ADMIN_KEY}` } }),
    });
    live.onmessage = (m) => seen.push((JSON.parse(m.data) as { agreementId: string }).agreementId);
    try {
      expect((await a!.post('/api/agreements', proposal('before-outage'))).status).toBe(201);
      await until(() => seen.length === 1, 'the first event on the live feed');

      proxy.cut();
      const down = await a!.get('/health');
      expect(down.status).toBe(503);
      const refused = await a!.post('/api/agreements', proposal('during-outage'));
      expect(refused.status).toBe(503);
      expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      // The other instance still writes; the cut one's live client gets it once the database is back.
      expect((await direct!.post('/api/agreements', proposal('written-elsewhere'))).status).toBe(201);

      proxy.restore();
      await until(async () => (await a!.get('/health')).status === 200, '/health to recover');
      expect((await a!.post('/api/agreements', proposal('after-outage'))).status).toBe(201);
      await until(() => seen.length === 3, 'the live feed to catch up');
      expect(seen).toEqual(['before-outage', 'written-elsewhere', 'after-outage']);
    } finally {
      live.close();
    }
  });
});
