import { afterEach, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeSync,
  closeSync,
} from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { fold } from '../../src/agreements/domain/agreement.state.js';
import { toAgreementEvent } from '../../src/agreements/read/agreement-events.js';
import { verifyChain } from '../../src/event-store/hashing.js';
import {
  SERVER_KEY,
  spawnServer,
  freePort,
  startServer,
  type ServerOptions,
  type ServerProcess,
} from './support/server-process.js';

/**
 * Faults from outside the process, on the real server (dist/src/main.js) and real files:
 * a database locked by another process, a read-only file, a full disk, a corrupt file or
 * another application's database, and SIGTERM with requests in flight.
 */

const PARTIES = ['USA', 'JPN', 'KOR'];
const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'faults-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function server(options: ServerOptions): Promise<ServerProcess> {
  const s = await startServer(options);
  cleanups.push(async () => void (await s.kill('SIGKILL')));
  return s;
}

async function post(url: string, path: string, body: unknown) {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${SERVER_KEY}` },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: JSON.parse(text) };
}

const consultations = (n: number, topicLength = 20) =>
  Array.from({ length: n }, (_, i) => ({
    type: 'ConsultationHeld',
    eventId: randomUUID(),
    occurredOn: '2001-02-03',
    data: {
      level: 'working',
      topics: Array.from({ length: 5 }, (_, t) => `${i}-${t}-`.padEnd(topicLength, 'x')),
    },
  }));

/** An agreement in force, so consultations can be recorded on it without end. */
async function agreementInForce(url: string, id: string): Promise<void> {
  expect(
    (
      await post(url, '/api/agreements', {
        id,
        title: `Faults ${id}`,
        parties: PARTIES,
        provisions: [],
        occurredOn: '2000-01-01',
      })
    ).status,
  ).toBe(201);
  const inForce = await post(url, `/api/agreements/${id}/events`, [
    ...PARTIES.map((party) => ({ type: 'AgreementSigned', occurredOn: '2000-06-01', data: { party } })),
    { type: 'AgreementEnteredIntoForce', occurredOn: '2000-07-01', data: {} },
  ]);
  expect(inForce.status).toBe(201);
}

function expectUnavailable(res: { status: number; headers: Headers; body: any }): void {
  expect(res.status).toBe(503);
  expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ status: 503, title: 'StoreUnavailable' });
}

/** The store read from the file: its event ids, and whether it is whole (chains, versions, status rows). */
function readStore(file: string) {
  const db = new Database(file, { readonly: true });
  try {
    const rows = db.prepare('SELECT * FROM events ORDER BY position').all() as any[];
    const events = rows.map((r) => ({
      position: r.position,
      streamId: r.stream_id,
      version: r.version,
      eventId: r.event_id,
      type: r.type,
      schemaVersion: r.schema_version,
      data: JSON.parse(r.data),
      metadata: JSON.parse(r.metadata),
      occurredOn: r.occurred_on,
      recordedAt: r.recorded_at,
      prevHash: r.prev_hash,
      hash: r.hash,
    }));
    const problems: string[] = [];
    if (events.some((e, i) => e.position !== i + 1)) problems.push('positions have gaps');
    for (const id of new Set(events.map((e) => e.streamId))) {
      const stream = events.filter((e) => e.streamId === id);
      if (!verifyChain(stream).valid) problems.push(`${id}: chain broken`);
      const row = db.prepare('SELECT version, state FROM agreement_status WHERE id = ?').get(id) as any;
      const folded = JSON.parse(JSON.stringify(fold(stream.map((e) => toAgreementEvent(e)!))));
      if (row?.version !== stream.length || !isDeepStrictEqual(JSON.parse(row.state), folded)) {
        problems.push(`${id}: status row differs from the fold of its stream`);
      }
    }
    return { ids: new Set(events.map((e) => e.eventId)), count: events.length, problems };
  } finally {
    db.close();
  }
}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('faults: the database cannot take writes', () => {
  it('locked by another process: 503 with Retry-After, nothing written; writes resume when it is released', async () => {
    const dir = tempDir();
    const dbFile = join(dir, 'ledger.db');
    const s = await server({ dbFile });
    await agreementInForce(s.url, 'locked');

    const other = new Database(dbFile); // this test process: another process than the server
    cleanups.push(() => void other.close());
    other.exec('BEGIN EXCLUSIVE');
    const batch = consultations(3);
    const single = consultations(1)[0]!;
    const answers = await Promise.all([
      post(s.url, '/api/agreements/locked/events', batch),
      post(s.url, '/api/agreements/locked/events', single),
    ]);
    const during = other.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number };
    other.exec('ROLLBACK');
    for (const answer of answers) expectUnavailable(answer);

    const store = readStore(dbFile);
    expect(store.count).toBe(during.n);
    for (const e of [...batch, single]) expect(store.ids.has(e.eventId)).toBe(false);
    expect(store.problems).toEqual([]);
    // The same writes, retried once the lock is gone, are recorded.
    expect((await post(s.url, '/api/agreements/locked/events', batch)).status).toBe(201);
    expect(readStore(dbFile).count).toBe(during.n + 3);
  }, 60_000);

  it('read-only database file: 503 with Retry-After, and the file is unchanged', async () => {
    const dir = tempDir();
    const dbFile = join(dir, 'ledger.db');
    const first = await server({ dbFile });
    await agreementInForce(first.url, 'read-only');
    expect((await first.kill('SIGTERM')).code).toBe(0);
    const before = sha256(dbFile);

    // Root ignores file permissions: the server then runs as `nobody`, for whom the file is read-only
    // (the directory stays writable, as SQLite needs for its -shm index even to read).
    chmodSync(dbFile, 0o444);
    const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    if (process.getuid?.() === 0) chownSync(dir, 65534, 65534);
    const s = await server({ dbFile, ...asNobody });
    const batch = consultations(2);
    expectUnavailable(await post(s.url, '/api/agreements/read-only/events', batch));
    expectUnavailable(
      await post(s.url, '/api/agreements', { title: 'New', parties: PARTIES, provisions: [] }),
    );
    // Reads still work.
    expect(
      (
        await fetch(`${s.url}/api/agreements/read-only`, {
          headers: { authorization: `Bearer ${SERVER_KEY}` },
        })
      ).status,
    ).toBe(200);
    expect((await s.kill('SIGTERM')).code).toBe(0);
    expect(sha256(dbFile)).toBe(before);
    expect(readStore(dbFile).problems).toEqual([]);
  }, 60_000);

  it('full disk: 503 with Retry-After once it fills, nothing half written, writes resume when space returns', async () => {
    const dir = tempDir();
    const disk = join(dir, 'disk');
    mkdirSync(disk);
    const dbFile = join(disk, 'ledger.db');
    // A 768 KiB filesystem (tmpfs) where mounting is allowed (a fresh store after its migrations takes
    // about 410 KB of it: the WAL and its shared memory); otherwise a file size limit (ulimit -f) on the
    // server process, which stops the files growing just the same.
    let grow: (() => void) | undefined;
    let shellPrefix: string | undefined;
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=768k', 'tmpfs', disk], { stdio: 'ignore' });
      cleanups.push(() => void execFileSync('umount', ['-l', disk], { stdio: 'ignore' }));
      grow = () => execFileSync('mount', ['-o', 'remount,size=16m', disk], { stdio: 'ignore' });
    } catch {
      shellPrefix = 'ulimit -f 1536;'; // 768 KiB in the 512-byte blocks of POSIX sh
    }
    const s = await server({ dbFile, ...(shellPrefix ? { shellPrefix } : {}) });
    await agreementInForce(s.url, 'full-disk');

    const acknowledged: string[] = [];
    const refused: string[][] = [];
    let unavailable: Awaited<ReturnType<typeof post>> | undefined;
    for (let i = 0; i < 400 && !unavailable; i++) {
      const batch = consultations(3, 190);
      const res = await post(s.url, '/api/agreements/full-disk/events', batch);
      if (res.status === 201) acknowledged.push(...batch.map((e) => e.eventId));
      else if (res.status === 503) {
        unavailable = res;
        refused.push(batch.map((e) => e.eventId));
      } else throw new Error(`unexpected ${res.status}: ${JSON.stringify(res.body)}`);
    }
    expect(unavailable).toBeDefined();
    expectUnavailable(unavailable!);
    const more = consultations(2, 190);
    const again = await post(s.url, '/api/agreements/full-disk/events', more);
    if (again.status === 503) refused.push(more.map((e) => e.eventId));

    const store = readStore(dbFile);
    expect(store.problems).toEqual([]);
    for (const id of acknowledged) expect(store.ids.has(id)).toBe(true);
    for (const batch of refused) for (const id of batch) expect(store.ids.has(id)).toBe(false);
    if (grow) {
      grow();
      expect((await post(s.url, '/api/agreements/full-disk/events', consultations(3, 190))).status).toBe(201);
    }
    expect((await s.kill('SIGTERM')).code).toBe(0);
    const after = readStore(dbFile);
    expect(after.problems).toEqual([]);
    for (const id of acknowledged) expect(after.ids.has(id)).toBe(true);
  }, 90_000);
});

describe('faults: a database file that is not a sound one of ours', () => {
  async function expectRefusedAtStart(dbFile: string, reason: RegExp): Promise<void> {
    const before = sha256(dbFile);
    const s = spawnServer({ dbFile }, await freePort());
    const { code } = await s.exited;
    expect(code).not.toBe(0);
    expect(s.output()).toContain(`The database file ${dbFile} was not opened`);
    expect(s.output()).toMatch(reason);
    // Byte for byte as it was. (Reading a WAL-mode file, even read-only, lets SQLite create empty -wal
    // and -shm files beside it; the database file itself is not written.)
    expect(sha256(dbFile)).toBe(before);
  }

  it('random bytes: startup fails naming the file, which is left untouched', async () => {
    const dbFile = join(tempDir(), 'random.db');
    const fd = openSync(dbFile, 'w');
    writeSync(fd, randomBytes(64 * 1024));
    closeSync(fd);
    await expectRefusedAtStart(dbFile, /cannot be read as an SQLite database/);
  }, 60_000);

  it('a database of ours with damaged pages: startup fails naming the file, which is left untouched', async () => {
    const dbFile = join(tempDir(), 'damaged.db');
    const s = await server({ dbFile });
    await agreementInForce(s.url, 'damaged');
    expect((await s.kill('SIGTERM')).code).toBe(0);
    // Overwrite every page but the first (the header and schema) with noise.
    const size = readFileSync(dbFile).length;
    const fd = openSync(dbFile, 'r+');
    for (let offset = 4096; offset < size; offset += 4096) writeSync(fd, randomBytes(4096), 0, 4096, offset);
    closeSync(fd);
    await expectRefusedAtStart(dbFile, /damaged|cannot be read/);
  }, 60_000);

  it("another application's database (a users table, no migrations): startup fails, the file is untouched", async () => {
    const dbFile = join(tempDir(), 'users.db');
    const foreign = new Database(dbFile);
    foreign.exec(
      "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO users (name) VALUES ('ada')",
    );
    foreign.close();
    await expectRefusedAtStart(dbFile, /another application's tables \(users\)/);
  }, 60_000);
});

describe('SIGTERM', () => {
  /** A POST whose body arrives in two parts, `pause` apart: in flight the whole time. */
  function slowPost(url: string, path: string, body: unknown, started: () => void, pause: Promise<void>) {
    const text = Buffer.from(JSON.stringify(body));
    const { hostname, port } = new URL(url);
    return new Promise<{ status: number; body: any }>((resolve, reject) => {
      const req = httpRequest(
        {
          hostname,
          port,
          path,
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': text.length,
            authorization: `Bearer ${SERVER_KEY}`,
          },
        },
        (res) => {
          let data = '';
          res.on('data', (c: Buffer) => (data += c.toString()));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, body: data ? JSON.parse(data) : undefined }),
          );
        },
      );
      req.on('error', reject);
      req.write(text.subarray(0, 10));
      req.flushHeaders();
      setTimeout(started, 100);
      void pause.then(() => req.end(text.subarray(10)));
    });
  }

  it('drains the requests in flight (all 201), exits 0 and leaves the database closed and checkpointed', async () => {
    const dbFile = join(tempDir(), 'ledger.db');
    const s = await server({ dbFile, env: { LOG_LEVEL: 'info' } });
    await agreementInForce(s.url, 'draining');

    let release!: () => void;
    const pause = new Promise<void>((r) => (release = r));
    const bodies = Array.from({ length: 10 }, () => consultations(2));
    let startedCount = 0;
    let allStarted!: () => void;
    const started = new Promise<void>((r) => (allStarted = r));
    const inFlight = bodies.map((body) =>
      slowPost(
        s.url,
        '/api/agreements/draining/events',
        body,
        () => ++startedCount === bodies.length && allStarted(),
        pause,
      ),
    );
    await started;
    s.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300)); // the server is shutting down while the bodies are still coming
    // New work is turned away meanwhile: the listener is closed (or a kept-alive socket answers 503).
    const late = await post(s.url, '/api/agreements/draining/events', consultations(1)).catch(
      () => undefined,
    );
    expect(late === undefined || late.status === 503).toBe(true);
    release();
    const answers = await Promise.all(inFlight);
    expect(answers.map((a) => a.status)).toEqual(bodies.map(() => 201));
    const { code, signal } = await s.exited;
    expect({ code, signal }).toEqual({ code: 0, signal: null });

    // Closed cleanly: the last connection checkpointed the WAL and removed it; every acknowledged event is there.
    expect(existsSync(`${dbFile}-wal`)).toBe(false);
    const store = readStore(dbFile);
    expect(store.problems).toEqual([]);
    for (const body of bodies) for (const e of body) expect(store.ids.has(e.eventId)).toBe(true);
    expect(s.output()).toContain('SIGTERM: finishing the requests in flight');
  }, 60_000);
});
