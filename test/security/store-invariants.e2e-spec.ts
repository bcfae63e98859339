import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Sqlite from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startApp, type RunningApp } from '../support/app.js';
import { api } from '../support/http.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';

/**
 * The store defends its invariants against whoever holds the database: positions are never
 * reused, and the server refuses to start on a store whose append-only triggers are gone (or,
 * on PostgreSQL, disabled), naming them. SQLite and PostgreSQL.
 */

const ID = 'usa-jpn-1960';
const propose = {
  id: ID,
  title: 'Treaty of Mutual Cooperation and Security',
  parties: ['USA', 'JPN'],
  provisions: ['mutual_defense'],
  occurredOn: '1960-01-06',
};
const sign = (party: string) => ({ type: 'AgreementSigned', occurredOn: '1960-01-19', data: { party } });

/** Three events: proposed, USA signed, then the second proposal's event (position 3). */
async function writeHistory(app: RunningApp): Promise<void> {
  const http = api(app.url);
  expect((await http.post('/api/agreements', propose)).status).toBe(201);
  expect((await http.post(`/api/agreements/${ID}/events`, sign('USA'))).status).toBe(201);
  expect(
    (await http.post('/api/agreements', { ...propose, id: 'usa-kor-1953', parties: ['USA', 'KOR'] })).status,
  ).toBe(201);
}

/** Runs the real server (`node dist/src/main.js`) until it exits or listens. */
function runServer(databaseUrl: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['dist/src/main.js'], {
      env: { ...process.env, NODE_OPTIONS: '', DATABASE_URL: databaseUrl, PORT: '0', HOST: '127.0.0.1' },
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Treaty Ledger serves')) child.kill('SIGTERM');
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('exit', (code) => resolve({ code, output }));
  });
}

describe('SQLite', () => {
  let dir: string;
  let original: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'invariants-'));
    original = join(dir, 'ledger.db');
    const app = await startApp({ dbFile: original });
    await writeHistory(app);
    await app.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A copy of the file, changed as an attacker holding it would. */
  function tamperedCopy(name: string, change: (db: Sqlite.Database) => void): string {
    const file = join(dir, name);
    copyFileSync(original, file);
    const db = new Sqlite(file);
    change(db);
    db.close();
    return file;
  }

  it('the newest event deleted (triggers dropped): the server refuses to start, naming the missing triggers', async () => {
    const file = tamperedCopy('deleted.db', (db) => {
      db.exec('DROP TRIGGER events_no_delete; DROP TRIGGER events_no_update');
      db.exec('DELETE FROM events WHERE position = (SELECT MAX(position) FROM events)');
    });
    const run = await runServer(`sqlite:${file}`);
    expect(run.code).toBe(1);
    expect(run.output).toMatch(/could not start/);
    expect(run.output).toMatch(/events_no_delete/);
    expect(run.output).toMatch(/events_no_update/);
    expect(run.output).not.toMatch(/Treaty Ledger serves/);
    await expect(startApp({ dbFile: file })).rejects.toThrow(/append-only triggers.*events_no_delete/);
  });

  it('a trigger replaced by one that does nothing is refused too', async () => {
    const file = tamperedCopy('hollow.db', (db) => {
      db.exec('DROP TRIGGER events_no_update');
      db.exec('CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN SELECT 1; END');
    });
    await expect(startApp({ dbFile: file })).rejects.toThrow(/events_no_update/);
  });

  it('after the newest event was deleted and the triggers put back, the next append takes a new position', async () => {
    const file = tamperedCopy('restored.db', (db) => {
      db.exec('DROP TRIGGER events_no_delete');
      db.exec('DELETE FROM events WHERE position = (SELECT MAX(position) FROM events)');
      db.exec(`CREATE TRIGGER events_no_delete BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only'); END`);
    });
    const app = await startApp({ dbFile: file });
    try {
      const res = await api(app.url).post(`/api/agreements/${ID}/events`, sign('JPN'));
      expect(res.status).toBe(201);
      expect(res.body.position).toBe(4);
    } finally {
      await app.close();
    }
  });

  it('an untouched file starts', async () => {
    const run = await runServer(`sqlite:${tamperedCopy('intact.db', () => {})}`);
    expect(run.output).toMatch(/Treaty Ledger serves/);
  });
});

describe('PostgreSQL', () => {
  let database: TestDatabase;
  let client: pg.Client;

  beforeAll(async () => {
    database = await createTestDatabase();
    const app = await startApp({ databaseUrl: database.url });
    await writeHistory(app);
    await app.close();
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
  });
  afterAll(async () => {
    await client.end();
    await database.drop();
  });

  it('a dropped trigger: the server refuses to start, naming it', async () => {
    await client.query('DROP TRIGGER events_no_delete ON events');
    try {
      const run = await runServer(database.url);
      expect(run.code).toBe(1);
      expect(run.output).toMatch(/could not start.*events_no_delete/s);
    } finally {
      await client.query(`CREATE TRIGGER events_no_delete BEFORE DELETE ON events
        FOR EACH ROW EXECUTE FUNCTION events_append_only()`);
    }
  });

  it('a disabled trigger is refused too', async () => {
    await client.query('ALTER TABLE events DISABLE TRIGGER events_no_truncate');
    try {
      await expect(startApp({ databaseUrl: database.url })).rejects.toThrow(/events_no_truncate.*disabled/);
    } finally {
      await client.query('ALTER TABLE events ENABLE TRIGGER events_no_truncate');
    }
  });

  it('after the newest event was deleted behind its back, the next append takes a new position', async () => {
    await client.query('ALTER TABLE events DISABLE TRIGGER events_no_delete');
    await client.query('DELETE FROM events WHERE position = (SELECT MAX(position) FROM events)');
    await client.query('ALTER TABLE events ENABLE TRIGGER events_no_delete');
    const app = await startApp({ databaseUrl: database.url });
    try {
      const res = await api(app.url).post(`/api/agreements/${ID}/events`, sign('JPN'));
      expect(res.status).toBe(201);
      expect(res.body.position).toBe(4);
    } finally {
      await app.close();
    }
  });
});
