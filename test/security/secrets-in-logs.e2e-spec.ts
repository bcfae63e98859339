import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_ADMIN_KEY } from '../support/app.js';
import { startAppProcess, type AppProcess } from '../support/app-process.js';

/**
 * Keys never reach a log line or a problem body. The real server runs as its own process with
 * request logging on (LOG_LEVEL=debug); the test uses keys in every way a client might (header,
 * ?access_token= plainly and percent-encoded, where it is and is not accepted, unknown and
 * revoked keys, failing requests), then reads the whole log of the run for every one of them.
 */

let dir: string;
let server: AppProcess;
let viewerKey: string;
let revokedKey: string;
const UNKNOWN_KEY = 'tl_unknown_key_that_nobody_holds_0123456789';
const problems: { status: number; body: string }[] = [];

function keysCli(dbFile: string, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['dist/scripts/keys.js', ...args],
      { env: { ...process.env, DATABASE_URL: `sqlite:${dbFile}` } },
      (error, stdout) =>
        error ? reject(new Error(`keys ${args.join(' ')} failed: ${error.message}`)) : resolve(stdout),
    );
  });
}

async function send(path: string, init: RequestInit = {}): Promise<number> {
  const controller = new AbortController();
  const res = await fetch(`${server.url}${path}`, { ...init, signal: controller.signal });
  if (res.headers.get('content-type')?.startsWith('text/event-stream')) {
    controller.abort();
    return res.status;
  }
  const body = await res.text();
  if (res.status >= 400) problems.push({ status: res.status, body });
  return res.status;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'secrets-'));
  const dbFile = join(dir, 'ledger.db');
  server = await startAppProcess({ DATABASE_URL: `sqlite:${dbFile}`, LOG_LEVEL: 'debug' });
  viewerKey = (await keysCli(dbFile, 'create', '--role', 'viewer', '--name', 'viewer'))
    .trim()
    .split('\n')
    .at(-1)!;
  const revoked = (await keysCli(dbFile, 'create', '--role', 'admin', '--name', 'gone'))
    .trim()
    .split('\n')
    .at(-1)!;
  const listed = await keysCli(dbFile, 'list');
  const id = listed
    .split('\n')
    .find((l) => l.includes('gone'))!
    .split(/\s+/)[0]!;
  await keysCli(dbFile, 'revoke', id);
  revokedKey = revoked;

  const json = { 'content-type': 'application/json' };
  const statuses: number[] = [];
  for (const key of [TEST_ADMIN_KEY, viewerKey, revokedKey, UNKNOWN_KEY]) {
    const auth = { authorization: `Bearer ${key}` };
    statuses.push(await send('/api/agreements', { headers: auth }));
    statuses.push(await send('/api/agreements/usa-jpn-1960', { headers: auth }));
    statuses.push(
      await send('/api/agreements', { method: 'POST', headers: { ...auth, ...json }, body: '{"id": 1}' }),
    );
    for (const query of [
      `access_token=${key}`,
      `access%5Ftoken=${key}`,
      `%61ccess_token=${encodeURIComponent(key)}`,
      `lastEventId=x&access_token=${key}`,
    ]) {
      statuses.push(await send(`/api/events/live?${query}`));
      statuses.push(await send(`/api/agreements?${query}`));
      statuses.push(await send(`/api/agreements/usa-jpn-1960/events?${query}`, { headers: auth }));
    }
  }
  // The run made requests that succeeded and requests that failed in every way tried.
  expect(new Set(statuses)).toEqual(new Set([200, 400, 401, 403, 404]));
  await server.stop();
}, 120_000);

afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the whole log of a run', () => {
  it('holds the requests (so the search below reads a real log)', () => {
    const log = server.output();
    expect(log).toMatch(/\/api\/events\/live\?/);
    expect(log).toMatch(/\[redacted\]/);
  });

  it('contains none of the keys used', () => {
    const log = server.output();
    for (const key of [TEST_ADMIN_KEY, viewerKey, revokedKey, UNKNOWN_KEY]) {
      expect(log.includes(key)).toBe(false);
      expect(log.includes(encodeURIComponent(key))).toBe(false);
    }
  });
});

describe('problem bodies', () => {
  it('never echo a key, in `instance` or anywhere else', () => {
    expect(problems.length).toBeGreaterThan(20);
    for (const { body } of problems) {
      for (const key of [TEST_ADMIN_KEY, viewerKey, revokedKey, UNKNOWN_KEY]) {
        expect(body.includes(key)).toBe(false);
      }
    }
    expect(problems.some((p) => /"instance":"[^"]*\[redacted\]/.test(p.body))).toBe(true);
  });
});
