import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { readFileSync, statSync } from 'node:fs';
import pg from 'pg';
import { API_KEY_STORE, type ApiKeyStore } from '../../src/auth/api-key.js';
import { APP_CONFIG, type AppConfig } from '../../src/config/app.config.js';
import { leafHash, rootOf, verifyConsistency, verifyInclusion } from '../../src/log/merkle.js';
import { openNote, parseCheckpoint, parseVkey } from '../../src/log/signed-note.js';
import { startApp, type RunningApp } from '../support/app.js';
import { api } from '../support/http.js';

/**
 * The signed Merkle log (issue 18), on SQLite and PostgreSQL: a checkpoint opened with the published
 * key names the tree of every event, whose root is computed here from GET /api/events; inclusion
 * and consistency proofs from the API verify against it (RFC 9162).
 */
let running: RunningApp;
let http: ReturnType<typeof api>;
let viewer: ReturnType<typeof api>;

async function propose(id: string) {
  const res = await http.post('/api/agreements', {
    id,
    title: `Agreement ${id}`,
    parties: ['USA', 'JPN'],
    provisions: ['consultation'],
    occurredOn: '2020-01-01',
  });
  expect(res.status).toBe(201);
  const signed = await http.post(`/api/agreements/${id}/events`, [
    { type: 'AgreementSigned', occurredOn: '2020-02-01', data: { party: 'USA' } },
    { type: 'AgreementSigned', occurredOn: '2020-02-01', data: { party: 'JPN' } },
  ]);
  expect(signed.status).toBe(201);
}

async function leaves(): Promise<Buffer[]> {
  const items = (await http.get('/api/events?limit=1000')).body.items as { position: number; hash: string }[];
  items.forEach((e, i) => expect(e.position).toBe(i + 1));
  return items.map((e) => leafHash(Buffer.from(e.hash, 'hex')));
}

/** Runs a statement on the app's database from outside it, as an operator could. */
async function sql(statement: string): Promise<void> {
  if (running.dbFile) {
    const db = new Database(running.dbFile);
    db.exec(statement);
    db.close();
    return;
  }
  const client = new pg.Client({ connectionString: running.databaseUrl });
  await client.connect();
  await client.query(statement);
  await client.end();
}

async function checkpoint() {
  const vkey = (await viewer.get('/api/log/key')).body as string;
  const res = await viewer.get('/api/log/checkpoint');
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
  return parseCheckpoint(openNote(res.body as string, parseVkey(vkey)));
}

beforeAll(async () => {
  running = await startApp();
  http = api(running.url);
  const keys = running.app.get<ApiKeyStore>(API_KEY_STORE);
  viewer = api(running.url, (await keys.create({ name: 'auditor', role: 'viewer', parties: [] })).key);
  for (let i = 0; i < 7; i++) await propose(`log-agreement-${i}`);
});
afterAll(async () => {
  await running?.close();
});

describe('the signed Merkle log', () => {
  it('signs a checkpoint of every event, whose root is the RFC 9162 root of the events as served', async () => {
    const served = await leaves();
    const cp = await checkpoint();
    expect(cp.treeSize).toBe(served.length);
    expect(cp.rootHash.equals(rootOf(served))).toBe(true);
  });

  it('proves each event included, and the proof fails for another event', async () => {
    const served = await leaves();
    const { treeSize, rootHash } = await checkpoint();
    for (let position = 1; position <= treeSize; position++) {
      const proof = (await viewer.get(`/api/log/proof/inclusion?position=${position}&treeSize=${treeSize}`))
        .body;
      expect(proof).toMatchObject({ leafIndex: position - 1, treeSize });
      const hashes = (proof.hashes as string[]).map((h) => Buffer.from(h, 'base64'));
      expect(verifyInclusion(position - 1, treeSize, served[position - 1]!, hashes, rootHash)).toBe(true);
      expect(verifyInclusion(position - 1, treeSize, served[position % treeSize]!, hashes, rootHash)).toBe(
        false,
      );
    }
  });

  it('proves a later checkpoint consistent with an earlier one, and keeps both', async () => {
    const first = await checkpoint();
    await propose('log-agreement-later');
    const second = await checkpoint();
    expect(second.treeSize).toBe(first.treeSize + 3);
    const proof = (
      await viewer.get(`/api/log/proof/consistency?from=${first.treeSize}&to=${second.treeSize}`)
    ).body;
    const hashes = (proof.hashes as string[]).map((h) => Buffer.from(h, 'base64'));
    expect(verifyConsistency(first.treeSize, second.treeSize, first.rootHash, second.rootHash, hashes)).toBe(
      true,
    );
    const kept = (await viewer.get('/api/log/checkpoints?after=0')).body.items as { treeSize: number }[];
    expect(kept.map((c) => c.treeSize)).toEqual(expect.arrayContaining([first.treeSize, second.treeSize]));
  });

  it('proves random pairs of tree sizes consistent, against roots computed here', async () => {
    const served = await leaves();
    let seed = 18;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let i = 0; i < 40; i++) {
      const to = 1 + (next() % served.length);
      const from = next() % (to + 1);
      const proof = (await viewer.get(`/api/log/proof/consistency?from=${from}&to=${to}`)).body;
      expect(proof).toMatchObject({ from, to });
      const hashes = (proof.hashes as string[]).map((h) => Buffer.from(h, 'base64'));
      const ok = verifyConsistency(
        from,
        to,
        rootOf(served.slice(0, from)),
        rootOf(served.slice(0, to)),
        hashes,
      );
      expect(ok).toBe(true);
    }
  });

  it('answers the same proofs for a log whose subtree nodes were never kept (made before the node table)', async () => {
    const served = await leaves();
    const treeSize = served.length;
    const before = await Promise.all(
      [1, 4, treeSize].map(
        async (p) => (await viewer.get(`/api/log/proof/inclusion?position=${p}&treeSize=${treeSize}`)).body,
      ),
    );
    await sql('DELETE FROM log_nodes');
    for (const [i, position] of [1, 4, treeSize].entries()) {
      const proof = (await viewer.get(`/api/log/proof/inclusion?position=${position}&treeSize=${treeSize}`))
        .body;
      expect(proof).toEqual(before[i]);
      const hashes = (proof.hashes as string[]).map((h) => Buffer.from(h, 'base64'));
      expect(verifyInclusion(position - 1, treeSize, served[position - 1]!, hashes, rootOf(served))).toBe(
        true,
      );
    }
  });

  it('signs a checkpoint after commits without being asked, at most once a second', async () => {
    const kept = async () => {
      const sizes: number[] = [];
      for (let after = 0; ;) {
        const page = (await viewer.get(`/api/log/checkpoints?after=${after}&limit=100`)).body;
        sizes.push(...(page.items as { treeSize: number }[]).map((c) => c.treeSize));
        if (page.nextAfter === undefined) return sizes;
        after = page.nextAfter;
      }
    };
    const before = await kept();
    const started = performance.now();
    for (let i = 0; i < 8; i++) await propose(`log-burst-${i}`);
    await new Promise((resolve) => setTimeout(resolve, 1300));
    const seconds = (performance.now() - started) / 1000;
    const after = await kept();
    const made = after.length - before.length;
    expect(made).toBeGreaterThanOrEqual(1);
    expect(made).toBeLessThanOrEqual(Math.ceil(seconds) + 1);
    // The last commit is in a signed checkpoint that nobody asked for.
    expect(Math.max(...after)).toBe((await leaves()).length);
  });

  it('refuses a proof of a tree it does not hold, naming the field', async () => {
    const { treeSize } = await checkpoint();
    const res = await viewer.get(`/api/log/proof/inclusion?position=1&treeSize=${treeSize + 10}`);
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('treeSize');
    expect((await viewer.get('/api/log/proof/consistency?from=5&to=2')).status).toBe(400);
  });

  it('keeps the signing key in a file of mode 0600, never in an answer', async () => {
    const config = running.app.get<AppConfig>(APP_CONFIG);
    expect(statSync(config.logSigningKeyFile).mode & 0o777).toBe(0o600);
    const pem = readFileSync(config.logSigningKeyFile, 'utf8');
    const body = pem
      .split('\n')
      .filter((l) => l && !l.startsWith('-----'))
      .join('');
    const export_ = await (
      await fetch(`${running.url}/api/agreements/log-agreement-0/events?format=ndjson`, {
        headers: { authorization: `Bearer ${(await import('../support/app.js')).TEST_ADMIN_KEY}` },
      })
    ).text();
    for (const text of [export_, JSON.stringify((await viewer.get('/api/log/checkpoints')).body)]) {
      expect(text).not.toContain(body);
    }
  });
});
