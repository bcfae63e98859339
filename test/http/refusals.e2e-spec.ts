import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { API_KEY_STORE, type ApiKeyStore } from '../../src/auth/api-key.js';
import { ManualClock, startApp, type RunningApp } from '../support/app.js';
import { api, type JsonResponse } from '../support/http.js';

/**
 * Every refusal is a 4xx application/problem+json with type, title, status and detail,
 * never a 500, and writes nothing: the stream, the version and the list are compared
 * before and after each one.
 */

const TODAY = '2025-03-01';
const ID = 'usa-jpn-1960';
const SIGN_JPN = { type: 'AgreementSigned', occurredOn: '1960-01-19', data: { party: 'JPN' } };

let running: RunningApp;
let http: ReturnType<typeof api>;

beforeAll(async () => {
  running = await startApp({ clock: new ManualClock(new Date(`${TODAY}T12:00:00.000Z`)) });
  http = api(running.url);
  const proposed = await http.post('/api/agreements', {
    id: ID,
    title: 'Treaty of Mutual Cooperation and Security',
    parties: ['USA', 'JPN'],
    provisions: ['mutual_defense', 'basing_access'],
    occurredOn: '1960-01-06',
  });
  expect(proposed.status).toBe(201);
  const signed = await http.post(`/api/agreements/${ID}/events`, {
    type: 'AgreementSigned',
    occurredOn: '1960-01-19',
    data: { party: 'USA' },
  });
  expect(signed.status).toBe(201);
});

afterAll(async () => {
  await running.close();
});

/** Everything a refused write could have touched. */
async function snapshot() {
  const [events, status, list] = await Promise.all([
    http.get(`/api/agreements/${ID}/events`),
    http.get(`/api/agreements/${ID}`),
    http.get('/api/agreements?limit=1000'),
  ]);
  expect(events.status).toBe(200);
  return {
    events: events.body,
    version: status.body.version,
    etag: status.headers.get('etag'),
    ids: list.body.items.map((a: any) => a.id),
  };
}

function expectProblem(res: JsonResponse, status: number): void {
  expect(res.status).toBeGreaterThanOrEqual(400);
  expect(res.status).toBeLessThan(500);
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({
    type: expect.any(String),
    title: expect.any(String),
    status,
    detail: expect.any(String),
  });
  expect(res.body.detail.length).toBeGreaterThan(0);
}

/** Sends a request that must be refused with `status`, and checks that nothing was written. */
async function refused(status: number, send: () => Promise<JsonResponse>): Promise<JsonResponse> {
  const before = await snapshot();
  const res = await send();
  expectProblem(res, status);
  expect(await snapshot()).toEqual(before);
  return res;
}

const fieldsOf = (res: JsonResponse): string[] => (res.body.errors ?? []).map((e: any) => e.field);

function expectFieldError(res: JsonResponse, field: string, rule?: string): void {
  const error = (res.body.errors ?? []).find((e: any) => e.field === field);
  expect({ field, errors: res.body.errors }).toMatchObject({ field, errors: expect.any(Array) });
  expect(error).toBeDefined();
  expect(typeof error.rule).toBe('string');
  expect(error.rule.length).toBeGreaterThan(0);
  if (rule !== undefined) expect(error.rule).toBe(rule);
}

const postEvent = (body: unknown, headers?: Record<string, string>) =>
  http.post(`/api/agreements/${ID}/events`, body, headers);

describe('If-Match', () => {
  it('a stale If-Match gets 412 with the current version in ETag', async () => {
    const res = await refused(412, () => postEvent(SIGN_JPN, { 'if-match': '"1"' }));
    expect(res.headers.get('etag')).toBe('"2"');
  });

  it('a version from the future is stale too', async () => {
    const res = await refused(412, () => postEvent(SIGN_JPN, { 'if-match': '"9"' }));
    expect(res.headers.get('etag')).toBe('"2"');
  });

  it.each(['2', '"two"', 'W/"', '"2', '"-1"', 'abc'])(
    'a malformed If-Match (%s) gets 400 naming If-Match',
    async (value) => {
      const res = await refused(400, () => postEvent(SIGN_JPN, { 'if-match': value }));
      expect(fieldsOf(res)).toContain('If-Match');
    },
  );
});

describe('body shape', () => {
  it.each([
    ['data.party', { type: 'AgreementSigned', data: { party: 42 } }],
    ['data.party', { type: 'AgreementSigned', data: { party: ['JPN'] } }],
    ['data', { type: 'AgreementSigned', data: 'JPN' }],
    ['occurredOn', { type: 'AgreementSigned', occurredOn: 19600119, data: { party: 'JPN' } }],
    ['eventId', { type: 'AgreementSigned', eventId: 12, data: { party: 'JPN' } }],
  ])('a wrong type gets 400 naming %s', async (field, body) => {
    expectFieldError(await refused(400, () => postEvent(body)), field, 'type');
  });

  it.each([
    ['data.party', { type: 'AgreementSigned', data: {} }],
    ['type', { data: { party: 'JPN' } }],
    ['data.name', { type: 'ExerciseHeld', data: { startedOn: '2024-10-23', participants: ['USA'] } }],
  ])('a missing field gets 400 naming %s', async (field, body) => {
    expectFieldError(await refused(400, () => postEvent(body)), field, 'required');
  });

  it.each(['actor', 'recordedAt', 'version', 'hash', 'prevHash', 'position', 'metadata', 'agreementId'])(
    'an extra top-level field %s gets 400 naming it',
    async (field) => {
      const res = await refused(400, () => postEvent({ ...SIGN_JPN, [field]: 'x' }));
      expectFieldError(res, field, 'unknown_field');
    },
  );

  it.each(['actor', 'recordedAt', 'version', 'hash', 'signedBy'])(
    'an extra field %s inside data gets 400 naming it under data',
    async (field) => {
      const res = await refused(400, () => postEvent({ ...SIGN_JPN, data: { party: 'JPN', [field]: 'x' } }));
      expectFieldError(res, `data.${field}`, 'unknown_field');
    },
  );

  it('a type that is not a string gets 400 naming type', async () => {
    expectFieldError(await refused(400, () => postEvent({ type: 7, data: { party: 'JPN' } })), 'type');
  });

  it('names the failing element of an array by its index', async () => {
    const res = await refused(400, () =>
      postEvent([SIGN_JPN, { type: 'ConsultationHeld', data: { level: 'working', topics: 'one' } }]),
    );
    expectFieldError(res, '1.data.topics', 'type');
  });

  describe('a proposal', () => {
    const proposal = {
      id: 'kor-usa-refused',
      title: 'Refused',
      parties: ['KOR', 'USA'],
      provisions: ['consultation'],
      occurredOn: '2000-01-01',
    };

    it.each([
      ['parties', 'type', { ...proposal, parties: 'KOR' }],
      ['termMonths', 'type', { ...proposal, termMonths: '12' }],
      ['title', 'required', { ...proposal, title: undefined }],
      ['provisions', 'required', { ...proposal, provisions: undefined }],
      ['version', 'unknown_field', { ...proposal, version: 1 }],
      ['actor', 'unknown_field', { ...proposal, actor: 'someone' }],
      ['recordedAt', 'unknown_field', { ...proposal, recordedAt: '2025-01-01T00:00:00Z' }],
      ['hash', 'unknown_field', { ...proposal, hash: 'f'.repeat(64) }],
      ['status', 'unknown_field', { ...proposal, status: 'signed' }],
    ])('gets 400 naming %s (%s)', async (field, rule, body) => {
      expectFieldError(await refused(400, () => http.post('/api/agreements', body)), field, rule);
      expectProblem(await http.get(`/api/agreements/${proposal.id}`), 404);
    });

    it('with control characters in its title gets 400 naming title', async () => {
      for (const title of ['Bell\u0007Treaty', 'Nul\u0000Treaty', 'Esc\u001b[31mTreaty', 'Del\u007fTreaty']) {
        const res = await refused(400, () => http.post('/api/agreements', { ...proposal, title }));
        expectFieldError(res, 'title');
      }
      expectProblem(await http.get(`/api/agreements/${proposal.id}`), 404);
    });

    it('with only one party, or a repeated one, gets 400 naming parties', async () => {
      for (const parties of [['KOR'], ['KOR', 'KOR'], ['KOR', 'usa']]) {
        const res = await refused(400, () => http.post('/api/agreements', { ...proposal, parties }));
        expect(fieldsOf(res).some((f) => f.startsWith('parties'))).toBe(true);
      }
    });

    it('in the future gets 400 DateInFuture and creates nothing', async () => {
      const res = await refused(400, () =>
        http.post('/api/agreements', { ...proposal, occurredOn: '2025-03-02' }),
      );
      expect(res.body.title).toBe('DateInFuture');
      expectProblem(await http.get(`/api/agreements/${proposal.id}`), 404);
    });

    it('for an id that exists gets 409 and changes nothing', async () => {
      const res = await refused(409, () => http.post('/api/agreements', { ...proposal, id: ID }));
      expect(res.body.title).toBe('AgreementAlreadyExists');
    });
  });

  it('control characters in event text get 400 naming the field', async () => {
    const res = await refused(400, () =>
      postEvent({ ...SIGN_JPN, data: { party: 'JPN', signatory: 'A\u0000B' } }),
    );
    expectFieldError(res, 'data.signatory');
  });
});

describe('dates', () => {
  it('an event dated before the proposal gets 409 DateBeforeProposal', async () => {
    const res = await refused(409, () => postEvent({ ...SIGN_JPN, occurredOn: '1960-01-05' }));
    expect(res.body.title).toBe('DateBeforeProposal');
    expect(res.body.detail).toContain('1960-01-06');
  });

  it('an event dated tomorrow gets 400 DateInFuture', async () => {
    const res = await refused(400, () => postEvent({ ...SIGN_JPN, occurredOn: '2025-03-02' }));
    expect(res.body.title).toBe('DateInFuture');
  });

  it.each(['2023-02-30', '2023-13-01', '1960-1-19', '19600119', '1799-12-31', '0000-01-01'])(
    'occurredOn %s gets 400 naming occurredOn',
    async (occurredOn) => {
      expectFieldError(await refused(400, () => postEvent({ ...SIGN_JPN, occurredOn })), 'occurredOn');
    },
  );
});

describe('unknown things', () => {
  it('an unknown event type gets 400 naming type', async () => {
    const res = await refused(400, () => postEvent({ type: 'AgreementExploded', data: {} }));
    expectFieldError(res, 'type');
  });

  it('an unknown agreement gets 404 on every route', async () => {
    const missing = 'no-such-agreement';
    expectProblem(await refused(404, () => http.post(`/api/agreements/${missing}/events`, SIGN_JPN)), 404);
    for (const path of ['', '/timeline', '/events']) {
      expectProblem(await http.get(`/api/agreements/${missing}${path}`), 404);
    }
  });

  it.each(['UPPER', 'a', 'ab', 'has_underscore', '-leading-dash', 'x'.repeat(65)])(
    'a bad id in the path (%s) gets 400 naming id',
    async (bad) => {
      const posted = await refused(400, () => http.post(`/api/agreements/${bad}/events`, SIGN_JPN));
      expect(fieldsOf(posted)).toContain('id');
      for (const path of ['', '/timeline', '/events']) {
        const res = await http.get(`/api/agreements/${bad}${path}`);
        expectProblem(res, 400);
        expect(fieldsOf(res)).toContain('id');
      }
    },
  );

  it('reusing a client eventId for a different event gets 409 and writes nothing', async () => {
    const eventId = randomUUID();
    const first = await http.post('/api/agreements', {
      id: 'usa-phl-1951',
      title: 'Mutual Defense Treaty',
      parties: ['USA', 'PHL'],
      provisions: ['mutual_defense'],
      occurredOn: '1951-08-30',
      eventId,
    });
    expect(first.status).toBe(201);
    await refused(409, () => postEvent({ ...SIGN_JPN, eventId }));
  });

  describe('an event id sent again must be the same event, whoever sends it', () => {
    const eventId = randomUUID();
    const consultation = {
      type: 'ConsultationHeld',
      occurredOn: '2024-05-02',
      eventId,
      data: { level: 'ministerial', topics: ['host-nation support'] },
    };
    let otherKey: ReturnType<typeof api>;

    beforeAll(async () => {
      const signed = await postEvent({ ...SIGN_JPN, eventId: randomUUID() });
      expect([201, 409]).toContain(signed.status); // JPN may have signed in an earlier test
      expect((await postEvent(consultation)).status).toBe(201);
      const { key } = await running.app
        .get<ApiKeyStore>(API_KEY_STORE)
        .create({ name: 'another recorder', role: 'admin', parties: [] });
      otherKey = api(running.url, key);
    });

    it('the same type, date and data (another key, data keys in another order) gets the stored event back', async () => {
      const again = await otherKey.post(`/api/agreements/${ID}/events`, {
        ...consultation,
        data: { topics: ['host-nation support'], level: 'ministerial' },
      });
      expect(again.status).toBe(201);
      expect(again.body).toMatchObject({ eventId, metadata: { actor: 'admin' } });
    });

    it.each([
      ['data', { data: { level: 'summit', topics: ['host-nation support'] } }],
      ['occurredOn', { occurredOn: '2024-05-03' }],
      ['type', { type: 'ReviewConducted', data: { outcome: 'reaffirmed' } }],
    ])('another %s is 409 EventIdConflict naming it, and writes nothing', async (field, change) => {
      for (const client of [http, otherKey]) {
        const before = await snapshot();
        const res = await client.post(`/api/agreements/${ID}/events`, { ...consultation, ...change });
        expectProblem(res, 409);
        expect(res.body).toMatchObject({ title: 'EventIdConflict', field, eventId });
        expect(fieldsOf(res)).toEqual([field]);
        expect(await snapshot()).toEqual(before);
      }
    });
  });
});

describe('transport', () => {
  it('a body over 64 KiB gets 413 problem+json', async () => {
    const notes = 'x'.repeat(70 * 1024);
    await refused(413, () =>
      postEvent({
        type: 'ExerciseHeld',
        occurredOn: '2024-11-01',
        data: { name: 'Big', startedOn: '2024-10-23', participants: ['USA'], notes },
      }),
    );
  });

  it('malformed JSON gets 400 problem+json', async () => {
    await refused(400, () => postEvent('{"type": "AgreementSigned", "data": {'));
    await refused(400, () => postEvent("{'type': 'AgreementSigned'}"));
  });

  it('an empty JSON body gets 400 problem+json', async () => {
    await refused(400, () => postEvent(''));
  });

  it('Content-Type: text/plain gets 415 problem+json', async () => {
    await refused(415, () => postEvent(JSON.stringify(SIGN_JPN), { 'content-type': 'text/plain' }));
  });

  it('an empty array gets 400', async () => {
    await refused(400, () => postEvent([]));
  });

  it('more than 100 events get 400', async () => {
    const many = Array.from({ length: 101 }, () => ({
      type: 'AgreementAmended',
      occurredOn: '1960-01-10',
      data: { summary: 'Tweak', changes: { termMonths: 120 } },
    }));
    await refused(400, () => postEvent(many));
  });

  it('100 events are accepted: the limit is inclusive', async () => {
    const many = Array.from({ length: 100 }, (_, i) => ({
      type: 'AgreementAmended',
      occurredOn: '1960-01-10',
      data: { summary: `Tweak ${i}`, changes: { termMonths: 100 + i } },
    }));
    const proposed = await http.post('/api/agreements', {
      id: 'aus-nzl-usa-1951',
      title: 'ANZUS',
      parties: ['AUS', 'NZL', 'USA'],
      provisions: ['consultation'],
      occurredOn: '1951-09-01',
    });
    expect(proposed.status).toBe(201);
    const res = await http.post('/api/agreements/aus-nzl-usa-1951/events', many);
    expect(res.status).toBe(201);
    expect(res.body).toHaveLength(100);
    expect(res.headers.get('etag')).toBe('"101"');
  });

  it('a non-object event gets 400', async () => {
    for (const body of ['"AgreementSigned"', '42', 'null', '[1, 2]']) {
      await refused(400, () => postEvent(body));
    }
  });
});
