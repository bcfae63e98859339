import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import ICAL from 'ical.js';
import { API_KEY_STORE, type ApiKeyStore } from '../../src/auth/api-key.js';
import { ManualClock, startApp, TEST_ADMIN_KEY, type RunningApp } from '../support/app.js';
import { api } from '../support/http.js';

/**
 * GET /api/milestones.ics (issue 19, on SQLite and PostgreSQL), read with a real iCalendar parser
 * (ical.js): one VEVENT per open or due-soon milestone, on the day the API says it is due by, with a
 * stable UID, a reminder 30 days before and the agreement's page; a calendar client's key as
 * ?access_token=.
 */
const clock = new ManualClock(new Date('2024-01-10T12:00:00Z'));
let running: RunningApp;
let http: ReturnType<typeof api>;

async function calendar(query: string, key = TEST_ADMIN_KEY) {
  const res = await fetch(`${running.url}/api/milestones.ics?${query}${query ? '&' : ''}access_token=${key}`);
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

function events(text: string) {
  const vcalendar = new ICAL.Component(ICAL.parse(text));
  return vcalendar.getAllSubcomponents('vevent').map((v) => {
    const start = v.getFirstPropertyValue('dtstart') as ICAL.Time;
    const alarm = v.getFirstSubcomponent('valarm');
    return {
      uid: String(v.getFirstPropertyValue('uid')),
      start: start.toString(),
      allDay: start.isDate,
      url: String(v.getFirstPropertyValue('url')),
      summary: String(v.getFirstPropertyValue('summary')),
      trigger: String(alarm?.getFirstPropertyValue('trigger')),
    };
  });
}

beforeAll(async () => {
  running = await startApp({ clock });
  http = api(running.url);
  for (const [id, parties] of [
    ['usa-jpn-radar', ['USA', 'JPN']],
    ['kor-usa-drills', ['KOR', 'USA']],
  ] as const) {
    expect(
      (
        await http.post('/api/agreements', {
          id,
          title: `Cooperation, ${id}`,
          parties,
          provisions: ['consultation'],
          reviewEveryMonths: 12,
          occurredOn: '2023-01-05',
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await http.post(`/api/agreements/${id}/events`, [
          { type: 'AgreementSigned', occurredOn: '2023-01-20', data: { party: parties[0] } },
          { type: 'AgreementSigned', occurredOn: '2023-01-21', data: { party: parties[1] } },
          { type: 'AgreementEnteredIntoForce', occurredOn: '2023-02-01', data: {} },
          {
            type: 'MilestoneCommitted',
            occurredOn: '2023-03-01',
            data: {
              milestoneId: 'soon',
              description: 'Install the radar; test it, then report',
              owner: parties[1],
              dueOn: '2024-01-31',
            },
          },
          {
            type: 'MilestoneCommitted',
            occurredOn: '2023-03-01',
            data: { milestoneId: 'later', description: 'Joint report', owner: parties[0], dueOn: '2024-06' },
          },
          {
            type: 'MilestoneCommitted',
            occurredOn: '2023-03-01',
            data: {
              milestoneId: 'late',
              description: 'Late already',
              owner: parties[0],
              dueOn: '2023-12-01',
            },
          },
        ])
      ).status,
    ).toBe(201);
  }
});
afterAll(async () => {
  await running?.close();
});

describe('the milestones calendar', () => {
  it('has one all-day VEVENT per open or due-soon milestone, on the day the API gives', async () => {
    const res = await calendar('');
    expect(res.status).toBe(200);
    expect(res.type).toBe('text/calendar; charset=utf-8');
    const api = [
      ...(await http.get('/api/milestones?status=open&limit=1000')).body.items,
      ...(await http.get('/api/milestones?status=due_soon&limit=1000')).body.items,
    ] as { agreementId: string; milestoneId: string; dueOn: string }[];
    expect(api.length).toBeGreaterThanOrEqual(6);
    const got = events(res.text);
    expect(got).toHaveLength(api.length);
    for (const m of api) {
      const e = got.find((v) => v.uid === `${m.agreementId}/${m.milestoneId}@treaty-ledger`);
      // A milestone due in a month is due by its last day.
      const day = m.dueOn === '2024-06' ? '2024-06-30' : m.dueOn;
      expect(e).toMatchObject({ start: day, allDay: true, trigger: '-P30D' });
      expect(e!.url).toBe(`${running.url}/agreements/${m.agreementId}`);
    }
    expect(got.some((e) => e.uid.includes('/late@'))).toBe(false);
    expect(got.find((e) => e.uid === 'usa-jpn-radar/soon@treaty-ledger')!.summary).toBe(
      'Install the radar; test it, then report — usa-jpn-radar',
    );
  });

  it('keeps its UIDs from one download to the next, and filters by agreement and owner', async () => {
    const first = events((await calendar('')).text).map((e) => e.uid);
    clock.set('2024-01-11T12:00:00Z');
    expect(events((await calendar('')).text).map((e) => e.uid)).toEqual(first);
    const one = events((await calendar('agreement=kor-usa-drills')).text);
    expect(one.length).toBeGreaterThan(0);
    expect(one.every((e) => e.uid.startsWith('kor-usa-drills/'))).toBe(true);
    const korea = events((await calendar('owner=KOR')).text).map((e) => e.uid);
    // KOR owns kor-usa-drills' 'later'; the shared review is every party's.
    expect(korea).toEqual(
      expect.arrayContaining([
        'kor-usa-drills/later@treaty-ledger',
        'kor-usa-drills/@next-review@treaty-ledger',
      ]),
    );
    expect(korea.some((uid) => uid.startsWith('usa-jpn-radar/'))).toBe(false);
    expect(korea).not.toContain('kor-usa-drills/soon@treaty-ledger');
  });

  it('takes a viewer key as access_token, refuses none, and names a bad filter', async () => {
    const keys = running.app.get<ApiKeyStore>(API_KEY_STORE);
    const viewer = (await keys.create({ name: 'calendar', role: 'viewer', parties: [] })).key;
    expect((await calendar('', viewer)).status).toBe(200);
    expect((await fetch(`${running.url}/api/milestones.ics`)).status).toBe(401);
    const bad = await calendar('owner=not-a-party');
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('owner');
    expect((await calendar('agreement=nothing-here')).status).toBe(404);
  });
});
