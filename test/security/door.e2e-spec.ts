import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readdirSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { registeredRoutes, type RegisteredRoute } from '../../src/app.factory.js';
import { API_KEY_STORE, type ApiKeyStore } from '../../src/auth/api-key.js';
import { startApp, TEST_ADMIN_KEY, type RunningApp } from '../support/app.js';
import { api } from '../support/http.js';

/**
 * The front door, tried as an attacker would. Every route the router holds (asked of the app,
 * so a new route is covered without editing this file) that is not public is sent with no key,
 * an unknown key, a revoked key and (for writes) a viewer key, its path spelled every way a
 * router or a proxy might read differently from a guard: percent-encoded letters in each
 * segment, double encoding, `//`, `/./`, `/x/../`, `;params`, an encoded `/`, a trailing
 * encoded `/`, absolute-form. None may answer 2xx, and nothing may be stored.
 * Runs on SQLite and (jest project `postgres`) on PostgreSQL.
 */

const ID = 'gbr-fra-1';
const PARAMS: Record<string, string> = { id: ID, code: 'GBR', subscriptionId: `sub_${'0'.repeat(32)}` };
const BODIES: Record<string, unknown> = {
  'POST /api/agreements': {
    id: 'usa-kor-1953',
    title: 'Mutual Defense Treaty',
    parties: ['USA', 'KOR'],
    provisions: ['mutual_defense'],
    occurredOn: '1953-10-01',
  },
  'POST /api/agreements/:id/events': { type: 'AgreementTerminated', data: { reason: 'denounced' } },
};
const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The routes that may answer without a key: the pages and their files, health, metrics, the docs. */
const PUBLIC_FILES = new Set(
  [
    ...readdirSync('src/web/public').filter((f) => f.endsWith('.html')),
    ...readdirSync(join('src/web/public', 'assets')).map((f) => `assets/${f}`),
  ].map((f) => `/${f}`),
);
const isExpectedPublic = (r: RegisteredRoute) =>
  r.url === '/' ||
  r.url === '/health' ||
  r.url === '/agreements/:id' ||
  r.url === '/parties/:code' ||
  r.url === '/agreements/:id/audit-report' ||
  r.url === '/insights' ||
  PUBLIC_FILES.has(r.url) ||
  r.url === '/docs' ||
  r.url === '/docs-json' ||
  r.url.startsWith('/docs/') ||
  (r.url === '*' && r.method === 'OPTIONS');

let running: RunningApp;
let port: number;
let viewerKey: string;
let revokedKey: string;
let routes: RegisteredRoute[];
const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

/** One request with the target exactly as given (no URL normalisation on the way). */
function raw(
  method: string,
  target: string,
  headers: Record<string, string> = {},
  body?: unknown,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path: target,
        agent,
        headers: {
          ...(payload !== undefined
            ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) }
            : {}),
          ...headers,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
          // The live feed streams forever: its status and first bytes are all this test needs.
          if (String(res.headers['content-type']).startsWith('text/event-stream')) res.destroy();
        });
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text }));
        res.on('close', () => resolve({ status: res.statusCode!, headers: res.headers, text }));
        res.on('error', () => resolve({ status: res.statusCode!, headers: res.headers, text }));
      },
    );
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

const pathOf = (route: RegisteredRoute) =>
  route.url.replace(/:(\w+)/g, (_, name: string) => {
    const value = PARAMS[name];
    if (value === undefined) throw new Error(`No value for :${name} in ${route.url}; add one to PARAMS`);
    return value;
  });

const encodeFirstLetter = (segment: string) => {
  const i = segment.search(/[a-z]/i);
  return i < 0
    ? segment
    : `${segment.slice(0, i)}%${segment.charCodeAt(i).toString(16)}${segment.slice(i + 1)}`;
};

/** The same path, spelled in every way the door must not be fooled by. */
export function spellings(path: string): string[] {
  const segments = path.split('/').slice(1);
  const encodedOne = segments.map((_, i) =>
    ['', ...segments.map((s, j) => (j === i ? encodeFirstLetter(s) : s))].join('/'),
  );
  const upper = segments.map((_, i) =>
    [
      '',
      ...segments.map((s, j) =>
        j === i ? s.replace(/[a-z]/, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`) : s,
      ),
    ].join('/'),
  );
  const doubled = `/${encodeFirstLetter(segments[0]!).replace('%', '%25')}/${segments.slice(1).join('/')}`;
  const rest = segments.slice(1).join('/');
  return [
    path,
    ...encodedOne,
    ...upper,
    `/${segments.map(encodeFirstLetter).join('/')}`,
    doubled,
    `/${path}`,
    `/${segments[0]}//${rest}`,
    `/.${path}`,
    `/${segments[0]}/./${rest}`,
    `/x/..${path}`,
    `/${segments[0]}/x/../${rest}`,
    `/${segments[0]};x=1/${rest}`,
    `${path};x=1`,
    `/${segments[0]}%2F${rest}`,
    `/${segments[0]}%2f${rest}`,
    `${path}%2F`,
    `${path}/`,
    `${path}?`,
    `${path}#x`,
    path.toUpperCase(),
    `http://127.0.0.1:${port}${path}`,
    `http://attacker.example${path}`,
  ].filter((p, i, all) => all.indexOf(p) === i);
}

async function storedState(): Promise<unknown> {
  const admin = api(`http://127.0.0.1:${port}`);
  const events = await admin.get('/api/events?limit=1000');
  const keys = await running.app.get<ApiKeyStore>(API_KEY_STORE).list();
  return { events: events.body.items, keys };
}

beforeAll(async () => {
  running = await startApp();
  port = Number(new URL(running.url).port);
  const admin = api(running.url);
  const proposed = await admin.post('/api/agreements', {
    id: ID,
    title: 'Dunkirk treaty',
    parties: ['GBR', 'FRA'],
    provisions: ['mutual_defense'],
    occurredOn: '1947-03-04',
  });
  expect(proposed.status).toBe(201);
  const keys = running.app.get<ApiKeyStore>(API_KEY_STORE);
  viewerKey = (await keys.create({ name: 'viewer', role: 'viewer', parties: [] })).key;
  const revoked = await keys.create({ name: 'gone', role: 'admin', parties: [] });
  expect(await keys.revoke(revoked.record.keyId)).toBe(true);
  revokedKey = revoked.key;
  routes = registeredRoutes(running.app);
});

afterAll(async () => {
  agent.destroy();
  await running.close();
});

describe('which routes are public', () => {
  it('only the pages, their files, health, metrics and the docs; every /api route needs a key', () => {
    expect(routes.length).toBeGreaterThan(20);
    const unexpected = routes.filter(
      (r) => r.access === 'public' && !isExpectedPublic(r) && !(r.url === '/metrics'),
    );
    expect(unexpected).toEqual([]);
    const api = routes.filter((r) => r.url.startsWith('/api'));
    expect(api.length).toBeGreaterThanOrEqual(12);
    for (const r of api)
      expect({ r, access: r.access }).toEqual({ r, access: expect.stringMatching(/^key/) });
    expect(routes.find((r) => r.url === '/metrics')?.access).toBe('metrics');
  });
});

describe('the attacks of the issue', () => {
  it('GET /%61pi/agreements with no key is 401', async () => {
    const res = await raw('GET', '/%61pi/agreements');
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('POST /%61pi/agreements/{id}/events with no key is 401 and terminates nothing', async () => {
    const before = await storedState();
    const res = await raw(
      'POST',
      `/%61pi/agreements/${ID}/events`,
      {},
      BODIES['POST /api/agreements/:id/events'],
    );
    expect(res.status).toBe(401);
    expect(await storedState()).toEqual(before);
  });

  it('an absolute-form target is 400, whatever key it carries', async () => {
    for (const headers of [{}, { authorization: `Bearer ${TEST_ADMIN_KEY}` }] as Record<string, string>[]) {
      const res = await raw('GET', `http://127.0.0.1:${port}/api/agreements`, headers);
      expect(res.status).toBe(400);
      expect(JSON.parse(res.text)).toMatchObject({ status: 400, errors: [{ field: 'request-target' }] });
    }
  });

  it('a path no route matches is 404 before the key is asked for', async () => {
    expect((await raw('GET', '/api/no-such-route')).status).toBe(404);
    expect((await raw('GET', '/%61pi/no-such-route')).status).toBe(404);
  });

  it('with the right key, the encoded spelling reaches the same route (so the 401s above are the door)', async () => {
    const res = await raw('GET', '/%61pi/agreements', { authorization: `Bearer ${TEST_ADMIN_KEY}` });
    expect(res.status).toBe(200);
    // Chosen by the matched route, not the URL text: an API answer is never cached.
    expect(res.headers['cache-control']).toBe('no-store');
  });
});

describe('every non-public route, every spelling', () => {
  const cases: [string, () => Record<string, string>, (r: RegisteredRoute) => boolean][] = [
    ['no key', () => ({}), () => true],
    ['an unknown key', () => ({ authorization: 'Bearer tl_nobody_has_this_key_0123456789' }), () => true],
    ['a revoked key', () => ({ authorization: `Bearer ${revokedKey}` }), () => true],
    [
      'a viewer key, on writes',
      () => ({ authorization: `Bearer ${viewerKey}` }),
      (r) => !READS.has(r.method),
    ],
  ];

  it.each(cases)('with %s: no 2xx, nothing stored', async (_, headers, applies) => {
    const before = await storedState();
    // /metrics is public by default (METRICS_PUBLIC): checked with it off below.
    const protectedRoutes = routes.filter((r) => r.access.startsWith('key') && applies(r));
    expect(protectedRoutes.length).toBeGreaterThan(0);
    let sent = 0;
    const answered: string[] = [];
    for (const route of protectedRoutes) {
      const body = route.method === 'POST' ? (BODIES[`${route.method} ${route.url}`] ?? {}) : undefined;
      for (const target of spellings(pathOf(route))) {
        const res = await raw(route.method, target, headers(), body);
        sent++;
        if (res.status < 300) answered.push(`${route.method} ${target} → ${res.status}`);
      }
    }
    expect(answered).toEqual([]);
    expect(sent).toBeGreaterThan(protectedRoutes.length * 15);
    expect(await storedState()).toEqual(before);
  });

  it('the key in ?access_token= opens only the live feed', async () => {
    const before = await storedState();
    const answered: string[] = [];
    for (const route of routes.filter((r) => r.access === 'key')) {
      const body = route.method === 'POST' ? (BODIES[`${route.method} ${route.url}`] ?? {}) : undefined;
      for (const query of [`?access_token=${TEST_ADMIN_KEY}`, `?access%5Ftoken=${TEST_ADMIN_KEY}`]) {
        const res = await raw(route.method, `${pathOf(route)}${query}`, {}, body);
        if (res.status < 300) answered.push(`${route.method} ${route.url}${query} → ${res.status}`);
      }
    }
    expect(answered).toEqual([]);
    expect(await storedState()).toEqual(before);
  });
});

describe('METRICS_PUBLIC=false', () => {
  it('/metrics then needs a key like the API', async () => {
    const closed = await startApp({ env: { METRICS_PUBLIC: 'false' } });
    try {
      const target = `${closed.url}/metrics`;
      expect((await fetch(target)).status).toBe(401);
      expect((await fetch(`${closed.url}/%6detrics`)).status).toBe(401);
      const withKey = await fetch(target, { headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` } });
      expect(withKey.status).toBe(200);
      expect(await withKey.text()).toMatch(/^# HELP/m);
    } finally {
      await closed.close();
    }
  });
});
