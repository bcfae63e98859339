import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApp, type RunningApp } from '../support/app.js';
import { api } from '../support/http.js';

/**
 * GET /api/event-types (issue 19): what the pages draw their forms from, read from the same schemas
 * that validate events — checked here against the OpenAPI document and against what the API accepts.
 */
let running: RunningApp;
let http: ReturnType<typeof api>;
let types: any[];

beforeAll(async () => {
  running = await startApp();
  http = api(running.url);
  const res = await http.get('/api/event-types');
  expect(res.status).toBe(200);
  types = res.body.items;
});
afterAll(async () => {
  await running?.close();
});

const typeOf = (name: string) => types.find((t) => t.type === name);

describe('the event types the forms are drawn from', () => {
  it('describes ExerciseHeld field by field, in words, with the statuses that allow it', () => {
    const exercise = typeOf('ExerciseHeld');
    expect(exercise).toMatchObject({ label: 'Exercise held', allowedIn: ['signed', 'in_force'] });
    const fields = Object.fromEntries(exercise.fields.map((f: any) => [f.name, f]));
    expect(fields.name).toMatchObject({ label: 'Name', kind: 'text', required: true, maxLength: 200 });
    expect(fields.startedOn).toMatchObject({ label: 'Started on', kind: 'date', required: true });
    expect(fields.endedOn).toMatchObject({ label: 'Ended on', kind: 'date', required: false });
    expect(fields.participants).toMatchObject({ kind: 'parties', required: true });
    expect(fields.notes).toMatchObject({ kind: 'long-text', required: false });
    const review = Object.fromEntries(typeOf('ReviewConducted').fields.map((f: any) => [f.name, f]));
    expect(review.outcome).toMatchObject({
      kind: 'choice',
      required: true,
      allowedValues: ['reaffirmed', 'amendment_recommended', 'concerns_raised', 'termination_recommended'],
    });
    expect(typeOf('AgreementSigned').fields.find((f: any) => f.name === 'party')).toMatchObject({
      kind: 'party',
      required: true,
    });
    expect(typeOf('AgreementProposed').allowedIn).toEqual([]);
  });

  it('has every event type of the OpenAPI document, with the same fields and required flags', async () => {
    const doc = (await http.get('/docs-json')).body;
    const documented = Object.keys(doc.components.schemas)
      .filter((name) => name.endsWith('Request') && doc.components.schemas[name].properties?.data)
      .map((name) => name.slice(0, -'Request'.length));
    expect(types.map((t) => t.type).sort()).toEqual(documented.sort());
    for (const t of types) {
      const data = doc.components.schemas[`${t.type}Request`].properties.data;
      expect(t.fields.map((f: any) => f.name).sort()).toEqual(Object.keys(data.properties ?? {}).sort());
      for (const f of t.fields) expect(f.required).toBe((data.required ?? []).includes(f.name));
    }
  });

  it('allows in each status exactly what the API accepts there (checked for a proposed agreement)', async () => {
    expect(
      (
        await http.post('/api/agreements', {
          id: 'event-types-check',
          title: 'A proposal',
          parties: ['USA', 'JPN'],
          provisions: ['consultation'],
          occurredOn: '2020-01-01',
        })
      ).status,
    ).toBe(201);
    const exercise = await http.post('/api/agreements/event-types-check/events', {
      type: 'ExerciseHeld',
      occurredOn: '2020-02-01',
      data: { name: 'Too early', startedOn: '2020-02-01', participants: ['USA'] },
    });
    expect(typeOf('ExerciseHeld').allowedIn).not.toContain('proposed');
    expect(exercise.status).toBe(409);
    const signed = await http.post('/api/agreements/event-types-check/events', {
      type: 'AgreementSigned',
      occurredOn: '2020-02-01',
      data: { party: 'USA' },
    });
    expect(typeOf('AgreementSigned').allowedIn).toContain('proposed');
    expect(signed.status).toBe(201);
  });
});
