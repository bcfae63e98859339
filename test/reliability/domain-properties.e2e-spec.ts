import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { fold, settle } from '../../src/agreements/domain/agreement.state.js';
import { todayUtc } from '../../src/clock.js';
import type { AgreementEvent } from '../../src/agreements/domain/agreement.events.js';
import { startApp, type RunningApp } from '../support/app.js';
import { api } from '../support/http.js';
import { dataOf, dayToDate, sequence, withProposal, type Step } from './support/command-steps.js';

/**
 * The domain's promises kept through the whole application: random command sequences are
 * recorded over HTTP (one step or a batch per request); after every request the status read
 * model (GET /api/agreements/{id}) equals folding the stored stream with `evolve`, and a
 * refused request leaves the stream and the status exactly as they were.
 */

if (process.env.FC_SEED) fc.configureGlobal({ seed: Number(process.env.FC_SEED) });

describe('domain properties through the application', () => {
  let running: RunningApp;
  let http: ReturnType<typeof api>;
  let agreements = 0;
  const outcomes = { accepted: 0, refused: 0 };

  beforeAll(async () => {
    running = await startApp();
    http = api(running.url);
  });
  afterAll(async () => {
    await running.close();
  });

  async function snapshot(id: string) {
    const events = await http.get(`/api/agreements/${id}/events?limit=1000`);
    const status = await http.get(`/api/agreements/${id}`);
    return {
      events: events.status === 200 ? (events.body.items as (AgreementEvent & { version: number })[]) : [],
      status: status.status === 200 ? status.body : undefined,
    };
  }

  const request = (s: Step, parties: number) => ({
    type: s.type,
    occurredOn: dayToDate(s.day),
    data: dataOf(s, parties),
  });

  it('after every request the status equals the fold of the stream; refusals change nothing', async () => {
    await fc.assert(
      fc.asyncProperty(sequence, async ({ parties, steps }) => {
        const id = `prop-${++agreements}`;
        const batches: Step[][] = [];
        for (const [s, size] of withProposal(steps)) {
          const last = batches[batches.length - 1];
          if (last && batches.length > 1 && last.length < size) last.push(s);
          else batches.push([s]);
        }
        for (const [i, batch] of batches.entries()) {
          const before = await snapshot(id);
          const res =
            i === 0
              ? await http.post('/api/agreements', {
                  id,
                  occurredOn: dayToDate(batch[0]!.day),
                  ...dataOf(batch[0]!, parties),
                })
              : await http.post(
                  `/api/agreements/${id}/events`,
                  batch.length === 1 ? request(batch[0]!, parties) : batch.map((s) => request(s, parties)),
                );
          const after = await snapshot(id);
          expect(res.status).toBeLessThan(500);
          if (res.status >= 400) {
            outcomes.refused++;
            expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
            expect(after).toEqual(before);
            continue;
          }
          outcomes.accepted++;
          expect(after.events.map((e) => e.version)).toEqual(after.events.map((_, v) => v + 1));
          expect(after.events.length).toBe(before.events.length + batch.length);
          // As it stands today: notices of withdrawal whose day has come have taken effect.
          const folded = JSON.parse(
            JSON.stringify(settle(fold(after.events.map((e) => ({ ...e, streamId: id }))), todayUtc())),
          );
          // A signed agreement with no entry into force on record says so (not known, not "never").
          const unknownEntry = folded.status === 'signed' ? { entryIntoForce: 'not recorded' } : {};
          expect(after.status).toEqual({ ...folded, ...unknownEntry, version: after.events.length });
        }
      }),
      { numRuns: 60 },
    );
    console.log(`domain properties: ${outcomes.accepted} requests accepted, ${outcomes.refused} refused`);
    // Both kinds of outcome were seen often enough for the properties to mean something.
    expect(outcomes.accepted).toBeGreaterThan(100);
    expect(outcomes.refused).toBeGreaterThan(100);
  }, 180_000);
});
