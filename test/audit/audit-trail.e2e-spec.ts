import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { eventHash, GENESIS_HASH } from '../../src/event-store/hashing.js';
import { startApp, TEST_ADMIN_KEY, type RunningApp } from '../support/app.js';
import { api } from '../support/http.js';
import type { EventRow } from '../../src/event-store/event-row.js';

/**
 * The audit trail: the raw events show every stored column, the hash chain can be
 * recomputed from them, and a byte changed behind the application's back (straight in
 * the SQLite file) is found by audit/verify and by the audit:verify command.
 */

const A = 'usa-jpn-1960';
const B = 'usa-kor-1953';

let running: RunningApp;
let http: ReturnType<typeof api>;

function storedRows(streamId: string): EventRow[] {
  const db = new Database(running.dbFile, { readonly: true });
  try {
    return db
      .prepare<[string], EventRow>('SELECT * FROM events WHERE stream_id = ? ORDER BY version')
      .all(streamId);
  } finally {
    db.close();
  }
}

function auditCli(): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['dist/scripts/audit-verify.js'],
      { env: { ...process.env, DATABASE_URL: `sqlite:${running.dbFile}` } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const propose = (id: string, parties: string[]) => ({
  id,
  title: `Agreement ${id}`,
  parties,
  provisions: ['mutual_defense'],
  occurredOn: '1960-01-06',
});
const sign = (party: string) => ({ type: 'AgreementSigned', occurredOn: '1960-01-19', data: { party } });
const consult = (topics: string[]) => ({
  type: 'ConsultationHeld',
  occurredOn: '1960-03-01',
  data: { level: 'ministerial', topics },
});

async function rawEvents(id: string): Promise<any[]> {
  const res = await http.get(`/api/agreements/${id}/events?limit=1000`);
  expect(res.status).toBe(200);
  return res.body.items;
}

beforeAll(async () => {
  if (!existsSync('dist/scripts/audit-verify.js'))
    throw new Error('Run `npm run build` first: this test runs the audit:verify CLI');
  running = await startApp();
  http = api(running.url);
  // Two interleaved streams, so positions and versions differ.
  const writes: [string, unknown][] = [
    ['/api/agreements', propose(A, ['USA', 'JPN'])],
    ['/api/agreements', propose(B, ['USA', 'KOR'])],
    [`/api/agreements/${A}/events`, sign('USA')],
    [`/api/agreements/${B}/events`, [sign('USA'), sign('KOR')]],
    [`/api/agreements/${A}/events`, sign('JPN')],
    [`/api/agreements/${A}/events`, consult(['force posture', 'missile defense'])],
    [`/api/agreements/${B}/events`, consult(['armistice line'])],
    [`/api/agreements/${A}/events`, consult(['host-nation support'])],
  ];
  for (const [path, body] of writes) {
    const res = await http.post(path, body, { 'x-correlation-id': 'audit-run-7' });
    expect(res.status).toBe(201);
  }
});

afterAll(async () => {
  await running.close();
});

describe('GET /api/agreements/{id}/events', () => {
  it('returns every stored field of every event, as stored', async () => {
    const items = await rawEvents(A);
    const rows = storedRows(A);
    expect(items).toHaveLength(5);
    expect(items.map((e) => e.position)).not.toEqual(items.map((e) => e.version));
    expect(items).toEqual(
      rows.map((r) =>
        expect.objectContaining({
          position: r.position,
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
        }),
      ),
    );
    for (const e of items) {
      expect(e.actor).toBe('admin');
      expect(e.metadata).toMatchObject({
        actor: 'admin',
        keyId: expect.stringMatching(/\S/),
        correlationId: 'audit-run-7',
        requestId: expect.stringMatching(/\S/),
      });
      expect(e.recordedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    }
  });

  it('carries all an auditor needs to recompute the hash chain without the server', async () => {
    let prev = GENESIS_HASH;
    for (const e of await rawEvents(A)) {
      expect(e.prevHash).toBe(prev);
      expect(eventHash(prev, { ...e, streamId: e.agreementId })).toBe(e.hash);
      prev = e.hash;
    }
  });

  it('the ndjson and csv exports hold the same events and fields', async () => {
    const items = await rawEvents(A);
    const ndjson = await fetch(`${running.url}/api/agreements/${A}/events?format=ndjson`, {
      headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` },
    });
    expect(ndjson.status).toBe(200);
    expect(ndjson.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    const lines = (await ndjson.text()).split('\n');
    expect(lines.at(-1)).toBe('');
    expect(lines.slice(0, -1).map((l) => JSON.parse(l))).toEqual(items);

    const csv = await http.get(`/api/agreements/${A}/events?format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const [header, ...records] = parseCsv(csv.body as string);
    expect(records).toHaveLength(items.length);
    const column = (record: string[], name: string) => record[header!.indexOf(name)];
    records.forEach((record, i) => {
      const e = items[i];
      expect(record).toHaveLength(header!.length);
      expect(column(record, 'position')).toBe(String(e.position));
      expect(column(record, 'event_id')).toBe(e.eventId);
      expect(column(record, 'actor')).toBe('admin');
      expect(column(record, 'key_id')).toBe(e.metadata.keyId);
      expect(column(record, 'correlation_id')).toBe('audit-run-7');
      expect(column(record, 'recorded_at')).toBe(e.recordedAt);
      expect(JSON.parse(column(record, 'data')!)).toEqual(e.data);
      expect(column(record, 'prev_hash')).toBe(e.prevHash);
      expect(column(record, 'hash')).toBe(e.hash);
    });
  });
});

describe('verifying the hash chain', () => {
  it('an intact store verifies, per agreement and with audit:verify', async () => {
    for (const [id, count] of [
      [A, 5],
      [B, 4],
    ] as const) {
      const res = await http.get(`/api/agreements/${id}/audit/verify`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ valid: true, checked: count, firstInvalidPosition: null });
    }
    const cli = await auditCli();
    expect(cli.code).toBe(0);
    expect(cli.stdout).toMatch(/passed/i);
  });

  it('one byte changed in one stored event is found, at that event', async () => {
    const target = storedRows(A)[3]!; // the first consultation: a middle event of A
    expect(target.type).toBe('ConsultationHeld');
    const at = target.data.indexOf('posture');
    expect(at).toBeGreaterThan(0);
    const tampered = `${target.data.slice(0, at)}i${target.data.slice(at + 1)}`; // "posture" → "iosture"
    expect(Buffer.from(tampered).filter((byte, i) => byte !== Buffer.from(target.data)[i])).toHaveLength(1);

    const db = new Database(running.dbFile);
    try {
      // The append-only trigger stops the application's own connection; an intruder drops it.
      db.exec('DROP TRIGGER events_no_update');
      expect(
        db.prepare('UPDATE events SET data = ? WHERE position = ?').run(tampered, target.position).changes,
      ).toBe(1);
    } finally {
      db.close();
    }

    const verified = await http.get(`/api/agreements/${A}/audit/verify`);
    expect(verified.status).toBe(200);
    expect(verified.body).toEqual({
      valid: false,
      checked: target.version,
      firstInvalidPosition: target.position,
    });
    // The other agreement is untouched and still verifies.
    expect((await http.get(`/api/agreements/${B}/audit/verify`)).body).toMatchObject({ valid: true });
    // The audit trail shows what is stored now, not a cached copy.
    expect((await rawEvents(A))[3].data.topics).toContain('force iosture');

    const cli = await auditCli();
    expect(cli.code).not.toBe(0);
    expect(cli.stderr).toMatch(new RegExp(`\\bposition ${target.position}\\b`));
    expect(cli.stderr).toContain(A);
    for (const other of storedRows(B))
      expect(cli.stderr).not.toMatch(new RegExp(`\\bposition ${other.position}\\b`));
  });
});

/** RFC 4180, small inputs only: quoted fields may hold commas, doubled quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted && c === '"' && text[i + 1] === '"') {
      field += '"';
      i++;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (!quoted && c === ',') {
      record.push(field);
      field = '';
    } else if (!quoted && c === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i++;
    } else {
      field += c;
    }
  }
  return records;
}
