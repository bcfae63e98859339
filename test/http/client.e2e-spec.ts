import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { createTreatyLedgerClient } from '../../client/index.js';
import { clientSources, openApiDocument } from '../../scripts/client-sources.js';
import { startApp, TEST_ADMIN_KEY, type RunningApp } from '../support/app.js';

/**
 * The typed client of client/: current with the application's OpenAPI document (CI fails
 * otherwise), and able to record the USA–Japan lifecycle against a real server.
 */
let running: RunningApp;

beforeAll(async () => {
  running = await startApp();
});
afterAll(async () => {
  await running?.close();
});

describe('client/', () => {
  it('is generated from the current OpenAPI document (else run npm run client:generate)', async () => {
    const expected = await clientSources(await openApiDocument());
    for (const [name, text] of Object.entries(expected)) {
      const committed = readFileSync(new URL(`../../client/${name}`, import.meta.url), 'utf8');
      expect({ name, current: committed === text }).toEqual({ name, current: true });
    }
  });

  it('records the USA–Japan lifecycle through the typed client', async () => {
    const ledger = createTreatyLedgerClient({ baseUrl: running.url, apiKey: TEST_ADMIN_KEY });
    const id = 'usa-jpn-1960';

    const proposed = await ledger.POST('/api/agreements', {
      body: {
        id,
        title: 'Treaty of Mutual Cooperation and Security',
        parties: ['USA', 'JPN'],
        provisions: ['mutual_defense', 'basing_access'],
        reviewEveryMonths: 12,
        occurredOn: '1960-01-06',
      },
    });
    expect(proposed.response.status).toBe(201);

    const signed = await ledger.POST('/api/agreements/{id}/events', {
      params: { path: { id } },
      headers: { 'if-match': '"1"' },
      body: [
        { type: 'AgreementSigned', occurredOn: '1960-01-19', data: { party: 'USA' } },
        { type: 'AgreementSigned', occurredOn: '1960-01-19', data: { party: 'JPN' } },
      ],
    });
    expect(signed.response.status).toBe(201);
    for (const step of [
      {
        type: 'AgreementRatified',
        occurredOn: '1960-06-21',
        data: { party: 'JPN', instrument: 'ratification' },
      },
      {
        type: 'AgreementRatified',
        occurredOn: '1960-06-22',
        data: { party: 'USA', instrument: 'ratification' },
      },
      { type: 'AgreementEnteredIntoForce', occurredOn: '1960-06-23', data: {} },
    ] as const) {
      const recorded = await ledger.POST('/api/agreements/{id}/events', {
        params: { path: { id } },
        body: step,
      });
      expect({ type: step.type, status: recorded.response.status }).toEqual({ type: step.type, status: 201 });
    }

    // A refusal comes back as the typed problem.
    const stale = await ledger.POST('/api/agreements/{id}/events', {
      params: { path: { id } },
      headers: { 'if-match': '"1"' },
      body: { type: 'ReviewConducted', occurredOn: '1961-01-10', data: { outcome: 'reaffirmed' } },
    });
    expect(stale.response.status).toBe(412);
    expect(stale.error).toMatchObject({ status: 412, title: expect.any(String) });

    const status = await ledger.GET('/api/agreements/{id}', { params: { path: { id } } });
    expect(status.response.status).toBe(200);
    expect(status.data).toMatchObject({ id, status: 'in_force', version: 6 });
    const timeline = await ledger.GET('/api/agreements/{id}/timeline', { params: { path: { id } } });
    expect(timeline.response.status).toBe(200);
    const verified = await ledger.GET('/api/agreements/{id}/audit/verify', { params: { path: { id } } });
    expect(verified.data).toMatchObject({ valid: true, checked: 6 });
  });
});
