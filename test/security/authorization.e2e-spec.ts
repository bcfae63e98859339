import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { registeredRoutes, type RegisteredRoute } from '../../src/app.factory.js';
import { startApp, type RunningApp } from '../support/app.js';
import { api, type JsonResponse } from '../support/http.js';

/**
 * Roles and object-level authorization (OWASP API1, API5) and mass assignment (API3):
 * a recorder writes only where one of its parties is a party, a viewer only reads, an
 * admin does everything; the server alone sets actor, timestamps, version and hashes.
 * Keys are made with the keys CLI against the running server's database.
 */

const USA_JPN = 'usa-jpn-1960';
const KOR_USA = 'kor-usa-1953';
const PARAMS: Record<string, string> = { id: USA_JPN, code: 'USA' };

let running: RunningApp;
let admin: ReturnType<typeof api>;
let recorder: ReturnType<typeof api>;
let viewer: ReturnType<typeof api>;
let recorderId: string;

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function keysCli(...args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['dist/scripts/keys.js', ...args],
      { env: { ...process.env, DATABASE_URL: `sqlite:${running.dbFile}` } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** Creates a key with the CLI: the key is alone on the last line, the id is in `keys list`. */
async function createKey(...args: string[]): Promise<{ key: string; id: string }> {
  const created = await keysCli('create', ...args);
  expect(created).toMatchObject({ code: 0 });
  const key = created.stdout.trim().split('\n').at(-1)!;
  const name = args[args.indexOf('--name') + 1]!;
  const line = (await keysCli('list')).stdout
    .split('\n')
    .find((l) => l.endsWith(name) || l.includes(`${name}  [`));
  return { key, id: line!.split(/\s+/)[0]! };
}

const propose = (id: string, parties: string[]) => ({
  id,
  title: `Agreement ${id}`,
  parties,
  provisions: ['mutual_defense'],
  occurredOn: '1960-01-06',
});
const sign = (party: string) => ({ type: 'AgreementSigned', occurredOn: '1960-01-19', data: { party } });

async function eventsOf(id: string): Promise<unknown[]> {
  const res = await admin.get(`/api/agreements/${id}/events?limit=1000`);
  if (res.status === 404) return [];
  expect(res.status).toBe(200);
  return res.body.items;
}

async function allEvents(): Promise<unknown[]> {
  const res = await admin.get('/api/events?limit=1000');
  expect(res.status).toBe(200);
  return res.body.items;
}

function expectProblem(res: JsonResponse, status: number): void {
  expect({ status: res.status, body: res.body }).toMatchObject({ status, body: { status } });
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
}

/** Sends a write that must be refused and checks the store did not change. */
async function refused(status: number, send: () => Promise<JsonResponse>): Promise<JsonResponse> {
  const before = await allEvents();
  const res = await send();
  expectProblem(res, status);
  expect(await allEvents()).toEqual(before);
  return res;
}

/** Query parameters a route needs to answer 200 (the log's proofs name a tree and a leaf in it). */
const QUERIES: Record<string, string> = {
  '/api/log/proof/inclusion': '?position=1&treeSize=1',
  '/api/log/proof/consistency': '?from=1&to=1',
};
const pathOf = (route: RegisteredRoute) =>
  `${route.url.replace(/:(\w+)/g, (_, name: string) => PARAMS[name]!)}${QUERIES[route.url] ?? ''}`;
const apiRoutes = () =>
  registeredRoutes(running.app).filter((r) => r.url.startsWith('/api/') || r.url === '/api');

beforeAll(async () => {
  if (!existsSync('dist/scripts/keys.js'))
    throw new Error('Run `npm run build` first: this test runs the keys CLI');
  running = await startApp({ env: { WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' } });
  admin = api(running.url);
  const subscribed = await admin.post('/api/subscriptions', {
    url: 'http://127.0.0.1:9/hook',
    events: ['AgreementTerminated'],
  });
  expect(subscribed.status).toBe(201);
  PARAMS.subscriptionId = subscribed.body.id;
  expect((await admin.post('/api/agreements', propose(USA_JPN, ['USA', 'JPN']))).status).toBe(201);
  expect((await admin.post('/api/agreements', propose(KOR_USA, ['KOR', 'USA']))).status).toBe(201);
  const [kor, view] = await Promise.all([
    createKey('--role', 'recorder', '--parties', 'KOR', '--name', 'Seoul treaty desk'),
    createKey('--role', 'viewer', '--name', 'Auditor'),
  ]);
  recorder = api(running.url, kor.key);
  recorderId = kor.id;
  viewer = api(running.url, view.key);
});

afterAll(async () => {
  await running.close();
});

describe('a KOR recorder', () => {
  it('gets 403 writing to a USA–JPN agreement, and nothing is written', async () => {
    const res = await refused(403, () => recorder.post(`/api/agreements/${USA_JPN}/events`, sign('USA')));
    expect(res.body.detail).toMatch(/KOR/);
    await refused(403, () => recorder.post(`/api/agreements/${USA_JPN}/events`, [sign('USA'), sign('JPN')]));
  });

  it('gets 403 proposing an agreement without KOR, and the agreement does not exist', async () => {
    await refused(403, () => recorder.post('/api/agreements', propose('usa-gbr-1958', ['USA', 'GBR'])));
    expect((await admin.get('/api/agreements/usa-gbr-1958')).status).toBe(404);
  });

  it('gets 403 replaying an event id already stored on a USA–JPN agreement', async () => {
    const eventId = randomUUID();
    const first = await admin.post(`/api/agreements/${USA_JPN}/events`, { ...sign('JPN'), eventId });
    expect(first.status).toBe(201);
    await refused(403, () => recorder.post(`/api/agreements/${USA_JPN}/events`, { ...sign('JPN'), eventId }));
  });

  it('gets 201 on a KOR–USA agreement, recorded under its own name and key id', async () => {
    const res = await recorder.post(`/api/agreements/${KOR_USA}/events`, sign('KOR'));
    expect(res.status).toBe(201);
    const stored = (await eventsOf(KOR_USA)).at(-1) as any;
    expect(stored).toMatchObject({
      type: 'AgreementSigned',
      data: { party: 'KOR' },
      actor: 'Seoul treaty desk',
    });
    expect(stored.metadata).toMatchObject({ actor: 'Seoul treaty desk', keyId: recorderId });
  });

  it('gets 201 proposing an agreement with KOR as a party', async () => {
    const res = await recorder.post('/api/agreements', propose('kor-aus-2024', ['KOR', 'AUS']));
    expect(res.status).toBe(201);
    expect(((await eventsOf('kor-aus-2024'))[0] as any).metadata).toMatchObject({ keyId: recorderId });
  });
});

describe('a viewer', () => {
  it('gets 403 on every write route the application registers, and nothing is written', async () => {
    const writes = apiRoutes().filter((r) => !['GET', 'HEAD', 'OPTIONS'].includes(r.method));
    expect(writes.length).toBeGreaterThanOrEqual(2);
    for (const route of writes) {
      const body = route.url.endsWith('/events') ? sign('JPN') : propose('usa-fra-1950', ['USA', 'FRA']);
      const res = await refused(403, () => viewer.request(route.method, pathOf(route), body));
      expect(res.headers.get('www-authenticate')).toBeNull();
    }
  });

  it('gets 200 on every read route but those for admins only', async () => {
    const reads = apiRoutes().filter(
      (r) => r.method === 'GET' && !r.url.endsWith('/live') && r.access !== 'key-admin',
    );
    expect(reads.length).toBeGreaterThanOrEqual(5);
    for (const route of reads) {
      const res = await viewer.get(pathOf(route));
      expect({ route, status: res.status }).toEqual({ route, status: 200 });
    }
  });
});

describe('routes for admins only (webhook subscriptions)', () => {
  it('refuse a viewer and a recorder with 403, reads included, and change nothing', async () => {
    const adminOnly = apiRoutes().filter((r) => r.access === 'key-admin');
    expect(adminOnly.map((r) => `${r.method} ${r.url}`)).toEqual(
      expect.arrayContaining([
        'POST /api/subscriptions',
        'GET /api/subscriptions/:subscriptionId/deliveries',
      ]),
    );
    const before = (await admin.get('/api/subscriptions')).body;
    for (const key of [viewer, recorder]) {
      for (const route of adminOnly) {
        const body = route.method === 'POST' ? { url: 'http://127.0.0.1:9/other' } : undefined;
        const res = await key.request(route.method, pathOf(route), body);
        if (route.method === 'HEAD') expect({ route, status: res.status }).toEqual({ route, status: 403 });
        else expectProblem(res, 403);
      }
    }
    expect((await admin.get('/api/subscriptions')).body).toEqual(before);
  });
});

describe('an admin', () => {
  it('writes to any agreement and proposes any agreement', async () => {
    expect((await admin.post(`/api/agreements/${USA_JPN}/events`, sign('USA'))).status).toBe(201);
    expect((await admin.post(`/api/agreements/${KOR_USA}/events`, sign('USA'))).status).toBe(201);
    expect((await admin.post('/api/agreements', propose('usa-phl-1951', ['USA', 'PHL']))).status).toBe(201);
    const stored = (await eventsOf('usa-phl-1951'))[0] as any;
    expect(stored.metadata).toMatchObject({ actor: 'admin', keyId: expect.any(String) });
  });

  it('reads every read route', async () => {
    for (const route of apiRoutes().filter((r) => r.method === 'GET' && !r.url.endsWith('/live'))) {
      expect({ route, status: (await admin.get(pathOf(route))).status }).toEqual({ route, status: 200 });
    }
  });
});

describe('mass assignment: the server alone sets actor, timestamps, version and hashes', () => {
  const FIELDS: [string, unknown][] = [
    ['actor', 'Mallory'],
    ['recordedAt', '1999-01-01T00:00:00.000Z'],
    ['version', 99],
    ['hash', 'a'.repeat(64)],
    ['prevHash', '0'.repeat(64)],
    ['metadata', { actor: 'Mallory' }],
  ];

  it.each(FIELDS)('an event with %s at the top level is refused (400, naming it)', async (field, value) => {
    const res = await refused(400, () =>
      admin.post(`/api/agreements/${KOR_USA}/events`, { ...sign('USA'), [field]: value }),
    );
    expect(JSON.stringify(res.body.errors ?? res.body)).toContain(field);
  });

  it.each(FIELDS)('an event with %s in data is refused (400, naming it)', async (field, value) => {
    const body = {
      type: 'ConsultationHeld',
      occurredOn: '1960-02-01',
      data: { level: 'working', topics: ['x'], [field]: value },
    };
    const res = await refused(400, () => admin.post(`/api/agreements/${USA_JPN}/events`, body));
    expect(JSON.stringify(res.body.errors ?? res.body)).toContain(field);
  });

  it.each(FIELDS)('one event of an array with %s refuses the whole array', async (field, value) => {
    const body = [sign('JPN'), { ...sign('USA'), [field]: value }];
    await refused(400, () => admin.post(`/api/agreements/usa-phl-1951/events`, body));
  });

  it.each(FIELDS)('a proposal with %s is refused, and the agreement does not exist', async (field, value) => {
    const res = await refused(400, () =>
      recorder.post('/api/agreements', { ...propose('kor-nzl-2000', ['KOR', 'NZL']), [field]: value }),
    );
    expect(JSON.stringify(res.body.errors ?? res.body)).toContain(field);
    expect((await admin.get('/api/agreements/kor-nzl-2000')).status).toBe(404);
  });

  it('a recorder cannot pass itself off as someone else: actor and key id come from its key', async () => {
    const res = await recorder.post(`/api/agreements/kor-aus-2024/events`, sign('AUS'), {
      'x-actor': 'Mallory',
      'x-correlation-id': 'audit-42',
    });
    expect(res.status).toBe(201);
    expect(res.body.actor).toBe('Seoul treaty desk');
    expect(res.body.metadata).toMatchObject({
      actor: 'Seoul treaty desk',
      keyId: recorderId,
      correlationId: 'audit-42',
    });
  });
});
