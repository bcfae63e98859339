import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ManualClock, startApp, type RunningApp } from '../support/app.js';
import { api } from '../support/http.js';

/**
 * `?party=X&activeOn=D` lists only the agreements X was a member of on D: not those it had
 * already left while the others kept them alive, nor those it acceded to only later.
 */
describe('GET /api/agreements?party=&activeOn= follows membership dates', () => {
  const clock = new ManualClock(new Date('2024-06-01T09:00:00Z'));
  let running: RunningApp;
  let http: ReturnType<typeof api>;

  async function ids(query: string): Promise<string[]> {
    const res = await http.get(`/api/agreements?${query}`);
    expect(res.status).toBe(200);
    return (res.body as { items: { id: string }[] }).items.map((a) => a.id);
  }

  beforeAll(async () => {
    running = await startApp({ clock });
    http = api(running.url);
    // FRA leaves in 1990 while GBR and USA keep it alive; DEU accedes in 2000.
    const proposed = await http.post('/api/agreements', {
      id: 'north-atlantic',
      title: 'North Atlantic cooperation',
      parties: ['FRA', 'GBR', 'USA'],
      provisions: ['joint_exercises'],
      occurredOn: '1980-01-01',
    });
    expect(proposed.status).toBe(201);
    const events = await http.post('/api/agreements/north-atlantic/events', [
      ...['FRA', 'GBR', 'USA'].map((party) => ({
        type: 'AgreementSigned',
        occurredOn: '1980-02-01',
        data: { party },
      })),
      { type: 'AgreementEnteredIntoForce', occurredOn: '1980-03-01', data: {} },
      { type: 'AgreementWithdrawn', occurredOn: '1990-01-01', data: { party: 'FRA' } },
      { type: 'PartyAcceded', occurredOn: '2000-01-01', data: { party: 'DEU' } },
    ]);
    expect(events.status).toBe(201);
    // A control: FRA and DEU together all along, so a filter that drops everything would show.
    const control = await http.post('/api/agreements', {
      id: 'rhine',
      title: 'Rhine cooperation',
      parties: ['DEU', 'FRA'],
      provisions: ['joint_exercises'],
      occurredOn: '1980-01-01',
    });
    expect(control.status).toBe(201);
    const signed = await http.post('/api/agreements/rhine/events', [
      { type: 'AgreementSigned', occurredOn: '1980-02-01', data: { party: 'DEU' } },
      { type: 'AgreementSigned', occurredOn: '1980-02-01', data: { party: 'FRA' } },
    ]);
    expect(signed.status).toBe(201);
  });
  afterAll(async () => {
    await running?.close();
  });

  it('lists an agreement for a party that had not yet left it', async () => {
    expect(await ids('party=FRA&activeOn=1985-01-01')).toEqual(['north-atlantic', 'rhine']);
  });

  it('leaves out an agreement the party had left, from the day it left', async () => {
    expect(await ids('party=FRA&activeOn=1995-01-01')).toEqual(['rhine']);
    expect(await ids('party=FRA&activeOn=1990-01-01')).toEqual(['rhine']);
    expect(await ids('party=FRA&activeOn=1989-12-31')).toEqual(['north-atlantic', 'rhine']);
  });

  it('still lists every agreement the party ever had without activeOn', async () => {
    expect(await ids('party=FRA')).toEqual(['north-atlantic', 'rhine']);
    expect(await ids('party=DEU')).toEqual(['north-atlantic', 'rhine']);
  });

  it('lists an acceded agreement only from the accession on', async () => {
    expect(await ids('party=DEU&activeOn=1995-01-01')).toEqual(['rhine']);
    expect(await ids('party=DEU&activeOn=2000-01-01')).toEqual(['north-atlantic', 'rhine']);
    expect(await ids('party=DEU&activeOn=2005-01-01')).toEqual(['north-atlantic', 'rhine']);
  });

  it('keeps the agreement for the parties that stayed', async () => {
    expect(await ids('party=GBR&activeOn=1995-01-01')).toEqual(['north-atlantic']);
    expect(await ids('activeOn=1995-01-01')).toEqual(['north-atlantic', 'rhine']);
  });
});
