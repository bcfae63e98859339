import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { startApp, type RunningApp } from '../support/app.js';
import { api } from '../support/http.js';

/** Many writers on one agreement at once, through real HTTP on a real SQLite file. */

const PARTIES = ['USA', 'JPN', 'KOR'];
const consultation = (n: number) => ({
  type: 'ConsultationHeld',
  eventId: randomUUID(),
  occurredOn: '2001-02-03',
  data: { level: 'working', topics: [`topic ${n}`] },
});

describe('concurrent writes to one agreement', () => {
  let running: RunningApp;
  let http: ReturnType<typeof api>;

  beforeAll(async () => {
    running = await startApp();
    http = api(running.url);
  });
  afterAll(async () => {
    await running.close();
  });

  /** A fresh agreement in force: proposed (version 1), signed by all three, in force (version 5). */
  async function agreementInForce(id: string): Promise<number> {
    const proposed = await http.post('/api/agreements', {
      id,
      title: `Concurrency ${id}`,
      parties: PARTIES,
      provisions: ['consultation'],
      occurredOn: '2000-01-01',
    });
    expect(proposed.status).toBe(201);
    const inForce = await http.post(`/api/agreements/${id}/events`, [
      ...PARTIES.map((party) => ({ type: 'AgreementSigned', occurredOn: '2000-06-01', data: { party } })),
      { type: 'AgreementEnteredIntoForce', occurredOn: '2000-07-01', data: {} },
    ]);
    expect(inForce.status).toBe(201);
    return Number(JSON.parse(inForce.headers.get('etag')!));
  }

  async function stream(id: string) {
    const res = await http.get(`/api/agreements/${id}/events?limit=1000`);
    expect(res.status).toBe(200);
    return res.body.items as { version: number; position: number; eventId: string }[];
  }

  it('50 writes carrying the same If-Match: exactly one 201, 49 × 412, one event stored', async () => {
    const id = 'race-if-match';
    const version = await agreementInForce(id);
    const bodies = Array.from({ length: 50 }, (_, n) => consultation(n));
    const answers = await Promise.all(
      bodies.map((body) => http.post(`/api/agreements/${id}/events`, body, { 'if-match': `"${version}"` })),
    );

    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 412)).toHaveLength(49);
    for (const refused of answers.filter((a) => a.status === 412)) {
      expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(refused.body.currentVersion).toBe(version + 1);
    }
    const winner = bodies[statuses.indexOf(201)]!;
    const events = await stream(id);
    expect(events.map((e) => e.version)).toEqual(Array.from({ length: version + 1 }, (_, i) => i + 1));
    expect(events[version]!.eventId).toBe(winner.eventId);
    const status = await http.get(`/api/agreements/${id}`);
    expect(status.body.version).toBe(version + 1);
    expect(status.body.consultationCount).toBe(1);
  });

  it('50 writes without If-Match: all land, in one order, versions contiguous, none twice', async () => {
    const id = 'race-no-if-match';
    const version = await agreementInForce(id);
    const bodies = Array.from({ length: 50 }, (_, n) => consultation(n));
    const answers = await Promise.all(bodies.map((body) => http.post(`/api/agreements/${id}/events`, body)));

    expect(answers.map((a) => a.status)).toEqual(bodies.map(() => 201));
    // Each answer names the version it got: together, every version after the setup, once.
    const versions = answers.map((a) => a.body.version as number).sort((a, b) => a - b);
    expect(versions).toEqual(Array.from({ length: 50 }, (_, i) => version + i + 1));

    const events = await stream(id);
    expect(events.map((e) => e.version)).toEqual(Array.from({ length: version + 50 }, (_, i) => i + 1));
    expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
    // The stream's order is the order the answers describe: same event at the same version and position.
    for (const [i, answer] of answers.entries()) {
      const stored = events.find((e) => e.eventId === bodies[i]!.eventId)!;
      expect({ version: stored.version, position: stored.position }).toEqual({
        version: answer.body.version,
        position: answer.body.position,
      });
    }
    const positions = events.map((e) => e.position);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    const status = await http.get(`/api/agreements/${id}`);
    expect(status.body.version).toBe(version + 50);
    expect(status.body.consultationCount).toBe(50);
    const audit = await http.get(`/api/agreements/${id}/audit/verify`);
    expect(audit.body).toMatchObject({ valid: true, checked: version + 50 });
  });

  it('writers on several agreements at once: global positions stay gap-free', async () => {
    const ids = ['race-many-1', 'race-many-2', 'race-many-3'];
    for (const id of ids) await agreementInForce(id);
    const answers = await Promise.all(
      ids.flatMap((id) =>
        Array.from({ length: 20 }, (_, n) =>
          http.post(`/api/agreements/${id}/events`, [consultation(n), consultation(n)]),
        ),
      ),
    );
    expect(answers.every((a) => a.status === 201)).toBe(true);
    const feed = await http.get('/api/events?after=0&limit=1000');
    expect(feed.status).toBe(200);
    const positions = (feed.body.items as { position: number }[]).map((e) => e.position);
    expect(positions).toEqual(Array.from({ length: positions.length }, (_, i) => i + 1));
    for (const id of ids) {
      const events = await stream(id);
      expect(events.map((e) => e.version)).toEqual(Array.from({ length: events.length }, (_, i) => i + 1));
      // Each two-event write is adjacent in its stream: no other write slipped between them.
      for (const answer of answers.filter((a) => a.body[0].agreementId === id)) {
        expect(answer.body[1].version).toBe(answer.body[0].version + 1);
      }
    }
  });
});

/**
 * The write side remembers the state its own last append left (no read before deciding), and
 * the read side keeps answers until the database may have changed. A second instance on the
 * same file moves the agreement on behind its back: the first must notice from the store's
 * version check, decide again on the stored row, never refuse a correct If-Match because of
 * what it remembered, and never answer a read from before a write it could have known of.
 */
describe('two instances on one SQLite file, writing and reading in turn', () => {
  let a: RunningApp;
  let b: RunningApp;

  beforeAll(async () => {
    a = await startApp();
    b = await startApp({ dbFile: a.dbFile });
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  it('decides on what the other instance stored, with and without If-Match', async () => {
    const viaA = api(a.url);
    const viaB = api(b.url);
    const id = `turns-${randomUUID().slice(0, 8)}`;
    expect(
      (
        await viaA.post('/api/agreements', {
          id,
          title: 'Turns',
          parties: ['USA', 'JPN'],
          provisions: ['consultation'],
          occurredOn: '2000-01-01',
        })
      ).status,
    ).toBe(201);
    // A remembers version 1 (proposed); B signs for both parties: version 3, signed.
    const signed = await viaB.post(`/api/agreements/${id}/events`, [
      { type: 'AgreementSigned', occurredOn: '2000-02-01', data: { party: 'USA' } },
      { type: 'AgreementSigned', occurredOn: '2000-02-01', data: { party: 'JPN' } },
    ]);
    expect(signed.status).toBe(201);

    // A consultation needs a signed agreement: A must decide on B's signatures, not on "proposed".
    const withoutIfMatch = await viaA.post(`/api/agreements/${id}/events`, consultation(1));
    expect(withoutIfMatch.status).toBe(201);
    expect(withoutIfMatch.body.version).toBe(4);

    // B records again; A is sent the true current version and must accept it.
    expect((await viaB.post(`/api/agreements/${id}/events`, consultation(2))).status).toBe(201);
    const withIfMatch = await viaA.post(`/api/agreements/${id}/events`, consultation(3), {
      'if-match': '"5"',
    });
    expect(withIfMatch.status).toBe(201);
    expect(withIfMatch.body.version).toBe(6);
    // And a stale If-Match is still refused, naming the current version.
    const stale = await viaA.post(`/api/agreements/${id}/events`, consultation(4), { 'if-match': '"5"' });
    expect(stale.status).toBe(412);
    expect(stale.body.currentVersion).toBe(6);

    // B commits a milestone; A (whose writer last wrote version 6) records it met: both the
    // decision and A's read-model writes must start from B's version 7, not from what A cached.
    const milestone = {
      milestoneId: 'turns-1',
      description: 'Turn taken',
      owner: 'JPN',
      dueOn: '2001-12-31',
    };
    expect(
      (
        await viaB.post(`/api/agreements/${id}/events`, {
          type: 'MilestoneCommitted',
          occurredOn: '2001-01-01',
          data: milestone,
        })
      ).status,
    ).toBe(201);
    const met = await viaA.post(`/api/agreements/${id}/events`, {
      type: 'MilestoneMet',
      occurredOn: '2001-06-01',
      data: { milestoneId: 'turns-1', evidence: 'Done' },
    });
    expect(met.status).toBe(201);

    const status = await viaB.get(`/api/agreements/${id}`);
    expect(status.body).toMatchObject({ status: 'signed', version: 8, consultationCount: 3 });
    expect(status.headers.get('etag')).toBe('"8"');
    const milestones = await viaB.get(`/api/agreements/${id}/milestones`);
    expect(milestones.body.items).toEqual([
      expect.objectContaining({
        milestoneId: 'turns-1',
        dueOn: '2001-12-31',
        metOn: '2001-06-01',
        status: 'met',
      }),
    ]);
  });

  it('status, timeline and 404s on A follow each write on B, though A keeps answers between writes', async () => {
    const viaA = api(a.url);
    const viaB = api(b.url);
    const id = `reads-${randomUUID().slice(0, 8)}`;

    // Unknown on A; then B proposes it: A must not keep its 404.
    expect((await viaA.get(`/api/agreements/${id}`)).status).toBe(404);
    expect((await viaA.get(`/api/agreements/${id}/timeline`)).status).toBe(404);
    const proposed = await viaB.post('/api/agreements', {
      id,
      title: 'Reads',
      parties: ['USA', 'JPN'],
      provisions: ['consultation'],
      occurredOn: '2000-01-01',
    });
    expect(proposed.status).toBe(201);

    const expectOnA = async (version: number, status: string, timelineLength: number) => {
      const view = await viaA.get(`/api/agreements/${id}`);
      expect(view.status).toBe(200);
      expect(view.headers.get('etag')).toBe(`"${version}"`);
      expect(view.body).toMatchObject({ version, status });
      const timeline = await viaA.get(`/api/agreements/${id}/timeline`);
      expect(timeline.status).toBe(200);
      expect(timeline.body.items).toHaveLength(timelineLength);
    };
    await expectOnA(1, 'proposed', 1);
    await expectOnA(1, 'proposed', 1); // answered again while nothing changed

    const signed = await viaB.post(`/api/agreements/${id}/events`, [
      { type: 'AgreementSigned', occurredOn: '2000-02-01', data: { party: 'USA' } },
      { type: 'AgreementSigned', occurredOn: '2000-02-01', data: { party: 'JPN' } },
    ]);
    expect(signed.status).toBe(201);
    await expectOnA(3, 'signed', 3);

    // A's own write shows on B and, at once, on A.
    expect((await viaA.post(`/api/agreements/${id}/events`, consultation(1))).status).toBe(201);
    await expectOnA(4, 'signed', 4);
    expect((await viaB.get(`/api/agreements/${id}`)).body).toMatchObject({
      version: 4,
      consultationCount: 1,
    });

    // Many reads on A in flight while B writes: none answers an older version than one it
    // could have known of when it was sent.
    for (let n = 2; n <= 6; n++) {
      const written = await viaB.post(`/api/agreements/${id}/events`, consultation(n));
      expect(written.status).toBe(201);
      const reads = await Promise.all(Array.from({ length: 8 }, () => viaA.get(`/api/agreements/${id}`)));
      for (const read of reads) expect(read.body.version).toBe(written.body.version);
    }
  });
});
