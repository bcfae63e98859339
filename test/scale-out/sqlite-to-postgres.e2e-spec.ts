import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { ManualClock, startApp, type RunningApp } from '../support/app.js';
import { api } from '../support/http.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';

/**
 * npm run migrate:sqlite-to-postgres: a history written through the API on SQLite is copied
 * to PostgreSQL by the real command; the chains verify there, and every read endpoint of an
 * application on PostgreSQL answers exactly as the one on SQLite.
 */

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const NOW = '2026-02-01T10:00:00.000Z';

/** Runs the built command (npm test builds before jest); resolves with its exit code and output. */
function runCopy(from: string, to: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [join(ROOT, 'dist', 'scripts', 'migrate-sqlite-to-postgres.js'), '--from', from, '--to', to],
      { cwd: ROOT, env: { ...process.env, NODE_OPTIONS: '' } },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => resolve({ code, output }));
  });
}

type Write = { path: string; body: unknown };
const propose = (
  id: string,
  parties: string[],
  occurredOn: string,
  extra: Record<string, unknown> = {},
): Write => ({
  path: '/api/agreements',
  body: {
    id,
    title: `Treaty ${id}`,
    parties,
    provisions: ['mutual_defense', 'consultation'],
    occurredOn,
    ...extra,
  },
});
const record = (id: string, type: string, occurredOn: string, data: Record<string, unknown>): Write => ({
  path: `/api/agreements/${id}/events`,
  body: { type, occurredOn, data },
});

/** A small history touching every read model: statuses, parties, exercises, milestones, reviews, contributions. */
const HISTORY: Write[] = [
  propose('usa-jpn-1960', ['USA', 'JPN'], '1960-01-06', { reviewEveryMonths: 12 }),
  record('usa-jpn-1960', 'AgreementSigned', '1960-01-19', { party: 'USA' }),
  record('usa-jpn-1960', 'AgreementSigned', '1960-01-19', { party: 'JPN' }),
  record('usa-jpn-1960', 'AgreementEnteredIntoForce', '1960-06-23', {}),
  record('usa-jpn-1960', 'ExerciseHeld', '2024-11-01', {
    name: 'Keen Sword',
    startedOn: '2024-10-23',
    participants: ['USA', 'JPN'],
  }),
  record('usa-jpn-1960', 'ReviewConducted', '2025-03-15', {
    outcome: 'reaffirmed',
    nextReviewDue: '2026-03-15',
  }),
  record('usa-jpn-1960', 'MilestoneCommitted', '2025-04-01', {
    milestoneId: 'host-nation-support',
    description: 'Renew host nation support',
    owner: 'JPN',
    dueOn: '2025-12-31',
  }),
  record('usa-jpn-1960', 'ContributionRecorded', '2025-05-01', {
    party: 'JPN',
    category: 'funding',
    amount: 1500,
    unit: 'USD',
  }),
  propose('aukus-2021', ['AUS', 'GBR', 'USA'], '2021-09-15', { termMonths: 120 }),
  record('aukus-2021', 'AgreementSigned', '2021-09-15', { party: 'AUS' }),
  record('aukus-2021', 'AgreementSigned', '2021-09-15', { party: 'GBR' }),
  record('aukus-2021', 'AgreementSigned', '2021-09-16', { party: 'USA' }),
  record('aukus-2021', 'ExerciseHeld', '2023-08-01', {
    name: 'Talisman Sabre',
    startedOn: '2023-07-22',
    participants: ['AUS', 'USA'],
  }),
  record('aukus-2021', 'MilestoneCommitted', '2022-01-01', {
    milestoneId: 'submarine-pathway',
    description: 'Agree the submarine pathway',
    owner: 'AUS',
    dueOn: '2023-03-13',
  }),
  record('aukus-2021', 'MilestoneMet', '2023-03-20', { milestoneId: 'submarine-pathway' }),
  record('aukus-2021', 'ContributionRecorded', '2024-01-01', {
    party: 'USA',
    category: 'equipment',
    amount: 3,
    unit: 'submarines',
  }),
  propose('kor-usa-1953', ['KOR', 'USA'], '1953-10-01'),
  record('kor-usa-1953', 'AgreementSigned', '1953-10-01', { party: 'KOR' }),
  propose('bav-prussia-1866', ['COW-BAV', 'DEU'], '1866-08-22'),
  record('bav-prussia-1866', 'AgreementWithdrawn', '1870-07-19', {
    party: 'COW-BAV',
    reason: 'History moved on',
  }),
];

/** Every read endpoint, for every agreement and party in the history. */
const READS = [
  '/api/agreements?limit=2',
  '/api/agreements?party=USA',
  '/api/agreements?provision=consultation&activeOn=2022-01-01',
  '/api/agreements?q=treaty%20usa',
  '/api/agreements?status=withdrawn',
  '/api/timeline?party=USA&limit=3',
  '/api/timeline?from=2021-01-01&to=2025-12-31',
  '/api/milestones',
  '/api/milestones?owner=USA',
  '/api/milestones?status=overdue',
  '/api/events?limit=7',
  '/api/events?after=5',
  ...['USA', 'JPN', 'AUS', 'GBR', 'KOR', 'COW-BAV', 'DEU', 'FRA'].map((p) => `/api/parties/${p}`),
  ...['usa-jpn-1960', 'aukus-2021', 'kor-usa-1953', 'bav-prussia-1866', 'never-proposed'].flatMap((id) => [
    `/api/agreements/${id}`,
    `/api/agreements/${id}/timeline`,
    `/api/agreements/${id}/milestones`,
    `/api/agreements/${id}/events`,
    `/api/agreements/${id}/audit/verify`,
    `/api/agreements/${id}?asOf=2023-01-01`,
  ]),
];

describe('npm run migrate:sqlite-to-postgres', () => {
  let dir: string;
  let dbFile: string;
  let database: TestDatabase;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'copy-to-pg-'));
    dbFile = join(dir, 'ledger.db');
    database = await createTestDatabase();
    const writer = await startApp({ dbFile, clock: new ManualClock(new Date(NOW)) });
    try {
      const http = api(writer.url);
      for (const { path, body } of HISTORY) {
        const res = await http.post(path, body);
        if (res.status !== 201)
          throw new Error(`${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
      }
    } finally {
      await writer.close();
    }
  });

  afterAll(async () => {
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('copies the history with positions and hashes unchanged, verifies it, and refuses to copy twice', async () => {
    const first = await runCopy(`sqlite:${dbFile}`, database.url);
    expect(first.output).toMatch(
      new RegExp(`Copied ${HISTORY.length} events in 4 streams, 1 API keys and 0 webhook subscriptions`),
    );
    expect(first.output).toMatch(/Hash chains verified on PostgreSQL: \d+ events, all valid/);
    expect(first.code).toBe(0);

    const again = await runCopy(`sqlite:${dbFile}`, database.url);
    expect(again.code).toBe(1);
    expect(again.output).toMatch(/already holds events/);
  });

  it('answers every read endpoint on PostgreSQL exactly as on SQLite', async () => {
    const apps: RunningApp[] = [];
    try {
      apps.push(await startApp({ dbFile, clock: new ManualClock(new Date(NOW)) }));
      apps.push(await startApp({ databaseUrl: database.url, clock: new ManualClock(new Date(NOW)) }));
      const [onSqlite, onPostgres] = apps.map((app) => api(app.url));
      for (const path of READS) {
        const [a, b] = await Promise.all([onSqlite!.get(path), onPostgres!.get(path)]);
        expect({ path, status: a.status }).toEqual({
          path,
          status: path.includes('never-proposed') ? 404 : 200,
        });
        expect({ path, status: b.status, etag: b.headers.get('etag'), body: b.body }).toEqual({
          path,
          status: a.status,
          etag: a.headers.get('etag'),
          body: a.body,
        });
      }
      // The copy is a working store: the next append continues the chain and the positions.
      const next = await onPostgres!.post('/api/agreements/kor-usa-1953/events', {
        type: 'AgreementSigned',
        occurredOn: '1953-10-01',
        data: { party: 'USA' },
      });
      expect(next.status).toBe(201);
      expect(next.body).toMatchObject({ position: HISTORY.length + 1, version: 3 });
      expect((await onPostgres!.get('/api/agreements/kor-usa-1953/audit/verify')).body).toMatchObject({
        valid: true,
        checked: 3,
      });
    } finally {
      for (const app of apps) await app.close();
    }
  });

  it('finds a tampered copy: the chain check names the event', async () => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      await client.query('ALTER TABLE events DISABLE TRIGGER events_no_update');
      await client.query(
        `UPDATE events SET data = replace(data, 'Keen Sword', 'Keen Sward') WHERE type = 'ExerciseHeld'`,
      );
      await client.query('ALTER TABLE events ENABLE TRIGGER events_no_update');
    } finally {
      await client.end();
    }
    const app = await startApp({ databaseUrl: database.url, clock: new ManualClock(new Date(NOW)) });
    try {
      const verify = await api(app.url).get('/api/agreements/usa-jpn-1960/audit/verify');
      expect(verify.body).toMatchObject({ valid: false, firstInvalidPosition: 5 });
    } finally {
      await app.close();
    }
  });
});
