import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { API_KEY_STORE, type ApiKeyStore } from '../../src/auth/api-key.js';
import { startApp, testDatabaseKind, type RunningApp } from '../support/app.js';
import { api } from '../support/http.js';
import { createTestDatabase } from '../support/postgres.js';

/**
 * Who may hold a live feed open: revocation ends a key's feeds at once (within a second, whichever
 * instance revoked it) and they receive nothing written after it; a key holds at most
 * LIVE_FEEDS_PER_KEY feeds at once. On SQLite (two instances on one file) and PostgreSQL.
 */

interface OpenFeed {
  status: number;
  headers: Headers;
  /** Everything received so far. */
  text: () => string;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close: () => void;
}

async function openFeed(url: string, headers: Record<string, string> = {}): Promise<OpenFeed> {
  const controller = new AbortController();
  const res = await fetch(url, { headers, signal: controller.signal });
  let text = '';
  const ended = (async () => {
    if (!res.body) return;
    const decoder = new TextDecoder();
    try {
      for await (const chunk of res.body) text += decoder.decode(chunk as Uint8Array, { stream: true });
    } catch {
      // aborted by the test
    }
  })();
  return {
    status: res.status,
    headers: res.headers,
    text: () => text,
    ended,
    close: () => controller.abort(),
  };
}

async function until(predicate: () => boolean, ms = 10_000): Promise<void> {
  for (const deadline = Date.now() + ms; !predicate();) {
    if (Date.now() > deadline) throw new Error('Timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const propose = (id: string) => ({
  id,
  title: `Agreement ${id}`,
  parties: ['USA', 'JPN'],
  provisions: ['mutual_defense'],
  occurredOn: '1960-01-06',
});
const sign = (party: string) => ({ type: 'AgreementSigned', occurredOn: '1960-01-19', data: { party } });

describe('live feeds and their keys', () => {
  let dir: string;
  const apps: RunningApp[] = [];
  const feeds: OpenFeed[] = [];
  let dropDatabase: () => Promise<void> = async () => {};

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'live-access-'));
  });
  afterEach(async () => {
    for (const feed of feeds.splice(0)) feed.close();
    for (const app of apps.splice(0)) await app.close();
    await dropDatabase();
    dropDatabase = async () => {};
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Two instances on one database. */
  async function twoInstances(env: Record<string, string> = {}): Promise<[RunningApp, RunningApp]> {
    if (testDatabaseKind() === 'postgres') {
      const database = await createTestDatabase();
      dropDatabase = () => database.drop();
      const a = await startApp({ databaseUrl: database.url, env });
      apps.push(a);
      const b = await startApp({ databaseUrl: database.url, env });
      apps.push(b);
      return [a, b];
    }
    const dbFile = join(dir, `two-${Date.now()}.db`);
    const a = await startApp({ dbFile, env });
    apps.push(a);
    const b = await startApp({ dbFile, env });
    apps.push(b);
    return [a, b];
  }

  it.each([
    ['in the Authorization header', 'header'],
    ['in ?access_token=', 'query'],
  ])(
    'a key revoked on another instance: its open feed (key %s) ends within a second and receives nothing written after',
    async (_, how) => {
      const [a, b] = await twoInstances();
      // Written through the feed's own instance (on SQLite an instance streams its own appends);
      // revoked through the other.
      const admin = api(a.url);
      expect((await admin.post('/api/agreements', propose('usa-jpn-live'))).status).toBe(201);
      const { key, record } = await a.app
        .get<ApiKeyStore>(API_KEY_STORE)
        .create({ name: 'watcher', role: 'viewer', parties: [] });
      const feed = await openFeed(
        how === 'query'
          ? `${a.url}/api/events/live?lastEventId=0&access%5Ftoken=${key}`
          : `${a.url}/api/events/live?lastEventId=0`,
        how === 'query' ? {} : { authorization: `Bearer ${key}` },
      );
      feeds.push(feed);
      expect(feed.status).toBe(200);
      // Live while the key is: the stored event, then one written now.
      await until(() => feed.text().includes('AgreementProposed'));
      expect((await admin.post('/api/agreements/usa-jpn-live/events', sign('USA'))).status).toBe(201);
      await until(() => feed.text().includes('"party":"USA"'));

      expect(await b.app.get<ApiKeyStore>(API_KEY_STORE).revoke(record.keyId)).toBe(true);
      const revokedAt = Date.now();
      expect((await admin.post('/api/agreements/usa-jpn-live/events', sign('JPN'))).status).toBe(201);
      await feed.ended;
      expect(Date.now() - revokedAt).toBeLessThan(1500);
      expect(feed.text()).not.toContain('"party":"JPN"');
      // And it cannot come back.
      const again = await fetch(`${a.url}/api/events/live`, { headers: { authorization: `Bearer ${key}` } });
      expect(again.status).toBe(401);
    },
  );

  it('a revoked key whose feed sees no writes is still cut off within a second', async () => {
    const [a, b] = await twoInstances();
    const { key, record } = await a.app
      .get<ApiKeyStore>(API_KEY_STORE)
      .create({ name: 'idle watcher', role: 'viewer', parties: [] });
    const feed = await openFeed(`${a.url}/api/events/live`, { authorization: `Bearer ${key}` });
    feeds.push(feed);
    expect(feed.status).toBe(200);
    await until(() => feed.text().includes('event: position'));
    await b.app.get<ApiKeyStore>(API_KEY_STORE).revoke(record.keyId);
    const revokedAt = Date.now();
    await feed.ended;
    expect(Date.now() - revokedAt).toBeLessThan(1500);
  });

  it('LIVE_FEEDS_PER_KEY caps the feeds one key holds open: the next is 429 with Retry-After', async () => {
    const [a] = await twoInstances({ LIVE_FEEDS_PER_KEY: '2' });
    const { key } = await a.app
      .get<ApiKeyStore>(API_KEY_STORE)
      .create({ name: 'greedy', role: 'viewer', parties: [] });
    const { key: other } = await a.app
      .get<ApiKeyStore>(API_KEY_STORE)
      .create({ name: 'other', role: 'viewer', parties: [] });
    const auth = { authorization: `Bearer ${key}` };
    const first = await openFeed(`${a.url}/api/events/live`, auth);
    const second = await openFeed(`${a.url}/api/events/live`, auth);
    feeds.push(first, second);
    expect([first.status, second.status]).toEqual([200, 200]);

    const third = await fetch(`${a.url}/api/events/live`, { headers: auth });
    expect(third.status).toBe(429);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(third.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await third.json()).toMatchObject({
      status: 429,
      detail: expect.stringContaining('LIVE_FEEDS_PER_KEY'),
    });

    // Another key is not affected; closing a feed gives its slot back.
    const others = await openFeed(`${a.url}/api/events/live`, { authorization: `Bearer ${other}` });
    feeds.push(others);
    expect(others.status).toBe(200);
    first.close();
    let status = 0;
    for (const deadline = Date.now() + 5000; status !== 200 && Date.now() < deadline;) {
      const next = await openFeed(`${a.url}/api/events/live`, auth);
      feeds.push(next);
      status = next.status;
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(status).toBe(200);
  });
});
