import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Sqlite from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { startApp, testDatabaseKind, type RunningApp } from '../support/app.js';
import { api, type JsonResponse } from '../support/http.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';

/**
 * Idempotency-Key on writes: concurrent duplicates write once and all get the first
 * response; a later replay gets it back marked `idempotent-replayed: true` (also after a
 * restart: it is remembered in the database); another request under the same key is
 * refused with 422; keys belong to one API key; a refusal is remembered like a success.
 * A request finding another's placeholder row (its request still running, maybe on another
 * instance) waits for the response stored there; a placeholder left long ago is taken over.
 * Runs on SQLite, and on PostgreSQL in the jest `postgres` project.
 */

const A = 'usa-jpn-1960';
const B = 'usa-kor-1953';

let dir: string;
let database: TestDatabase | undefined;
let running: RunningApp;
let http: ReturnType<typeof api>;
let otherKey: string;
let otherAdmin: ReturnType<typeof api>;

const propose = (id: string, parties: string[]) => ({
  id,
  title: `Agreement ${id}`,
  parties,
  provisions: ['mutual_defense'],
  occurredOn: '1960-01-06',
});
const sign = (party: string) => ({ type: 'AgreementSigned', occurredOn: '1960-01-19', data: { party } });
const consult = (topic: string) => ({
  type: 'ConsultationHeld',
  occurredOn: '1960-03-01',
  data: { level: 'working', topics: [topic] },
});

async function versionOf(id: string): Promise<number> {
  const res = await http.get(`/api/agreements/${id}`);
  expect(res.status).toBe(200);
  return res.body.version;
}

async function totalEvents(): Promise<number> {
  const res = await http.get('/api/events?limit=1000');
  return res.body.items.length;
}

const withKey = (key: string) => ({ 'idempotency-key': key });

function expectProblem(res: JsonResponse, status: number): void {
  expect({ status: res.status, body: res.body }).toMatchObject({ status, body: { status } });
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
}

function createAdminKey(databaseUrl: string, name: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['dist/scripts/keys.js', 'create', '--role', 'admin', '--name', name],
      { env: { ...process.env, DATABASE_URL: databaseUrl } },
      (error, stdout, stderr) =>
        error
          ? reject(new Error(`keys create failed: ${stderr}`))
          : resolve(stdout.trim().split('\n').at(-1)!),
    );
  });
}

/** A raw statement on the app's database, with `?` parameters on either dialect. */
async function sql(text: string, params: unknown[] = []): Promise<any[]> {
  if (database) {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      let n = 0;
      return (
        await client.query(
          text.replace(/\?/g, () => `$${++n}`),
          params,
        )
      ).rows;
    } finally {
      await client.end();
    }
  }
  const db = new Sqlite(running.dbFile, { timeout: 5000 });
  try {
    const statement = db.prepare(text);
    if (statement.reader) return statement.all(...params);
    statement.run(...params);
    return [];
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  if (!existsSync('dist/scripts/keys.js'))
    throw new Error('Run `npm run build` first: this test runs the keys CLI');
  dir = mkdtempSync(join(tmpdir(), 'treaty-ledger-idem-'));
  // One database for the whole file, the restart test starting a new app on it.
  database = testDatabaseKind() === 'postgres' ? await createTestDatabase() : undefined;
  running = await startApp(database ? { databaseUrl: database.url } : { dbFile: join(dir, 'test.db') });
  http = api(running.url);
  for (const [path, body] of [
    ['/api/agreements', propose(A, ['USA', 'JPN'])],
    [`/api/agreements/${A}/events`, [sign('USA'), sign('JPN')]],
    ['/api/agreements', propose(B, ['USA', 'KOR'])],
  ] as const) {
    expect((await http.post(path, body)).status).toBe(201);
  }
  otherKey = await createAdminKey(running.databaseUrl, 'Second admin');
  otherAdmin = api(running.url, otherKey);
});

afterAll(async () => {
  await running.close();
  await database?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('concurrent duplicates', () => {
  it('100 concurrent requests with one Idempotency-Key write one event and all get the same response', async () => {
    const before = await versionOf(A);
    const responses = await Promise.all(
      Array.from({ length: 100 }, () =>
        http.post(`/api/agreements/${A}/events`, consult('force posture'), withKey('concurrent-1')),
      ),
    );
    expect(await versionOf(A)).toBe(before + 1);
    const first = responses[0]!;
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ type: 'ConsultationHeld', version: before + 1 });
    for (const res of responses) {
      expect(res.status).toBe(first.status);
      expect(res.body).toEqual(first.body);
      expect(res.headers.get('etag')).toBe(`"${before + 1}"`);
      expect(res.headers.get('location')).toBe(first.headers.get('location'));
    }
    // Exactly one of them ran; the 99 others were answered from it.
    expect(responses.filter((r) => r.headers.get('idempotent-replayed') !== 'true')).toHaveLength(1);
  });

  it('concurrent requests with one key and two different bodies: one event, the other body gets 422', async () => {
    const before = await totalEvents();
    const bodies = [consult('basing'), consult('logistics')];
    const responses = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        http.post(`/api/agreements/${A}/events`, bodies[i % 2], withKey('concurrent-2')),
      ),
    );
    expect(await totalEvents()).toBe(before + 1);
    const winner = responses.find((r) => r.status === 201)!;
    const winningTopic = winner.body.data.topics[0];
    responses.forEach((res, i) => {
      if (bodies[i % 2]!.data.topics[0] === winningTopic) {
        expect(res.status).toBe(201);
        expect(res.body).toEqual(winner.body);
      } else {
        expectProblem(res, 422);
      }
    });
  });
});

describe('replays', () => {
  it('a later replay returns the first response, marked idempotent-replayed, even after the state moved on', async () => {
    const first = await http.post(`/api/agreements/${A}/events`, consult('cyber'), withKey('later-1'));
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect((await http.post(`/api/agreements/${A}/events`, consult('space'))).status).toBe(201);
    const version = await versionOf(A);

    const replay = await http.post(`/api/agreements/${A}/events`, consult('cyber'), withKey('later-1'));
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(first.body);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.headers.get('etag')).toBe(first.headers.get('etag'));
    expect(await versionOf(A)).toBe(version);
  });

  it('a replay is remembered across a restart', async () => {
    const first = await http.post(
      `/api/agreements/${A}/events`,
      consult('reassurance'),
      withKey('restart-1'),
    );
    expect(first.status).toBe(201);
    await running.app.close();
    running = await startApp(database ? { databaseUrl: database.url } : { dbFile: running.dbFile });
    http = api(running.url);
    otherAdmin = api(running.url, otherKey);
    const version = await versionOf(A);
    const replay = await http.post(
      `/api/agreements/${A}/events`,
      consult('reassurance'),
      withKey('restart-1'),
    );
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(first.body);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(await versionOf(A)).toBe(version);
  });

  it('the same key with a different body is refused with 422, writing nothing', async () => {
    expect(
      (await http.post(`/api/agreements/${A}/events`, consult('drills'), withKey('reuse-1'))).status,
    ).toBe(201);
    const before = await totalEvents();
    const res = await http.post(`/api/agreements/${A}/events`, consult('DRILLS'), withKey('reuse-1'));
    expectProblem(res, 422);
    expect(JSON.stringify(res.body)).toContain('Idempotency-Key');
    const elsewhere = await http.post(
      '/api/agreements',
      propose('usa-gbr-1958', ['USA', 'GBR']),
      withKey('reuse-1'),
    );
    expectProblem(elsewhere, 422);
    expect(await totalEvents()).toBe(before);
  });

  it('a refusal (409) is replayed as the same 409, even once the request would now succeed', async () => {
    const early = consult('too early');
    const refused = await http.post(`/api/agreements/${B}/events`, early, withKey('refused-1'));
    expectProblem(refused, 409);
    expect((await http.post(`/api/agreements/${B}/events`, [sign('USA'), sign('KOR')])).status).toBe(201);

    const version = await versionOf(B);
    const replay = await http.post(`/api/agreements/${B}/events`, early, withKey('refused-1'));
    expectProblem(replay, 409);
    expect(replay.body).toEqual(refused.body);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(await versionOf(B)).toBe(version);
    // Without the key the same request is decided afresh, and now succeeds.
    expect((await http.post(`/api/agreements/${B}/events`, early)).status).toBe(201);
  });
});

describe('scope and format', () => {
  it('keys are scoped per API key: another key with the same Idempotency-Key gets its own write', async () => {
    const mine = await http.post(`/api/agreements/${A}/events`, consult('shared key'), withKey('scoped-1'));
    expect(mine.status).toBe(201);
    const before = await versionOf(A);

    const theirs = await otherAdmin.post(
      `/api/agreements/${A}/events`,
      consult('shared key'),
      withKey('scoped-1'),
    );
    expect(theirs.status).toBe(201);
    expect(theirs.headers.get('idempotent-replayed')).toBeNull();
    expect(theirs.body.eventId).not.toBe(mine.body.eventId);
    expect(theirs.body.metadata.actor).toBe('Second admin');
    const different = await otherAdmin.post(
      `/api/agreements/${A}/events`,
      consult('other'),
      withKey('scoped-2'),
    );
    expect(different.status).toBe(201);
    expect(await versionOf(A)).toBe(before + 2);

    // And each key still replays its own first response.
    const replay = await http.post(`/api/agreements/${A}/events`, consult('shared key'), withKey('scoped-1'));
    expect(replay.body).toEqual(mine.body);
  });

  it.each([
    ['256 characters', 'k'.repeat(256)],
    ['a space', 'two words'],
    ['a non-ASCII character', 'clé-1'],
  ])('an Idempotency-Key with %s is refused with 400, writing nothing', async (_, key) => {
    const before = await totalEvents();
    const res = await http.post(`/api/agreements/${A}/events`, consult('format'), withKey(key));
    expectProblem(res, 400);
    expect(JSON.stringify(res.body)).toContain('Idempotency-Key');
    expect(await totalEvents()).toBe(before);
  });

  it('a 255-character key is accepted', async () => {
    const key = 'k'.repeat(255);
    expect((await http.post(`/api/agreements/${A}/events`, consult('long key'), withKey(key))).status).toBe(
      201,
    );
    const replay = await http.post(`/api/agreements/${A}/events`, consult('long key'), withKey(key));
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
  });
});

describe('a placeholder row: the first request with the key still running, maybe on another instance', () => {
  const events = `/api/agreements/${A}/events`;
  const rowOf = async (key: string) =>
    (
      await sql(
        'SELECT key_id, fingerprint, status, headers, body FROM idempotency_keys WHERE idem_key = ?',
        [key],
      )
    )[0];
  /** A request's first response and its row: the row tells the request's key_id and fingerprint. */
  async function firstUse(body: unknown, key: string) {
    const res = await http.post(events, body, withKey(key));
    expect(res.status).toBe(201);
    return { res, row: await rowOf(key) };
  }
  const insertPlaceholder = (keyId: string, key: string, fingerprint: string, createdAt: string) =>
    sql(
      `INSERT INTO idempotency_keys (key_id, idem_key, fingerprint, status, headers, body, created_at)
       VALUES (?, ?, ?, 0, '{}', 'null', ?)`,
      [keyId, key, fingerprint, createdAt],
    );

  it('a request finding one waits, then replays the response stored in it, writing nothing', async () => {
    const probe = await firstUse(consult('waiting'), 'probe-wait');
    await insertPlaceholder(probe.row.key_id, 'wait-1', probe.row.fingerprint, new Date().toISOString());
    const before = await totalEvents();

    let settled = false;
    const waiting = http.post(events, consult('waiting'), withKey('wait-1')).finally(() => {
      settled = true;
    });
    await sleep(300);
    expect(settled).toBe(false);
    // The owner (here: this test) stores its response.
    await sql('UPDATE idempotency_keys SET status = ?, headers = ?, body = ? WHERE idem_key = ?', [
      probe.row.status,
      probe.row.headers,
      probe.row.body,
      'wait-1',
    ]);
    const res = await waiting;
    expect(res.status).toBe(201);
    expect(res.body).toEqual(probe.res.body);
    expect(res.headers.get('etag')).toBe(probe.res.headers.get('etag'));
    expect(res.headers.get('idempotent-replayed')).toBe('true');
    expect(await totalEvents()).toBe(before);
  });

  it('one left long ago (its request died with its instance) is taken over: the request runs, once', async () => {
    const probe = await firstUse(consult('taken over'), 'probe-stale');
    await insertPlaceholder(probe.row.key_id, 'stale-1', probe.row.fingerprint, '2000-01-01T00:00:00.000Z');
    const before = await versionOf(A);

    const responses = await Promise.all(
      Array.from({ length: 10 }, () => http.post(events, consult('taken over'), withKey('stale-1'))),
    );
    expect(await versionOf(A)).toBe(before + 1);
    const ran = responses.filter((r) => r.headers.get('idempotent-replayed') !== 'true');
    expect(ran).toHaveLength(1);
    expect(ran[0]!.status).toBe(201);
    expect(ran[0]!.body).toMatchObject({ version: before + 1 });
    expect(ran[0]!.body.eventId).not.toBe(probe.res.body.eventId);
    for (const res of responses) {
      expect({ status: res.status, body: res.body }).toEqual({ status: 201, body: ran[0]!.body });
    }
    expect(await rowOf('stale-1')).toMatchObject({ status: 201 });
  });

  it('one for another request answers 422 without waiting for it, writing nothing', async () => {
    const probe = await firstUse(consult('mismatch'), 'probe-other');
    await insertPlaceholder(probe.row.key_id, 'other-1', 'f'.repeat(64), new Date().toISOString());
    const before = await totalEvents();
    const res = await http.post(events, consult('mismatch'), withKey('other-1'));
    expectProblem(res, 422);
    expect(await totalEvents()).toBe(before);
  });
});
