import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApp, type RunningApp } from '../support/app.js';
import { api } from '../support/http.js';

/**
 * Dates as precise as the sources, on SQLite and PostgreSQL: an agreement proposed in 1996 and
 * signed by both parties in March 1996 (no day known). Nothing invents a day: the dates are stored
 * and returned as given, rules compare periods, and an as-of question inside March says it cannot
 * know.
 */

const ID = 'usa-aus-1996-precision';
let running: RunningApp;
let http: ReturnType<typeof api>;
let signatureIds: string[] = [];

beforeAll(async () => {
  running = await startApp();
  http = api(running.url);
  const proposed = await http.post('/api/agreements', {
    id: ID,
    title: 'An agreement known to the year and month',
    parties: ['USA', 'AUS'],
    provisions: ['consultation'],
    occurredOn: '1996',
  });
  expect(proposed.status).toBe(201);
  const signed = await http.post(`/api/agreements/${ID}/events`, [
    { type: 'AgreementSigned', occurredOn: '1996-03', data: { party: 'USA' } },
    { type: 'AgreementSigned', occurredOn: '1996-03', data: { party: 'AUS' } },
  ]);
  expect(signed.status).toBe(201);
  signatureIds = signed.body.map((e: { eventId: string }) => e.eventId);
});
afterAll(async () => {
  await running.close();
});

describe('dates with a precision', () => {
  it('stores and returns each date exactly as given, with its precision', async () => {
    const events = (await http.get(`/api/agreements/${ID}/events`)).body.items;
    expect(
      events.map((e: { occurredOn: string; datePrecision: string }) => [e.occurredOn, e.datePrecision]),
    ).toEqual([
      ['1996', 'year'],
      ['1996-03', 'month'],
      ['1996-03', 'month'],
    ]);
    const status = (await http.get(`/api/agreements/${ID}`)).body;
    expect(status).toMatchObject({ status: 'signed', proposedOn: '1996', signedOn: '1996-03' });
  });

  it('shows the timeline with 1996-03 at month precision, never a made-up day', async () => {
    const items = (await http.get(`/api/agreements/${ID}/timeline`)).body.items;
    expect(
      items.map((i: { occurredOn: string; datePrecision: string }) => [i.occurredOn, i.datePrecision]),
    ).toEqual([
      ['1996', 'year'],
      ['1996-03', 'month'],
      ['1996-03', 'month'],
    ]);
  });

  it('as of a day inside March: uncertain, still proposed, naming the signatures', async () => {
    const res = await http.get(`/api/agreements/${ID}?asOf=1996-03-15`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'proposed', uncertain: true });
    expect([...res.body.uncertainEvents].sort()).toEqual(expect.arrayContaining([...signatureIds].sort()));
  });

  it('as of 1996-04-01: signed, with no uncertainty left', async () => {
    const res = await http.get(`/api/agreements/${ID}?asOf=1996-04-01`);
    expect(res.body).toMatchObject({ status: 'signed', uncertain: false, uncertainEvents: [] });
  });

  it('activeOn lists count March only once it has passed; includeUncertain=true adds it, marked', async () => {
    const ids = async (query: string) =>
      (await http.get(`/api/agreements?${query}&limit=1000`)).body.items
        .filter((a: { id: string }) => a.id === ID)
        .map((a: { id: string; uncertain?: boolean }) => ({ id: a.id, uncertain: a.uncertain ?? false }));
    expect(await ids('activeOn=1996-03-15')).toEqual([]);
    expect(await ids('activeOn=1996-03-15&includeUncertain=true')).toEqual([{ id: ID, uncertain: true }]);
    expect(await ids('activeOn=1996-04-01')).toEqual([{ id: ID, uncertain: false }]);
    expect(await ids('activeOn=1996-02-28&includeUncertain=true')).toEqual([]);
    expect(await ids('party=AUS&activeOn=1996-04-01')).toEqual([{ id: ID, uncertain: false }]);
  });

  it('refuses only what is certainly wrong: a year before the proposal, a month after today', async () => {
    const before = await http.post(`/api/agreements/${ID}/events`, {
      type: 'ConsultationHeld',
      occurredOn: '1995',
      data: { level: 'working', topics: ['dates'] },
    });
    expect(before.status).toBe(409);
    expect(before.body).toMatchObject({ title: 'DateBeforeProposal', field: 'occurredOn' });
    // The proposal's own year, at a coarser precision than the signatures: possibly right, so accepted.
    const sameYear = await http.post(`/api/agreements/${ID}/events`, {
      type: 'ConsultationHeld',
      occurredOn: '1996',
      data: { level: 'working', topics: ['dates'] },
    });
    expect(sameYear.status).toBe(201);
    expect(sameYear.body.datePrecision).toBe('year');
    const future = await http.post(`/api/agreements/${ID}/events`, {
      type: 'ConsultationHeld',
      occurredOn: '9999-01',
      data: { level: 'working', topics: ['dates'] },
    });
    expect(future.status).toBe(400);
    expect(future.body).toMatchObject({ title: 'DateInFuture', field: 'occurredOn' });
  });

  it('refuses a date that is no year, month or day, naming the field', async () => {
    for (const occurredOn of ['1996-13', '1996-02-30', '96', '1996-3', '1799']) {
      const res = await http.post(`/api/agreements/${ID}/events`, {
        type: 'ConsultationHeld',
        occurredOn,
        data: { level: 'working', topics: ['dates'] },
      });
      expect({ occurredOn, status: res.status, field: res.body.errors?.[0]?.field }).toEqual({
        occurredOn,
        status: 400,
        field: 'occurredOn',
      });
    }
  });
});
