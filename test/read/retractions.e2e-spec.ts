import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { API_KEY_STORE, type ApiKeyStore } from '../../src/auth/api-key.js';
import { startApp, type RunningApp } from '../support/app.js';
import { api } from '../support/http.js';

/**
 * Corrections that keep the audit trail, on SQLite and PostgreSQL. A signature recorded for the
 * wrong party (KOR signed nothing: it was entered by mistake), and a test milestone: retracted,
 * every read model is as if they had never been recorded, while the raw stream, the exports and
 * the audit keep both and stay valid.
 */

const ID = 'usa-jpn-kor-retract';
let running: RunningApp;
let http: ReturnType<typeof api>;
const ids: Record<string, string> = {};

async function record(events: unknown[]) {
  const res = await http.post(`/api/agreements/${ID}/events`, events);
  expect(res.status).toBe(201);
  return res.body as { eventId: string; type: string }[];
}

beforeAll(async () => {
  running = await startApp();
  http = api(running.url);
  expect(
    (
      await http.post('/api/agreements', {
        id: ID,
        title: 'Trilateral agreement recorded with a mistake',
        parties: ['USA', 'JPN', 'KOR'],
        provisions: ['consultation'],
        occurredOn: '2024-01-10',
      })
    ).status,
  ).toBe(201);
  const [usa, jpn, kor] = await record([
    { type: 'AgreementSigned', occurredOn: '2024-02-01', data: { party: 'USA' } },
    { type: 'AgreementSigned', occurredOn: '2024-02-01', data: { party: 'JPN' } },
    { type: 'AgreementSigned', occurredOn: '2024-02-02', data: { party: 'KOR' } },
  ]);
  Object.assign(ids, { usa: usa!.eventId, jpn: jpn!.eventId, kor: kor!.eventId });
  const [milestone] = await record([
    {
      type: 'MilestoneCommitted',
      occurredOn: '2024-02-03',
      data: { milestoneId: 'test-entry', description: 'A test entry', owner: 'USA', dueOn: '2024-03-01' },
    },
  ]);
  ids['milestone'] = milestone!.eventId;
});
afterAll(async () => {
  await running.close();
});

const retract = (eventId: string, reason = 'Recorded in error') =>
  http.post(`/api/agreements/${ID}/events`, { type: 'EventRetracted', data: { eventId, reason } });

describe('retractions', () => {
  it('before: the mistaken signature makes the agreement signed and the test milestone overdue', async () => {
    const status = (await http.get(`/api/agreements/${ID}`)).body;
    expect(status.status).toBe('signed');
    expect(status.signatures).toHaveProperty('KOR');
    const milestones = (await http.get(`/api/agreements/${ID}/milestones`)).body.items;
    expect(milestones.map((m: { milestoneId: string }) => m.milestoneId)).toContain('test-entry');
  });

  it('refuses to retract a signature that later events depend on, naming them', async () => {
    const res = await retract(ids['usa']!);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ title: 'RetractionBreaksStream', field: 'data.eventId' });
    expect(res.body.detail).toContain(ids['milestone']);
    // Without USA's signature the agreement is never signed: the milestone (which needs that) depends on it.
    expect(res.body.dependents).toEqual([ids['milestone']]);
  });

  it('retracts the milestone and the wrong signature: the views are as if never recorded', async () => {
    expect((await retract(ids['milestone']!, 'Test entry')).status).toBe(201);
    const res = await retract(ids['kor']!, 'KOR did not sign: entered against the wrong party');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ type: 'EventRetracted', data: { eventId: ids['kor'] } });

    const status = (await http.get(`/api/agreements/${ID}`)).body;
    expect(status.status).toBe('proposed');
    expect(status.signatures).not.toHaveProperty('KOR');
    expect(status.milestones).toEqual({});
    expect((await http.get(`/api/agreements/${ID}/milestones`)).body.items).toEqual([]);
    const asOf = (await http.get(`/api/agreements/${ID}?asOf=2024-12-31`)).body;
    expect(asOf.status).toBe('proposed');
    expect(asOf.signatures).not.toHaveProperty('KOR');
    const signedList = (await http.get('/api/agreements?status=signed&limit=1000')).body.items;
    expect(signedList.map((a: { id: string }) => a.id)).not.toContain(ID);
    const kor = (await http.get('/api/parties/KOR')).body;
    const korAgreements = Object.values(kor.agreements.byStatus).flat() as { id: string; status: string }[];
    expect(korAgreements.find((a) => a.id === ID)?.status).toBe('proposed');
  });

  it('the timeline keeps the retracted items, marked with the reason', async () => {
    const items = (await http.get(`/api/agreements/${ID}/timeline`)).body.items as {
      type: string;
      retracted?: boolean;
      retractionReason?: string;
    }[];
    const marked = items.filter((i) => i.retracted);
    expect(marked.map((i) => [i.type, i.retractionReason])).toEqual([
      ['AgreementSigned', 'KOR did not sign: entered against the wrong party'],
      ['MilestoneCommitted', 'Test entry'],
    ]);
    expect(items.filter((i) => i.type === 'EventRetracted')).toHaveLength(2);
  });

  it('the raw stream, the export and the audit keep both, and the chain stays valid', async () => {
    const events = (await http.get(`/api/agreements/${ID}/events`)).body.items as {
      eventId: string;
      type: string;
    }[];
    expect(events.map((e) => e.eventId)).toEqual(expect.arrayContaining([ids['kor'], ids['milestone']]));
    expect(events.filter((e) => e.type === 'EventRetracted')).toHaveLength(2);
    const ndjson = await fetch(`${running.url}/api/agreements/${ID}/events?format=ndjson`, {
      headers: { authorization: `Bearer ${(await import('../support/app.js')).TEST_ADMIN_KEY}` },
    });
    expect(await ndjson.text()).toContain(ids['kor']);
    const verify = (await http.get(`/api/agreements/${ID}/audit/verify`)).body;
    expect(verify).toMatchObject({ valid: true, checked: events.length });
  });

  it('refuses an unknown event, one already retracted, and a retraction, each by name', async () => {
    const unknown = await retract('00000000-0000-4000-8000-000000000000');
    expect(unknown.status).toBe(409);
    expect(unknown.body.title).toBe('EventNotFound');
    const again = await retract(ids['kor']!);
    expect(again.status).toBe(409);
    expect(again.body.title).toBe('EventAlreadyRetracted');
    const events = (await http.get(`/api/agreements/${ID}/events`)).body.items as {
      eventId: string;
      type: string;
    }[];
    const retraction = events.find((e) => e.type === 'EventRetracted')!;
    const ofRetraction = await retract(retraction.eventId);
    expect(ofRetraction.status).toBe(409);
    expect(ofRetraction.body.title).toBe('RetractionNotRetractable');
  });

  it('only an admin or a recorder of the agreement may retract: a viewer and an outside recorder may not', async () => {
    const keys = running.app.get<ApiKeyStore>(API_KEY_STORE);
    const viewer = (await keys.create({ name: 'viewer', role: 'viewer', parties: [] })).key;
    const outsider = (await keys.create({ name: 'fra desk', role: 'recorder', parties: ['FRA'] })).key;
    const insider = (await keys.create({ name: 'jpn desk', role: 'recorder', parties: ['JPN'] })).key;
    const body = { type: 'EventRetracted', data: { eventId: ids['jpn'], reason: 'Try' } };
    expect((await api(running.url, viewer).post(`/api/agreements/${ID}/events`, body)).status).toBe(403);
    expect((await api(running.url, outsider).post(`/api/agreements/${ID}/events`, body)).status).toBe(403);
    // A recorder for one of its parties may (nothing recorded later depends on JPN's signature).
    expect((await api(running.url, insider).post(`/api/agreements/${ID}/events`, body)).status).toBe(201);
    expect((await http.get(`/api/agreements/${ID}`)).body.signatures).not.toHaveProperty('JPN');
  });

  it('JPN and KOR can sign for real afterwards', async () => {
    await record([
      { type: 'AgreementSigned', occurredOn: '2024-04-01', data: { party: 'KOR' } },
      { type: 'AgreementSigned', occurredOn: '2024-04-02', data: { party: 'JPN' } },
    ]);
    expect((await http.get(`/api/agreements/${ID}`)).body).toMatchObject({
      status: 'signed',
      signedOn: '2024-04-02',
    });
  });
});
