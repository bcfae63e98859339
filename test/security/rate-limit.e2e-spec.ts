import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { startApp, type RunningApp } from '../support/app.js';
import { api } from '../support/http.js';

/**
 * Per-key rate limits (OWASP API4): RATE_LIMIT_PER_MINUTE requests per key per minute,
 * then 429 problem+json with Retry-After; other keys keep their own allowance; 0 turns
 * the limit off. The requests below take milliseconds, far inside one window.
 */

function createKey(dbFile: string, role: string, name: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['dist/scripts/keys.js', 'create', '--role', role, '--name', name],
      { env: { ...process.env, DATABASE_URL: `sqlite:${dbFile}` } },
      (error, stdout, stderr) =>
        error
          ? reject(new Error(`keys create failed: ${stderr}`))
          : resolve(stdout.trim().split('\n').at(-1)!),
    );
  });
}

beforeAll(() => {
  if (!existsSync('dist/scripts/keys.js'))
    throw new Error('Run `npm run build` first: this test runs the keys CLI');
});

describe('RATE_LIMIT_PER_MINUTE=5', () => {
  let running: RunningApp;

  beforeAll(async () => {
    running = await startApp({ env: { RATE_LIMIT_PER_MINUTE: '5' } });
  });

  afterAll(async () => {
    await running.close();
  });

  it('the 6th request of a key in a minute gets 429 with Retry-After; another key is not affected', async () => {
    const admin = api(running.url);
    for (let i = 1; i <= 5; i++)
      expect({ i, status: (await admin.get('/api/agreements')).status }).toEqual({ i, status: 200 });

    const limited = await admin.get('/api/agreements');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(limited.body).toMatchObject({
      status: 429,
      title: expect.any(String),
      detail: expect.any(String),
    });
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);

    // Writes count too, and a refused write writes nothing.
    const write = await admin.post('/api/agreements', {
      title: 'Should not be stored',
      parties: ['USA', 'JPN'],
      provisions: [],
    });
    expect(write.status).toBe(429);

    const viewer = api(running.url, await createKey(running.dbFile, 'viewer', 'Other desk'));
    for (let i = 1; i <= 5; i++) {
      const res = await viewer.get('/api/agreements');
      expect({ i, status: res.status }).toEqual({ i, status: 200 });
      expect(res.body.total).toBe(0);
    }
    expect((await viewer.get('/api/agreements')).status).toBe(429);
  });
});

describe('RATE_LIMIT_PER_MINUTE=0', () => {
  it('turns the limit off: 50 requests in a row all answer', async () => {
    const running = await startApp({ env: { RATE_LIMIT_PER_MINUTE: '0' } });
    try {
      const admin = api(running.url);
      const statuses = [];
      for (let i = 0; i < 50; i++) statuses.push((await admin.get('/api/agreements')).status);
      expect(statuses).toEqual(Array.from({ length: 50 }, () => 200));
    } finally {
      await running.close();
    }
  });
});
