import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventOf, type EventRow } from '../../src/event-store/event-row.js';
import { eventHash } from '../../src/event-store/hashing.js';
import { cosignatureTime, openNote, parseVkey } from '../../src/log/signed-note.js';
import type { WitnessState } from '../../src/log/witness.js';
import { TEST_ADMIN_KEY } from '../support/app.js';
import { startAppProcess, type AppProcess } from '../support/app-process.js';

/*
 * A witness beside the server (issue 18): `npm run log:witness` polls the checkpoint, accepts each
 * consistent one into its state file and cosigns it with its own key. Then the operator, holding the
 * database and the log's key, stops the server, rewrites an event, recomputes its chain, rebuilds the
 * log's tree to match and deletes the old checkpoints, and starts the server again: every signature
 * it now serves is genuine, but the witness remembers, and exits 1 saying so.
 */
let dir: string;
let dbFile: string;
let server: AppProcess | undefined;
let witnessProcess: ChildProcess | undefined;
let witnessOutput = '';
const stateFile = () => join(dir, 'witness-state.json');

async function post(path: string, body: unknown) {
  const res = await fetch(`${server!.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_ADMIN_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(201);
}

async function until<T>(what: string, check: () => T | undefined, ms = 20_000): Promise<T> {
  for (const deadline = Date.now() + ms; Date.now() < deadline;) {
    const value = check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}; the witness said:\n${witnessOutput}`);
}

const state = (): WitnessState | undefined =>
  existsSync(stateFile()) ? (JSON.parse(readFileSync(stateFile(), 'utf8')) as WitnessState) : undefined;

beforeAll(async () => {
  for (const f of ['dist/scripts/log-witness.js', 'dist/scripts/rebuild-projections.js'])
    if (!existsSync(f)) throw new Error('Run `npm run build` first');
  dir = mkdtempSync(join(tmpdir(), 'log-witness-'));
  dbFile = join(dir, 'ledger.db');
  server = await startAppProcess({ DATABASE_URL: `sqlite:${dbFile}` });
  await post('/api/agreements', {
    id: 'usa-jpn-witnessed',
    title: 'Treaty of Mutual Cooperation and Security',
    parties: ['USA', 'JPN'],
    provisions: ['consultation'],
    occurredOn: '1960-01-06',
  });
  for (const party of ['USA', 'JPN'])
    await post('/api/agreements/usa-jpn-witnessed/events', {
      type: 'AgreementSigned',
      occurredOn: '1960-01-19',
      data: { party },
    });
});
afterAll(async () => {
  witnessProcess?.kill('SIGKILL');
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a witness beside the server, through a rewrite attack', () => {
  let exited: Promise<number | null>;
  let logVkey: string;

  it('accepts the checkpoints of a log that only grows, cosigned with its own key', async () => {
    logVkey = (
      await (
        await fetch(`${server!.url}/api/log/key`, { headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` } })
      ).text()
    ).trim();
    writeFileSync(join(dir, 'log.vkey'), `${logVkey}\n`);
    witnessProcess = spawn(
      process.execPath,
      [
        'dist/scripts/log-witness.js',
        '--url',
        server!.url,
        '--key',
        join(dir, 'log.vkey'),
        '--state',
        stateFile(),
        '--interval',
        '0.2',
        '--witness-key',
        join(dir, 'witness.key'),
        '--witness-name',
        'witness.test/w1',
      ],
      { env: { ...process.env, NODE_OPTIONS: '', TREATY_LEDGER_API_KEY: TEST_ADMIN_KEY } },
    );
    witnessProcess.stdout!.on('data', (chunk: Buffer) => (witnessOutput += chunk.toString()));
    witnessProcess.stderr!.on('data', (chunk: Buffer) => (witnessOutput += chunk.toString()));
    exited = new Promise((resolve) => witnessProcess!.once('exit', (code) => resolve(code)));

    const first = await until('a first checkpoint', () => state()?.accepted.at(-1));
    expect(first.treeSize).toBe(3);
    await post('/api/agreements/usa-jpn-witnessed/events', {
      type: 'AgreementRatified',
      occurredOn: '1960-06-21',
      data: { party: 'USA', instrument: 'ratification' },
    });
    const second = await until('a grown checkpoint', () => state()?.accepted.find((c) => c.treeSize === 4));
    expect(state()!.log).toBe(logVkey);
    // Each accepted note carries the log's signature and the witness's cosignature.
    const cosignerKey = /Cosigning as (\S+)/.exec(witnessOutput)![1]!;
    expect(openNote(second.note, parseVkey(logVkey))).toContain('\n4\n');
    const time = cosignatureTime(second.note, parseVkey(cosignerKey, 0x04));
    expect(time).toBeGreaterThan(Date.now() / 1000 - 120);
    expect(witnessOutput).not.toContain(TEST_ADMIN_KEY);
  });

  it('exits 1 when the restarted server serves a rewritten history, keeping what it accepted', async () => {
    const port = new URL(server!.url).port;
    await server!.stop();
    const db = new Database(dbFile);
    try {
      // Dropped for the rewrite and put back after it, as an attacker who wants the server to start would.
      const triggers = db
        .prepare<[], string>("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'events'")
        .pluck()
        .all();
      expect(triggers.length).toBeGreaterThanOrEqual(2);
      db.exec('DROP TRIGGER IF EXISTS events_no_update; DROP TRIGGER IF EXISTS events_no_delete');
      const rows = db
        .prepare<[], EventRow>("SELECT * FROM events WHERE stream_id = 'usa-jpn-witnessed' ORDER BY version")
        .all();
      let prev = rows[0]!.prev_hash;
      for (const [i, row] of rows.entries()) {
        const e = eventOf(row);
        const data = i === 1 ? { ...e.data, signatory: 'Someone else' } : e.data;
        const hash = eventHash(prev, { ...e, data });
        db.prepare('UPDATE events SET data = ?, prev_hash = ?, hash = ? WHERE position = ?').run(
          JSON.stringify(data),
          prev,
          hash,
          row.position,
        );
        prev = hash;
      }
      db.prepare("UPDATE streams SET last_hash = ? WHERE stream_id = 'usa-jpn-witnessed'").run(prev);
      db.exec('DELETE FROM log_checkpoints');
      db.exec('DROP TRIGGER IF EXISTS events_no_update; DROP TRIGGER IF EXISTS events_no_delete');
      for (const sql of triggers) db.exec(sql);
    } finally {
      db.close();
    }
    // The log's tree rebuilt from the rewritten events, so that every proof the server gives matches them.
    const rebuilt = await new Promise<number>((resolve) =>
      execFile(
        process.execPath,
        ['dist/scripts/rebuild-projections.js'],
        { env: { ...process.env, NODE_OPTIONS: '', DATABASE_URL: `sqlite:${dbFile}` } },
        (error) => resolve(error ? 1 : 0),
      ),
    );
    expect(rebuilt).toBe(0);
    server = await startAppProcess({ DATABASE_URL: `sqlite:${dbFile}`, PORT: port });
    await post('/api/agreements/usa-jpn-witnessed/events', {
      type: 'AgreementRatified',
      occurredOn: '1960-06-23',
      data: { party: 'JPN', instrument: 'ratification' },
    });
    const code = await Promise.race([
      exited,
      new Promise((resolve) => setTimeout(() => resolve('still running'), 20_000)),
    ]);
    expect(code).toBe(1);
    expect(witnessOutput).toMatch(/INCONSISTENT: .*(rewritten|fork)/);
    expect(state()!.accepted.at(-1)!.treeSize).toBe(4);
  }, 120_000);
});
