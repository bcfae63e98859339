import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import {
  readAtopFolder,
  recordAtopPlan,
  type AtopImportSummary,
} from '../../src/import/atop/atop.importer.js';
import { planAtopImport, type AtopPlan, type PlannedEvent } from '../../src/import/atop/atop.mapping.js';
import { todayUtc } from '../../src/clock.js';
import { startApp, type RunningApp } from '../support/app.js';
import { api } from '../support/http.js';

/*
 * An import made by an earlier version of the importer is upgraded by running the importer again:
 * what the data now says otherwise is retracted (EventRetracted, newest first), the rest recorded.
 * The earlier import is rebuilt here from today's plan by undoing, the way that version did, what
 * changed since: every missing day was the 1st of the month (a missing month 1 January), ATOP's
 * `length` was a fixed term, no entry into force was recorded, and a lapsed alliance stopped at
 * its lapse. Afterwards every agreement reads as a fresh import of the same files does.
 */
const FOLDER = join(process.cwd(), 'test/fixtures/atop');

const firstDay = (date: string) =>
  date.length === 4 ? `${date}-01-01` : date.length === 7 ? `${date}-01` : date;

function asEarlierImport(plan: AtopPlan): AtopPlan {
  const earlier = (e: PlannedEvent): PlannedEvent | undefined => {
    if (e.type === 'AgreementEnteredIntoForce') return undefined;
    const data = { ...e.data };
    if (e.type === 'AgreementProposed' && data['denounceableAfterMonths'] !== undefined) {
      data['termMonths'] = data['denounceableAfterMonths'];
      delete data['denounceableAfterMonths'];
      delete data['renewsEveryMonths'];
    }
    return { ...e, occurredOn: firstDay(e.occurredOn), data };
  };
  return {
    warnings: [],
    agreements: plan.agreements.map((a) => {
      const lapse = a.events.findIndex((e) => e.type === 'AgreementSuspended');
      const told = lapse < 0 ? a.events : a.events.slice(0, lapse);
      // What a proposal without an entry into force allowed then: nothing that needs one.
      return {
        ...a,
        events: told
          .map(earlier)
          .filter((e) => e !== undefined)
          .filter(allowedUnsigned),
      };
    }),
  };
}

/** Without an entry into force the agreement stays signed: events that need it in force are left out. */
const allowedUnsigned = (e: PlannedEvent) => !['AgreementSuspended', 'AgreementResumed'].includes(e.type);

/** A view without what necessarily differs between an upgraded stream and a fresh one. */
function comparable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(comparable);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => k !== 'version')
        .map(([k, v]) => [k, comparable(v)]),
    );
  }
  return value;
}

describe('re-running the ATOP import over an earlier import', () => {
  let upgraded: RunningApp;
  let fresh: RunningApp;
  let plan: AtopPlan;
  let earlier: AtopImportSummary;
  let upgrade: AtopImportSummary;
  let again: AtopImportSummary;

  beforeAll(async () => {
    plan = planAtopImport(await readAtopFolder(FOLDER), { today: todayUtc() });
    upgraded = await startApp();
    fresh = await startApp();
    earlier = await recordAtopPlan(upgraded.app, asEarlierImport(plan));
    upgrade = await recordAtopPlan(upgraded.app, plan);
    again = await recordAtopPlan(upgraded.app, plan);
    expect((await recordAtopPlan(fresh.app, plan)).failures).toEqual([]);
  });
  afterAll(async () => {
    await upgraded?.close();
    await fresh?.close();
  });

  it('retracts what changed and records the rest, without failures, and says how many', () => {
    expect(earlier.failures).toEqual([]);
    expect(upgrade.failures).toEqual([]);
    expect(upgrade.retracted).toBeGreaterThan(0);
    expect(upgrade.events).toBeGreaterThan(0);
    console.log(
      `ATOP upgrade: earlier import ${earlier.events} events; re-run retracted ${upgrade.retracted}, recorded ${upgrade.events}, left ${upgrade.skipped} agreements as they were`,
    );
  });

  it('a second re-run finds nothing to change', () => {
    expect(again).toMatchObject({ events: 0, retracted: 0, skipped: plan.agreements.length, failures: [] });
  });

  it('every agreement then reads as a fresh import of the same files', async () => {
    const a = api(upgraded.url);
    const b = api(fresh.url);
    for (const path of [
      '/api/agreements?status=in_force&limit=1000',
      '/api/agreements?activeOn=1950-06-01&limit=1000',
    ]) {
      expect(comparable((await a.get(path)).body)).toEqual(comparable((await b.get(path)).body));
    }
    for (const { id } of plan.agreements) {
      const [x, y] = [
        (await a.get(`/api/agreements/${id}`)).body,
        (await b.get(`/api/agreements/${id}`)).body,
      ];
      expect({ id, view: comparable(x) }).toEqual({ id, view: comparable(y) });
    }
    const nato = (await a.get('/api/agreements/atop-3180/milestones')).body.items as { status: string }[];
    expect(nato.filter((m) => m.status === 'overdue')).toEqual([]);
  });
});
