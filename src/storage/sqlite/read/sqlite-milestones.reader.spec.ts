import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openSqlite, type SqliteHandle } from '../sqlite.database.js';
import {
  dueBy,
  judge,
  MILESTONE_STATUSES,
  type MilestoneFact,
  type MilestoneView,
} from '../../../agreements/read/milestones/milestones.js';
import { SqliteMilestonesReader } from './sqlite-milestones.reader.js';
import type { MilestoneKey } from '../../../agreements/read/milestones/milestones.reader.js';

/** The SQL status filter must pick exactly the rows `judge` gives that status, on any day. */

function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A day, or (one time in five each) its month or its year. */
const coarsen = (day: string, r: number) => (r < 0.2 ? day.slice(0, 4) : r < 0.4 ? day.slice(0, 7) : day);

const addDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

describe('SqliteMilestonesReader', () => {
  let sqlite: SqliteHandle;
  let reader: SqliteMilestonesReader;
  const facts: MilestoneFact[] = [];
  const rand = random(20240229);
  const pick = <T>(items: readonly T[]) => items[Math.floor(rand() * items.length)]!;
  // Around a leap day and a year end, where date arithmetic goes wrong first.
  const days = ['2024-02-29', '2024-01-30', '2023-12-31', '2024-03-31', '2025-02-28'];

  beforeAll(async () => {
    sqlite = await openSqlite(':memory:');
    reader = new SqliteMilestonesReader(sqlite.db);
    const insert = sqlite.db.prepare(
      `INSERT INTO milestones (agreement_id, milestone_id, kind, description, owner, due_on, due_by, met_on)
       VALUES (@agreementId, @milestoneId, @kind, @description, @owner, @dueOn, @dueBy, @metOn)`,
    );
    for (let i = 0; i < 600; i++) {
      const dueDay = addDays(pick(days), Math.floor(rand() * 130) - 65);
      const met = rand();
      const metDay = met < 0.4 ? undefined : addDays(dueDay, Math.floor(rand() * 80) - 40);
      // Some dates are known only to the month or the year (the period's rules must agree too).
      const dueOn = coarsen(dueDay, rand());
      const metOn = metDay === undefined ? undefined : coarsen(metDay, rand());
      const f: MilestoneFact = {
        agreementId: `agreement-${Math.floor(rand() * 40)}`,
        milestoneId: `m-${i}`,
        kind: 'committed',
        description: `milestone ${i}`,
        owner: pick(['USA', 'JPN', 'KOR']),
        dueOn,
        ...(metOn ? { metOn } : {}),
      };
      facts.push(f);
      insert.run({ ...f, dueBy: dueBy(f.dueOn), metOn: f.metOn ?? null });
    }
  });
  afterAll(async () => {
    await sqlite.dataSource.destroy();
  });

  async function all(statuses: (typeof MILESTONE_STATUSES)[number][], today: string, limit: number) {
    const items: MilestoneView[] = [];
    let after: MilestoneKey | undefined;
    do {
      const page = await reader.list({ statuses }, today, limit, after);
      items.push(...page.items);
      after = page.next;
    } while (after);
    return items;
  }

  it.each(days)('filters each status in SQL exactly as judge decides it, on %s', async (today) => {
    const judged = facts.map((f) => judge(f, today));
    for (const status of MILESTONE_STATUSES) {
      const expected = judged
        .filter((m) => m.status === status)
        .map((m) => `${m.agreementId}/${m.milestoneId}`)
        .sort();
      expect(expected.length).toBeGreaterThan(0);
      const got = await all([status], today, 1000);
      expect(got.every((m) => m.status === status)).toBe(true);
      expect(got.map((m) => `${m.agreementId}/${m.milestoneId}`).sort()).toEqual(expected);
    }
  });

  it('pages in due-date order without gaps or repeats, whatever the page size', async () => {
    const today = '2024-02-29';
    const whole = await all([], today, 1000);
    expect(whole).toHaveLength(facts.length);
    const order = whole.map((m) => [m.dueOn, m.agreementId, m.milestoneId].join(' '));
    expect([...order].sort()).toEqual(order);
    expect(await all([], today, 7)).toEqual(whole);
    expect(await all(['overdue', 'due_soon'], today, 3)).toEqual(
      whole.filter((m) => m.status === 'overdue' || m.status === 'due_soon'),
    );
  });

  it('filters by a due date bound, exclusive', async () => {
    const bound = '2024-02-29';
    const page = await reader.list({ dueBefore: bound }, '2024-02-29', 1000);
    // Due before the bound: the whole due period lies before it.
    expect(page.items.length).toBe(facts.filter((f) => dueBy(f.dueOn) < bound).length);
    expect(page.items.every((m) => dueBy(m.dueOn) < bound)).toBe(true);
  });
});
