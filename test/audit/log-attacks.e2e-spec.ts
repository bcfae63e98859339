import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventOf, type EventRow } from '../../src/event-store/event-row.js';
import { eventHash } from '../../src/event-store/hashing.js';
import { startApp, type RunningApp } from '../support/app.js';
import { api } from '../support/http.js';

/*
 * What the signed log adds to the chains (issue 18), against whoever holds the database file: with the
 * application stopped and the append-only triggers dropped, as an attacker would, (a) the newest event
 * is deleted and its stream's head set back; (b) an event's data is rewritten and its stream's chain
 * recomputed from there; (c) two events swap positions. The chains alone still verify (their limit);
 * against a checkpoint saved before the attack, audit:verify fails: "truncated" for (a), naming the
 * first position that does not agree for (b) and (c).
 */
let running: RunningApp;
let dir: string;
let original: string;
const saved = { note: '', key: '' };

function audit(dbFile: string, withCheckpoint: boolean): Promise<{ code: number; out: string }> {
  const args = [
    'dist/scripts/audit-verify.js',
    ...(withCheckpoint ? ['--checkpoint', saved.note, '--key', saved.key] : []),
  ];
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      args,
      { env: { ...process.env, DATABASE_URL: `sqlite:${dbFile}` } },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, out: `${stdout}${stderr}` }),
    );
  });
}

/** A copy of the stopped store, attacked. */
function attacked(name: string, attack: (db: Database.Database) => void): string {
  const file = join(dir, `${name}.db`);
  copyFileSync(original, file);
  const db = new Database(file);
  try {
    db.exec('DROP TRIGGER IF EXISTS events_no_update; DROP TRIGGER IF EXISTS events_no_delete');
    attack(db);
  } finally {
    db.close();
  }
  return file;
}

beforeAll(async () => {
  if (!existsSync('dist/scripts/audit-verify.js')) throw new Error('Run `npm run build` first');
  dir = mkdtempSync(join(tmpdir(), 'log-attacks-'));
  original = join(dir, 'ledger.db');
  running = await startApp({ dbFile: original });
  const http = api(running.url);
  for (const id of ['usa-jpn-attack', 'kor-usa-attack']) {
    const parties = id.startsWith('usa') ? ['USA', 'JPN'] : ['KOR', 'USA'];
    expect(
      (
        await http.post('/api/agreements', {
          id,
          title: id,
          parties,
          provisions: ['consultation'],
          occurredOn: '1960-01-06',
        })
      ).status,
    ).toBe(201);
    for (const party of parties) {
      expect(
        (
          await http.post(`/api/agreements/${id}/events`, {
            type: 'AgreementSigned',
            occurredOn: '1960-01-19',
            data: { party },
          })
        ).status,
      ).toBe(201);
    }
  }
  saved.note = join(dir, 'checkpoint.txt');
  saved.key = join(dir, 'log.vkey');
  writeFileSync(saved.note, (await http.get('/api/log/checkpoint')).body as string);
  writeFileSync(saved.key, (await http.get('/api/log/key')).body as string);
  await running.close();
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('attacks on a stopped store, against a saved checkpoint', () => {
  it('the intact store passes with and without the checkpoint', async () => {
    expect((await audit(original, false)).code).toBe(0);
    const withIt = await audit(original, true);
    expect(withIt).toMatchObject({ code: 0 });
    expect(withIt.out).toContain('the saved checkpoint signed');
    expect(withIt.out).toMatch(/the [1-9]\d* checkpoint\(s\) it signed itself agree/);
  });

  it('(a) the newest event deleted and its head set back: chains pass, the checkpoint says truncated', async () => {
    const file = attacked('truncated', (db) => {
      const last = db.prepare<[], EventRow>('SELECT * FROM events ORDER BY position DESC LIMIT 1').get()!;
      db.prepare('DELETE FROM events WHERE position = ?').run(last.position);
      db.prepare('UPDATE streams SET version = version - 1, last_hash = ? WHERE stream_id = ?').run(
        last.prev_hash,
        last.stream_id,
      );
    });
    expect((await audit(file, false)).code).toBe(0);
    const res = await audit(file, true);
    expect(res.code).toBe(1);
    expect(res.out).toContain('truncated');
  });

  const rewrite = (db: Database.Database) => {
    const stream = db
      .prepare<[], EventRow>("SELECT * FROM events WHERE stream_id = 'usa-jpn-attack' ORDER BY version")
      .all();
    let prev = stream[0]!.prev_hash;
    for (const [i, row] of stream.entries()) {
      const e = eventOf(row);
      const data = i === 1 ? { ...e.data, party: 'JPN', signatory: 'Someone else' } : e.data;
      const hash = eventHash(prev, { ...e, data });
      db.prepare('UPDATE events SET data = ?, prev_hash = ?, hash = ? WHERE position = ?').run(
        JSON.stringify(data),
        prev,
        hash,
        row.position,
      );
      prev = hash;
    }
    db.prepare("UPDATE streams SET last_hash = ? WHERE stream_id = 'usa-jpn-attack'").run(prev);
  };

  it('(b) an event rewritten and its chain recomputed: chains pass, the checkpoint names its position', async () => {
    const file = attacked('rewritten', rewrite);
    expect((await audit(file, false)).code).toBe(0);
    const res = await audit(file, true);
    expect(res.code).toBe(1);
    // usa-jpn-attack holds positions 1-3: its version 2 is position 2.
    expect(res.out).toContain('position 2 does not agree with the saved checkpoint');
    // The log's own checkpoints, signed with the same key and kept in the file, say the same.
    expect(res.out).toMatch(
      /the log's own checkpoint of \d+ events \(signed with this key\) does not agree with the events: position 2/,
    );
    expect(res.out).not.toContain('position 1 ');
  });

  it("(b) with the log's own tree rewritten too: the checkpoint still fails, without naming a position", async () => {
    const file = attacked('rewritten-tree', (db) => {
      rewrite(db);
      db.exec('DELETE FROM log_nodes');
    });
    expect((await audit(file, false)).code).toBe(0);
    const res = await audit(file, true);
    expect(res.code).toBe(1);
    expect(res.out).toMatch(/do not match the saved checkpoint.*no single position can be named/);
  });

  it('(c) two events swap positions: chains and positions pass, the checkpoint names the first', async () => {
    const file = attacked('swapped', (db) => {
      // Position 3 is usa-jpn-attack's last event, 4 kor-usa-attack's first.
      db.exec(`UPDATE events SET position = -3 WHERE position = 3;
               UPDATE events SET position = 3 WHERE position = 4;
               UPDATE events SET position = 4 WHERE position = -3;`);
    });
    expect((await audit(file, false)).code).toBe(0);
    const res = await audit(file, true);
    expect(res.code).toBe(1);
    expect(res.out).toContain('position 3 does not agree with the saved checkpoint');
  });
});
