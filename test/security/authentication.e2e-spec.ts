import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { registeredRoutes, type RegisteredRoute } from '../../src/app.factory.js';
import { startApp, TEST_ADMIN_KEY, type RunningApp } from '../support/app.js';
import { api, request, type JsonResponse } from '../support/http.js';

/**
 * Every /api route the application registers, found by asking the app rather than by
 * listing them here, refuses a request with no key, a malformed Authorization header,
 * an unknown key and a revoked key: 401 problem+json with WWW-Authenticate. The write
 * routes get valid bodies, so a guard that let one through would show up as a write.
 */

const ID = 'usa-jpn-1960';
/** Plausible values for every path parameter the API uses; a new one fails the test until added. */
const PARAMS: Record<string, string> = { id: ID, code: 'USA' };
const BODIES: Record<string, unknown> = {
  'POST /api/agreements': {
    id: 'usa-kor-1953',
    title: 'Mutual Defense Treaty',
    parties: ['USA', 'KOR'],
    provisions: ['mutual_defense'],
    occurredOn: '1953-10-01',
  },
  'POST /api/agreements/:id/events': {
    type: 'AgreementSigned',
    occurredOn: '1960-01-19',
    data: { party: 'USA' },
  },
};

let running: RunningApp;
let admin: ReturnType<typeof api>;
let apiRoutes: RegisteredRoute[];

function cli(dbFile: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['dist/scripts/keys.js', ...args],
      { env: { ...process.env, DATABASE_URL: `sqlite:${dbFile}` } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** Query parameters a route needs to answer 200 (the log's proofs name a tree and a leaf in it). */
const QUERIES: Record<string, string> = {
  '/api/log/proof/inclusion': '?position=1&treeSize=1',
  '/api/log/proof/consistency': '?from=1&to=1',
};

function pathOf(route: RegisteredRoute): string {
  return `${withParams(route)}${QUERIES[route.url] ?? ''}`;
}

function withParams(route: RegisteredRoute): string {
  return route.url.replace(/:(\w+)/g, (_, name: string) => {
    const value = PARAMS[name];
    if (value === undefined)
      throw new Error(`No plausible value for :${name} in ${route.url}; add one to PARAMS`);
    return value;
  });
}

function send(route: RegisteredRoute, headers: Record<string, string>, query = ''): Promise<JsonResponse> {
  const body = route.method === 'POST' ? (BODIES[`${route.method} ${route.url}`] ?? {}) : undefined;
  return request(
    running.url,
    route.method,
    `${withParams(route)}${query || (QUERIES[route.url] ?? '')}`,
    body,
    headers,
  );
}

async function eventCount(): Promise<number> {
  const res = await admin.get('/api/events?limit=1000');
  expect(res.status).toBe(200);
  return res.body.items.length;
}

function expect401(route: RegisteredRoute, res: JsonResponse): void {
  expect({ route, status: res.status }).toEqual({ route, status: 401 });
  expect(res.headers.get('www-authenticate')).toMatch(/^Bearer\b/);
  if (route.method === 'HEAD') return; // HEAD answers carry no body
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ status: 401, title: expect.any(String), detail: expect.any(String) });
}

async function expectAllRefused(headers: Record<string, string>, query = ''): Promise<void> {
  const before = await eventCount();
  for (const route of apiRoutes) expect401(route, await send(route, headers, query));
  expect(await eventCount()).toBe(before);
}

beforeAll(async () => {
  if (!existsSync('dist/scripts/keys.js'))
    throw new Error('Run `npm run build` first: this test runs the keys CLI');
  running = await startApp({ env: { WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' } });
  admin = api(running.url);
  const subscribed = await admin.post('/api/subscriptions', {
    url: 'http://127.0.0.1:9/hook',
    events: ['AgreementTerminated'],
  });
  expect(subscribed.status).toBe(201);
  PARAMS.subscriptionId = subscribed.body.id;
  const proposed = await admin.post('/api/agreements', {
    id: ID,
    title: 'Treaty of Mutual Cooperation and Security',
    parties: ['USA', 'JPN'],
    provisions: ['mutual_defense'],
    occurredOn: '1960-01-06',
  });
  expect(proposed.status).toBe(201);
  apiRoutes = registeredRoutes(running.app).filter((r) => r.url === '/api' || r.url.startsWith('/api/'));
});

afterAll(async () => {
  await running.close();
});

describe('the routes under test', () => {
  it('include every documented /api route, reads and writes', () => {
    const seen = new Set(apiRoutes.map((r) => `${r.method} ${r.url}`));
    for (const route of [
      'POST /api/agreements',
      'POST /api/agreements/:id/events',
      'GET /api/agreements',
      'GET /api/agreements/:id',
      'GET /api/agreements/:id/events',
      'GET /api/agreements/:id/audit/verify',
    ]) {
      expect(seen).toContain(route);
    }
  });

  it('every one of them answers with the admin key (so a 401 below is the key, not the route)', async () => {
    for (const route of apiRoutes.filter((r) => r.method === 'GET' && !r.url.endsWith('/live'))) {
      const res = await send(route, { authorization: `Bearer ${TEST_ADMIN_KEY}` });
      expect({ route, status: res.status }).toEqual({ route, status: 200 });
    }
  });
});

describe('every /api route answers 401', () => {
  it('without a key', async () => {
    await expectAllRefused({});
  });

  it.each([
    ['another scheme', 'Basic dXNlcjpwYXNzd29yZA=='],
    ['no key after Bearer', 'Bearer'],
    ['two tokens', 'Bearer tl_one tl_two'],
    ['no scheme', 'tl_test_admin_key_0123456789abcdef'],
    ['a key longer than any key', `Bearer ${'k'.repeat(600)}`],
  ])('with a malformed Authorization header (%s)', async (_, value) => {
    await expectAllRefused({ authorization: value });
  });

  it('with an unknown key', async () => {
    await expectAllRefused({ authorization: 'Bearer tl_nobody_has_this_key_0123456789' });
  });

  it('with the key in ?access_token= (accepted only on routes marked so: the live feed, the calendar)', async () => {
    const marked = [...new Set(apiRoutes.filter((r) => r.access === 'key-or-query-token').map((r) => r.url))];
    expect(marked.sort()).toEqual(['/api/events/live', '/api/milestones.ics']);
    const routes = apiRoutes.filter((r) => r.access !== 'key-or-query-token');
    const before = await eventCount();
    for (const route of routes) {
      expect401(route, await send(route, {}, `?access_token=${encodeURIComponent(TEST_ADMIN_KEY)}`));
    }
    expect(await eventCount()).toBe(before);
  });
});

describe('a key created and revoked with the CLI', () => {
  it('works at once, and after `keys revoke` every /api route answers 401 at once', async () => {
    const created = await cli(running.dbFile, 'create', '--role', 'admin', '--name', 'Short-lived admin');
    expect(created).toMatchObject({ code: 0 });
    const key = created.stdout.trim().split('\n').at(-1)!;
    expect(key).toMatch(/^\S{32,}$/);
    const listed = await cli(running.dbFile, 'list');
    const line = listed.stdout.split('\n').find((l) => l.includes('Short-lived admin'))!;
    expect(line).toMatch(/\bactive\b/);
    const keyId = line.split(/\s+/)[0]!;

    const withKey = api(running.url, key);
    expect((await withKey.get('/api/agreements')).status).toBe(200);
    const signed = await withKey.post(
      `/api/agreements/${ID}/events`,
      BODIES['POST /api/agreements/:id/events'],
    );
    expect(signed.status).toBe(201);
    expect(signed.body.metadata).toMatchObject({ actor: 'Short-lived admin', keyId });

    const revoked = await cli(running.dbFile, 'revoke', keyId);
    expect(revoked).toMatchObject({ code: 0 });
    expect((await cli(running.dbFile, 'list')).stdout).toMatch(new RegExp(`^${keyId}\\s.*revoked`, 'm'));

    await expectAllRefused({ authorization: `Bearer ${key}` });
    const live = apiRoutes.find((r) => r.url.endsWith('/live'));
    if (live) expect401(live, await send(live, {}, `?access_token=${encodeURIComponent(key)}`));
    // The other keys are untouched.
    expect((await admin.get('/api/agreements')).status).toBe(200);
  });

  it('revoking an unknown id fails with a non-zero exit', async () => {
    const res = await cli(running.dbFile, 'revoke', 'no-such-key');
    expect(res.code).not.toBe(0);
    expect(res.stderr).toMatch(/no-such-key/);
  });
});

describe('the live feed takes ?access_token= (EventSource cannot send headers)', () => {
  it('streams with a valid key in the query', async () => {
    const live = apiRoutes.find((r) => r.method === 'GET' && r.url.endsWith('/live'));
    if (!live) return;
    const controller = new AbortController();
    const res = await fetch(
      `${running.url}${pathOf(live)}?access_token=${encodeURIComponent(TEST_ADMIN_KEY)}`,
      {
        signal: controller.signal,
      },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    controller.abort();
  });
});
