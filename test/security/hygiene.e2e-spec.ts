import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { startApp, type RunningApp } from '../support/app.js';
import { api, request, type JsonResponse } from '../support/http.js';

/**
 * Hygiene (OWASP API4, API8): security headers, CORS off unless configured, size limits
 * answered as problem+json, the docs and health served without a key, and a server
 * error that tells the client nothing about the code or the database.
 */

function expectProblem(res: JsonResponse, status: number): void {
  expect({ status: res.status, body: res.body }).toMatchObject({ status, body: { status } });
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
}

describe('by default', () => {
  let running: RunningApp;
  let http: ReturnType<typeof api>;

  beforeAll(async () => {
    running = await startApp();
    http = api(running.url);
  });

  afterAll(async () => {
    await running.close();
  });

  it('sends security headers on API answers, refusals included, and never lets them be cached', async () => {
    const answers = [
      await http.get('/api/agreements'),
      await request(running.url, 'GET', '/api/agreements'), // 401
      await http.get('/api/agreements/no-such-agreement'), // 404
    ];
    expect(answers.map((r) => r.status)).toEqual([200, 401, 404]);
    for (const res of answers) {
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('cache-control')).toMatch(/no-store/);
      expect(res.headers.get('x-powered-by')).toBeNull();
    }
  });

  it('sends nosniff and frame-options on /health too', async () => {
    const res = await request(running.url, 'GET', '/health');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });

  it('sends no CORS headers for a cross-origin request or preflight', async () => {
    const res = await http.get('/api/agreements', { origin: 'https://a.example' });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await request(running.url, 'OPTIONS', '/api/agreements', undefined, {
      origin: 'https://a.example',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization, content-type',
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflight.headers.get('access-control-allow-methods')).toBeNull();
  });

  it('answers a request with a 20 KB cookie with 431 problem+json', async () => {
    const res = await http.get('/api/agreements', { cookie: `session=${'x'.repeat(20 * 1024)}` });
    expectProblem(res, 431);
  });

  it('answers a body over the cap with 413 problem+json, writing nothing', async () => {
    const res = await http.post('/api/agreements', {
      title: 'Too long',
      parties: ['USA', 'JPN'],
      provisions: [],
      objectives: Array.from({ length: 400 }, () => 'y'.repeat(200)),
    });
    expectProblem(res, 413);
    expect((await http.get('/api/agreements')).body.total).toBe(0);
  });

  it('caps the page size at 1000', async () => {
    expect((await http.get('/api/agreements?limit=1000')).status).toBe(200);
    const res = await http.get('/api/agreements?limit=1001');
    expectProblem(res, 400);
    expect(JSON.stringify(res.body.errors)).toContain('limit');
  });

  it('serves /docs, /docs-json and /health without a key', async () => {
    const docs = await fetch(`${running.url}/docs`);
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-type')).toMatch(/^text\/html/);
    const json = await request(running.url, 'GET', '/docs-json');
    expect(json.status).toBe(200);
    expect(json.body.paths['/api/agreements']).toBeDefined();
    const health = await request(running.url, 'GET', '/health');
    expect(health.status).toBe(200);
  });
});

describe('with CORS_ORIGINS=https://a.example', () => {
  let running: RunningApp;
  let http: ReturnType<typeof api>;

  beforeAll(async () => {
    running = await startApp({ env: { CORS_ORIGINS: 'https://a.example' } });
    http = api(running.url);
  });

  afterAll(async () => {
    await running.close();
  });

  it('the allowed origin gets Access-Control-Allow-Origin, on requests and preflights', async () => {
    const res = await http.get('/api/agreements', { origin: 'https://a.example' });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://a.example');
    const preflight = await request(running.url, 'OPTIONS', '/api/agreements', undefined, {
      origin: 'https://a.example',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization, content-type, idempotency-key',
    });
    expect(preflight.status).toBeLessThan(300);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://a.example');
  });

  it('another origin does not', async () => {
    const res = await http.get('/api/agreements', { origin: 'https://b.example' });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await request(running.url, 'OPTIONS', '/api/agreements', undefined, {
      origin: 'https://b.example',
      'access-control-request-method': 'POST',
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('a server error', () => {
  it('tells the client nothing about the code or the database', async () => {
    const running = await startApp();
    try {
      const http = api(running.url);
      expect(
        (
          await http.post('/api/agreements', {
            id: 'usa-jpn-1960',
            title: 'Treaty',
            parties: ['USA', 'JPN'],
            provisions: [],
          })
        ).status,
      ).toBe(201);
      // A real failure: a read-model table goes missing under the running server (a botched
      // manual repair, a restore of the wrong file): every query on it now fails in SQLite.
      const db = new Database(running.dbFile);
      db.exec('DROP TABLE agreement_status');
      db.close();

      const failures = [
        await http.get('/api/agreements'),
        await http.get('/api/agreements/usa-jpn-1960'),
        await http.post('/api/agreements', { title: 'Another', parties: ['USA', 'KOR'], provisions: [] }),
      ];
      for (const res of failures) {
        expect(res.status).toBeGreaterThanOrEqual(500);
        expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        const text = JSON.stringify(res.body);
        for (const leak of [
          /agreement_status/i,
          /sqlite/i,
          /select|insert|update/i,
          /\bat \S+ \(/,
          /\.[jt]s:\d+/,
          /stack/i,
        ]) {
          expect({ leak: leak.source, text }).toEqual({
            leak: leak.source,
            text: expect.not.stringMatching(leak),
          });
        }
      }
    } finally {
      await running.close();
    }
  });
});
