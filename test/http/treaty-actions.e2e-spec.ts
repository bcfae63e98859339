import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApp, type RunningApp } from '../support/app.js';
import { api } from '../support/http.js';

/**
 * Per-party treaty actions through HTTP (SQLite and PostgreSQL): reservations, their withdrawal,
 * declarations, objections, provisional application and succession, shown per party in the
 * status and summarised in the timeline; refusals named.
 */

const ID = 'csk-fra-1990';
let running: RunningApp;
let http: ReturnType<typeof api>;
const post = (body: unknown) => http.post(`/api/agreements/${ID}/events`, body);

beforeAll(async () => {
  running = await startApp();
  http = api(running.url);
  expect(
    (
      await http.post('/api/agreements', {
        id: ID,
        title: 'Treaty of friendly relations and cooperation',
        parties: ['FRA', 'COW-CZE'],
        provisions: ['consultation'],
        occurredOn: '1990-10-01',
      })
    ).status,
  ).toBe(201);
  const steps = [
    {
      type: 'ReservationMade',
      occurredOn: '1990-10-01',
      data: { party: 'COW-CZE', text: 'Article 4 reserved', articles: ['4'] },
    },
    {
      type: 'DeclarationMade',
      occurredOn: '1990-10-01',
      data: { party: 'FRA', text: 'Understanding on Article 2' },
    },
    { type: 'AgreementSigned', occurredOn: '1990-10-01', data: { party: 'FRA' } },
    { type: 'AgreementSigned', occurredOn: '1990-10-01', data: { party: 'COW-CZE' } },
    { type: 'ProvisionalApplicationStarted', occurredOn: '1990-10-02', data: { party: 'FRA' } },
    {
      type: 'ObjectionMade',
      occurredOn: '1990-11-01',
      data: {
        party: 'FRA',
        toParty: 'COW-CZE',
        reservationId: 'COW-CZE-1',
        text: 'Objects to the reservation',
      },
    },
    { type: 'AgreementEnteredIntoForce', occurredOn: '1991-01-01', data: {} },
    {
      type: 'ReservationWithdrawn',
      occurredOn: '1992-06-01',
      data: { party: 'COW-CZE', reservationId: 'COW-CZE-1' },
    },
    { type: 'SuccessionNotified', occurredOn: '1993-01-01', data: { party: 'CZE', predecessor: 'COW-CZE' } },
  ];
  for (const step of steps)
    expect({ step, status: (await post(step)).status }).toEqual({ step, status: 201 });
});
afterAll(async () => {
  await running.close();
});

describe('per-party treaty actions', () => {
  it('the status shows them per party, and the successor in its predecessor’s place', async () => {
    const res = await http.get(`/api/agreements/${ID}`);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('in_force');
    expect(res.body.parties).toEqual(['FRA', 'CZE']);
    expect(res.body.partyActions).toEqual({
      'COW-CZE': {
        reservations: [
          {
            reservationId: 'COW-CZE-1',
            text: 'Article 4 reserved',
            articles: ['4'],
            madeOn: '1990-10-01',
            withdrawnOn: '1992-06-01',
          },
        ],
      },
      FRA: {
        declarations: [{ text: 'Understanding on Article 2', madeOn: '1990-10-01' }],
        provisionallyApplyingSince: '1990-10-02',
        objections: [
          {
            toParty: 'COW-CZE',
            reservationId: 'COW-CZE-1',
            text: 'Objects to the reservation',
            madeOn: '1990-11-01',
          },
        ],
      },
      CZE: { successorTo: { predecessor: 'COW-CZE', on: '1993-01-01' } },
    });
  });

  it('the timeline summarises each', async () => {
    const res = await http.get(`/api/agreements/${ID}/timeline`);
    const summaries = res.body.items.map((e: { summary: string }) => e.summary);
    expect(summaries).toEqual(
      expect.arrayContaining([
        'COW-CZE made a reservation to article 4: Article 4 reserved',
        'FRA declared: Understanding on Article 2',
        'FRA began applying the agreement provisionally',
        'FRA objected to reservation COW-CZE-1 of COW-CZE: Objects to the reservation',
        'COW-CZE withdrew its reservation COW-CZE-1',
        'CZE notified its succession to COW-CZE',
      ]),
    );
  });

  it('refuses with named errors and stores nothing', async () => {
    const before = (await http.get(`/api/agreements/${ID}`)).body.version;
    const cases: [unknown, number, string][] = [
      [
        {
          type: 'ReservationWithdrawn',
          occurredOn: '1994-01-01',
          data: { party: 'COW-CZE', reservationId: 'COW-CZE-1' },
        },
        409,
        'ReservationAlreadyWithdrawn',
      ],
      [
        {
          type: 'ReservationWithdrawn',
          occurredOn: '1994-01-01',
          data: { party: 'FRA', reservationId: 'FRA-1' },
        },
        409,
        'ReservationNotFound',
      ],
      [
        { type: 'ProvisionalApplicationStarted', occurredOn: '1994-01-01', data: { party: 'CZE' } },
        409,
        'AgreementAlreadyInForce',
      ],
      [
        {
          type: 'SuccessionNotified',
          occurredOn: '1994-01-01',
          data: { party: 'SVK', predecessor: 'COW-CZE' },
        },
        409,
        'NotAParty',
      ],
      [
        {
          type: 'ObjectionMade',
          occurredOn: '1994-01-01',
          data: { party: 'FRA', toParty: 'FRA', text: 'Self' },
        },
        400,
        'ValidationFailed',
      ],
      [
        { type: 'DeclarationMade', occurredOn: '1994-01-01', data: { party: 'XYZ', text: 'Unknown' } },
        400,
        'ValidationFailed',
      ],
    ];
    for (const [body, status, title] of cases) {
      const res = await post(body);
      expect({ body, status: res.status, title: res.body.title }).toEqual({ body, status, title });
    }
    expect((await http.get(`/api/agreements/${ID}`)).body.version).toBe(before);
  });

  it('the OpenAPI document has an example of each', async () => {
    const document = (await (await fetch(`${running.url}/docs-json`)).json()) as any;
    for (const type of [
      'ReservationMade',
      'ReservationWithdrawn',
      'DeclarationMade',
      'ObjectionMade',
      'ProvisionalApplicationStarted',
      'SuccessionNotified',
    ]) {
      expect(document.components.schemas[`${type}Request`].example).toMatchObject({
        type,
        data: expect.any(Object),
      });
    }
  });
});
