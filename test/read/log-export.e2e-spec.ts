import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventHash } from '../../src/event-store/hashing.js';
import { checkpointText, parseCheckpoint, signNote, openNote, parseVkey } from '../../src/log/signed-note.js';
import { startApp, TEST_ADMIN_KEY, type RunningApp } from '../support/app.js';
import { api } from '../support/http.js';

/*
 * What an auditor takes away (issue 18), on SQLite and PostgreSQL: an agreement's NDJSON export with
 * inclusion proofs and its proof bundle, checked offline by `audit:verify --export` against a
 * checkpoint and a key she trusts. A changed event, a recomputed hash or a checkpoint signed by
 * another key fails, naming the position.
 */
let running: RunningApp;
let http: ReturnType<typeof api>;
let dir: string;
const ID = 'usa-jpn-export';

function verify(...args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['dist/scripts/audit-verify.js', ...args], (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, out: `${stdout}${stderr}` }),
    );
  });
}

async function exported(query: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${running.url}/api/agreements/${ID}/events?${query}`, {
    headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` },
  });
  return { status: res.status, text: await res.text() };
}

const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

beforeAll(async () => {
  if (!existsSync('dist/scripts/audit-verify.js')) throw new Error('Run `npm run build` first');
  dir = mkdtempSync(join(tmpdir(), 'log-export-'));
  running = await startApp();
  http = api(running.url);
  // Another agreement first, so that this one's positions are not 1, 2, 3.
  for (const id of ['other-export', ID]) {
    expect(
      (
        await http.post('/api/agreements', {
          id,
          title: id,
          parties: ['USA', 'JPN'],
          provisions: ['consultation'],
          occurredOn: '1960-01-06',
        })
      ).status,
    ).toBe(201);
    for (const party of ['USA', 'JPN']) {
      const res = await http.post(`/api/agreements/${id}/events`, {
        type: 'AgreementSigned',
        occurredOn: '1960-01-19',
        data: { party },
      });
      expect(res.status).toBe(201);
    }
  }
});
afterAll(async () => {
  await running?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('exports with inclusion proofs, checked offline', () => {
  it('an NDJSON export with proofs of the saved checkpoint passes', async () => {
    const note = file('checkpoint.txt', (await http.get('/api/log/checkpoint')).body as string);
    const key = file('log.vkey', (await http.get('/api/log/key')).body as string);
    const size = parseCheckpoint(
      openNote(
        (await http.get('/api/log/checkpoint')).body as string,
        parseVkey((await http.get('/api/log/key')).body as string),
      ),
    ).treeSize;
    expect(size).toBe(6);
    // Recorded after the checkpoint: in the export, not covered by it.
    expect(
      (
        await http.post(`/api/agreements/${ID}/events`, {
          type: 'AgreementRatified',
          occurredOn: '1960-06-21',
          data: { party: 'USA', instrument: 'ratification' },
        })
      ).status,
    ).toBe(201);
    const res = await exported(`format=ndjson&proofs=${size}`);
    expect(res.status).toBe(200);
    const lines = res.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.position)).toEqual([4, 5, 6, 7]);
    expect(lines[0].proof).toMatchObject({ leafIndex: 3, treeSize: 6 });
    expect(lines[3].proof).toBeUndefined();
    const ok = await verify('--export', file('export.ndjson', res.text), '--checkpoint', note, '--key', key);
    expect(ok.out).toContain('3 are proven in the log of 6 events');
    expect(ok.out).toContain('1 recorded after it');
    expect(ok.code).toBe(0);

    // An event's data changed in the file: its chain breaks there.
    const changed = lines.map((l) =>
      l.position === 5 ? { ...l, data: { party: 'JPN', signatory: 'x' } } : l,
    );
    const broken = await verify(
      '--export',
      file('changed.ndjson', changed.map((l) => JSON.stringify(l)).join('\n')),
      '--checkpoint',
      note,
      '--key',
      key,
    );
    expect(broken.code).toBe(1);
    expect(broken.out).toContain('position 5');

    // The same with the chain recomputed: the chain passes, the log does not hold it.
    let prev = lines[0].prevHash as string;
    const rechained = changed.map((l) => {
      const hash = eventHash(prev, { ...l, streamId: l.agreementId });
      const next = { ...l, prevHash: prev, hash };
      prev = hash;
      return next;
    });
    const forged = await verify(
      '--export',
      file('rechained.ndjson', rechained.map((l) => JSON.stringify(l)).join('\n')),
      '--checkpoint',
      note,
      '--key',
      key,
    );
    expect(forged.code).toBe(1);
    expect(forged.out).toContain('position 5: the event is not the one the checkpoint');
    expect(forged.out).not.toContain('position 4');
  });

  it('a proof bundle passes with the trusted key, and fails with a checkpoint another key signed', async () => {
    const res = await http.get(`/api/agreements/${ID}/proof-bundle`);
    expect(res.status).toBe(200);
    const bundle = res.body;
    expect(bundle).toMatchObject({ agreementId: ID, format: 'treaty-ledger/proof-bundle/v1' });
    expect(bundle.events.every((e: { proof?: unknown }) => e.proof)).toBe(true);
    const key = file('trusted.vkey', (await http.get('/api/log/key')).body as string);
    const ok = await verify('--export', file('bundle.json', JSON.stringify(bundle)), '--key', key);
    expect(ok.out).toContain(`4 are proven in the log of ${bundle.treeSize} events`);
    expect(ok.code).toBe(0);
    // Without a key of her own, the bundle's is used and said to be so.
    const own = await verify('--export', join(dir, 'bundle.json'));
    expect(own.out).toContain('Using the key the bundle carries');

    // A forger who holds the database but not the key signs his own checkpoint.
    const { privateKey } = generateKeyPairSync('ed25519');
    const origin = bundle.checkpoint.split('\n')[0];
    const forgedNote = signNote(
      checkpointText({ origin, treeSize: bundle.treeSize, rootHash: Buffer.alloc(32, 7) }),
      origin,
      privateKey,
    );
    const forged = await verify(
      '--export',
      file('forged.json', JSON.stringify({ ...bundle, checkpoint: forgedNote })),
      '--key',
      key,
    );
    expect(forged.code).toBe(1);
    expect(forged.out).toContain(`BROKEN: the checkpoint: the note carries no signature of ${origin}`);
    // Or keeps the log's signature line under a text he changed.
    const lines = (bundle.checkpoint as string).split('\n');
    lines[2] = Buffer.alloc(32, 7).toString('base64');
    const altered = await verify(
      '--export',
      file('altered.json', JSON.stringify({ ...bundle, checkpoint: lines.join('\n') })),
      '--key',
      key,
    );
    expect(altered.code).toBe(1);
    expect(altered.out).toContain(`BROKEN: the checkpoint: the signature of ${origin} does not verify`);
  });

  it('refuses proofs without NDJSON, or of a tree the log does not hold, naming the field', async () => {
    const csv = await http.get(`/api/agreements/${ID}/events?format=csv&proofs=1`);
    expect(csv.status).toBe(400);
    expect(csv.body.errors[0].field).toBe('proofs');
    const beyond = await http.get(`/api/agreements/${ID}/events?format=ndjson&proofs=99999`);
    expect(beyond.status).toBe(400);
    expect(beyond.body.errors[0].field).toBe('proofs');
    expect((await http.get('/api/agreements/nope-nothing/proof-bundle')).status).toBe(404);
  });
});
