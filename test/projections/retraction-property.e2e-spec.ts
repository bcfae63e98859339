import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { SQLITE } from '../../src/storage/sqlite/sqlite.providers.js';
import type { SqliteHandle } from '../../src/storage/sqlite/sqlite.database.js';
import { rebuildProjections } from '../../src/storage/sqlite/sqlite-rebuild.js';
import { ManualClock, startApp, type RunningApp } from '../support/app.js';
import { api } from '../support/http.js';
import { PARTY_POOL, RandomAgreement, seeded, type EventBody } from '../support/random-history.js';

/**
 * Property: retracting an event, then rebuilding the read models from the event store, gives the
 * same views as a stream that never had the event. Random histories are recorded on one server;
 * in each, a random event is retracted (when the rest of the stream stays valid without it). A
 * second server records the same histories without those events. Every view of the first, with
 * the read models rebuilt, equals the second's, once stream versions and positions are set aside
 * (the first stream holds more events) and the timeline's retracted items are left out.
 */
const SEED = Number(process.env.RETRACTION_SEED ?? 20261207);
const AGREEMENTS = 40;
const TODAY = '2025-01-15';

/** The view without what the extra events of a corrected stream necessarily change. */
function comparable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(comparable);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => !['version', 'position', 'eventId', 'recordedAt', 'nextCursor'].includes(k))
        .map(([k, v]) => [k, comparable(v)]),
    );
  }
  return value;
}

describe(`retraction then rebuild equals never recorded (seed ${SEED})`, () => {
  jest.setTimeout(180_000);
  let corrected: RunningApp;
  let clean: RunningApp;
  const retracted: string[] = [];
  const ids: string[] = [];

  beforeAll(async () => {
    const clock = () => new ManualClock(new Date(`${TODAY}T12:00:00Z`));
    corrected = await startApp({ clock: clock() });
    clean = await startApp({ clock: clock() });
    const a = api(corrected.url);
    const b = api(clean.url);
    const rand = seeded(SEED);
    for (let i = 0; i < AGREEMENTS; i++) {
      const agreement = new RandomAgreement(`retract-${i}`, rand, TODAY);
      ids.push(agreement.id);
      const proposal = agreement.propose();
      const events: EventBody[] = [];
      for (let n = 0; n < 3 + Math.floor(rand() * 12); n++) {
        const next = agreement.next();
        if (!next) break;
        events.push(next);
      }
      expect((await a.post('/api/agreements', proposal)).status).toBe(201);
      const stored =
        events.length > 0 ? (await a.post(`/api/agreements/${agreement.id}/events`, events)).body : [];
      // Try events from a random start until one may be retracted (the last one always may).
      let dropped = -1;
      const start = Math.floor(rand() * events.length);
      for (let k = start; k < events.length && dropped < 0; k++) {
        const res = await a.post(`/api/agreements/${agreement.id}/events`, {
          type: 'EventRetracted',
          occurredOn: TODAY,
          data: { eventId: stored[k].eventId, reason: `Property test ${i}` },
        });
        if (res.status === 201) dropped = k;
        else expect(res.body.title).toBe('RetractionBreaksStream');
      }
      if (dropped >= 0) retracted.push(`${agreement.id}#${dropped}`);
      expect((await b.post('/api/agreements', proposal)).status).toBe(201);
      const kept = events.filter((_, k) => k !== dropped);
      if (kept.length > 0) {
        const res = await b.post(`/api/agreements/${agreement.id}/events`, kept);
        expect({ id: agreement.id, status: res.status }).toEqual({ id: agreement.id, status: 201 });
      }
    }
    const db = corrected.app.get<symbol, SqliteHandle>(SQLITE).db;
    expect((await rebuildProjections(db, { batchSize: 37 })).completed).toBe(true);
  });
  afterAll(async () => {
    await corrected.close();
    await clean.close();
  });

  async function views(app: RunningApp, withoutRetracted: boolean): Promise<Record<string, unknown>> {
    const http = api(app.url);
    const out: Record<string, unknown> = {};
    for (const path of [
      '/api/agreements?limit=1000',
      '/api/agreements?activeOn=2015-06-01&limit=1000',
      '/api/agreements?status=in_force&limit=1000',
      '/api/milestones?limit=1000',
    ]) {
      out[path] = comparable((await http.get(path)).body);
    }
    for (const id of ids) {
      out[id] = comparable((await http.get(`/api/agreements/${id}`)).body);
      out[`${id}/milestones`] = comparable((await http.get(`/api/agreements/${id}/milestones`)).body);
      out[`${id}?asOf`] = comparable((await http.get(`/api/agreements/${id}?asOf=2012-01-01`)).body);
      const timeline = (await http.get(`/api/agreements/${id}/timeline?limit=1000`)).body.items as {
        type: string;
        retracted?: boolean;
      }[];
      out[`${id}/timeline`] = comparable(
        withoutRetracted ? timeline.filter((t) => t.type !== 'EventRetracted' && !t.retracted) : timeline,
      );
    }
    for (const party of PARTY_POOL) {
      out[party] = comparable((await http.get(`/api/parties/${party}`)).body);
    }
    return out;
  }

  it('retracts an event in most agreements', () => {
    expect(retracted.length).toBeGreaterThan(AGREEMENTS / 2);
  });

  it('every view of the corrected streams, rebuilt, equals the streams that never had the events', async () => {
    const [withRetractions, without] = [await views(corrected, true), await views(clean, false)];
    for (const key of Object.keys(without))
      expect({ key, view: withRetractions[key] }).toEqual({ key, view: without[key] });
  });
});
