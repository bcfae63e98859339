import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Webhook } from 'standardwebhooks';
import { API_KEY_STORE, type ApiKeyStore } from '../../src/auth/api-key.js';
import { startApp, type RunningApp } from '../support/app.js';
import { api } from '../support/http.js';
import { startReceiver, until, type ReceivedWebhook } from '../support/webhook-receiver.js';

/** Loopback is allowed only because it is listed; retries are quick so that the tests are. */
const WEBHOOK_ENV = {
  WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
  WEBHOOK_BACKOFF_MS: '20',
  WEBHOOK_TIMEOUT_MS: '400',
};

type Api = ReturnType<typeof api>;

async function propose(http: Api, id: string, parties = ['USA', 'JPN']) {
  const proposed = await http.post('/api/agreements', {
    id,
    title: `Agreement ${id}`,
    parties,
    provisions: ['mutual_defense'],
    occurredOn: '2020-01-01',
  });
  expect(proposed.status).toBe(201);
}

/** Proposes an agreement and brings it into force: four events with two parties. */
async function inForce(http: Api, id: string, parties = ['USA', 'JPN']) {
  await propose(http, id, parties);
  const rest = await http.post(`/api/agreements/${id}/events`, [
    ...parties.map((party) => ({ type: 'AgreementSigned', occurredOn: '2020-02-01', data: { party } })),
    { type: 'AgreementEnteredIntoForce', occurredOn: '2020-03-01', data: {} },
  ]);
  expect(rest.status).toBe(201);
}

function verified(secret: string, received: ReceivedWebhook[]) {
  const webhook = new Webhook(secret);
  return received.map((r) => webhook.verify(r.body, r.headers as Record<string, string>) as { type: string });
}

describe('webhook subscriptions', () => {
  let app: RunningApp;
  let http: Api;

  beforeAll(async () => {
    app = await startApp({ env: WEBHOOK_ENV });
    http = api(app.url);
  });
  afterAll(async () => app?.close());

  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  async function receiver(answer?: Parameters<typeof startReceiver>[0]) {
    const r = await startReceiver(answer);
    cleanups.push(r.close);
    return r;
  }

  it('delivers the events asked for, in order, signed per Standard Webhooks, and logs each delivery', async () => {
    const all = await receiver();
    const signatures = await receiver();
    const forAll = await http.post('/api/subscriptions', { url: all.url });
    expect(forAll.status).toBe(201);
    expect(forAll.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    const onlySignatures = await http.post('/api/subscriptions', {
      url: signatures.url,
      events: ['AgreementSigned'],
      agreements: ['wh-order-a'],
    });
    expect(onlySignatures.status).toBe(201);

    await inForce(http, 'wh-order-a');
    await inForce(http, 'wh-order-b', ['USA', 'KOR']);
    await until(() => all.received.length >= 8 && signatures.received.length >= 2);
    await new Promise((resolve) => setTimeout(resolve, 300));

    const payloads = verified(forAll.body.secret, all.received) as { type: string; data: any }[];
    expect(payloads.map((p) => `${p.data.agreementId} ${p.type}`)).toEqual([
      'wh-order-a AgreementProposed',
      'wh-order-a AgreementSigned',
      'wh-order-a AgreementSigned',
      'wh-order-a AgreementEnteredIntoForce',
      'wh-order-b AgreementProposed',
      'wh-order-b AgreementSigned',
      'wh-order-b AgreementSigned',
      'wh-order-b AgreementEnteredIntoForce',
    ]);
    const positions = payloads.map((p) => p.data.position as number);
    expect(all.received.map((r) => r.headers['webhook-id'])).toEqual(positions.map(String));
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(verified(onlySignatures.body.secret, signatures.received).map((p) => p.type)).toEqual([
      'AgreementSigned',
      'AgreementSigned',
    ]);
    // Another secret does not verify.
    expect(() => verified(onlySignatures.body.secret, all.received.slice(0, 1))).toThrow();

    const log = await http.get(`/api/subscriptions/${forAll.body.id}/deliveries`);
    expect(log.status).toBe(200);
    expect(log.body.items).toHaveLength(8);
    expect(log.body.items[0]).toMatchObject({
      position: positions[7],
      eventType: 'AgreementEnteredIntoForce',
      status: 'delivered',
      attempts: 1,
      responseStatus: 204,
    });
    expect(typeof log.body.items[0].latencyMs).toBe('number');

    const listed = await http.get('/api/subscriptions');
    const shown = listed.body.items.find((s: { id: string }) => s.id === forAll.body.id);
    expect(shown).toMatchObject({ url: all.url, status: 'active', position: positions[7], events: null });
    expect(JSON.stringify(listed.body)).not.toContain('whsec_');
    expect(JSON.stringify((await http.get(`/api/subscriptions/${forAll.body.id}`)).body)).not.toContain(
      'whsec_',
    );
    for (const s of [forAll, onlySignatures])
      expect((await http.request('DELETE', `/api/subscriptions/${s.body.id}`)).status).toBe(204);
  });

  it('filters by party', async () => {
    const r = await receiver();
    const sub = await http.post('/api/subscriptions', { url: r.url, parties: ['GBR'] });
    expect(sub.status).toBe(201);
    await inForce(http, 'wh-party-a');
    await inForce(http, 'wh-party-b', ['USA', 'GBR']);
    await until(() => r.received.length >= 4);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(r.events().map((e) => e.data.agreementId)).toEqual(Array(4).fill('wh-party-b'));
    await http.request('DELETE', `/api/subscriptions/${sub.body.id}`);
  });

  it('retries a receiver that answers 500 three times and delivers on the fourth try', async () => {
    const r = await receiver((_, i) => (i < 3 ? 500 : 200));
    const sub = await http.post('/api/subscriptions', { url: r.url, agreements: ['wh-retry'] });
    await propose(http, 'wh-retry');
    await until(() => r.received.length >= 4);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(r.received).toHaveLength(4);
    expect(new Set(r.received.map((x) => x.headers['webhook-id'])).size).toBe(1);
    verified(sub.body.secret, r.received);
    const log = await http.get(`/api/subscriptions/${sub.body.id}/deliveries`);
    expect(log.body.items).toEqual([
      expect.objectContaining({ status: 'delivered', attempts: 4, responseStatus: 200 }),
    ]);
    expect((await http.get(`/api/subscriptions/${sub.body.id}`)).body).toMatchObject({
      status: 'active',
      lastError: null,
    });
    await http.request('DELETE', `/api/subscriptions/${sub.body.id}`);
  });

  it('pauses a subscription whose receiver never answers, shows the error, and resumes from where it stopped', async () => {
    let answering = false;
    const r = await receiver(() => (answering ? 200 : 'hang'));
    const sub = await http.post('/api/subscriptions', { url: r.url, agreements: ['wh-hang'] });
    await propose(http, 'wh-hang');
    await until(async () => (await http.get(`/api/subscriptions/${sub.body.id}`)).body.status === 'paused');
    const paused = (await http.get(`/api/subscriptions/${sub.body.id}`)).body;
    expect(paused.lastError).toMatch(/no answer within 400 ms/);
    expect(r.received).toHaveLength(5);
    const log = await http.get(`/api/subscriptions/${sub.body.id}/deliveries`);
    expect(log.body.items[0]).toMatchObject({ status: 'failed', attempts: 5 });

    answering = true;
    const resumed = await http.post(`/api/subscriptions/${sub.body.id}/resume`, {});
    expect(resumed.status).toBe(200);
    expect(resumed.body).toMatchObject({ status: 'active', lastError: null });
    await until(() => r.received.length >= 6);
    expect(r.received[5]!.headers['webhook-id']).toBe(r.received[0]!.headers['webhook-id']);
    await until(
      async () => (await http.get(`/api/subscriptions/${sub.body.id}/deliveries`)).body.items.length === 2,
    );
    await http.request('DELETE', `/api/subscriptions/${sub.body.id}`);
  });

  it.each([
    ['http://169.254.169.254/latest/meta-data/', 'allowed_host'],
    ['http://10.1.2.3/hook', 'allowed_host'],
    ['http://192.168.0.10:8080/hook', 'allowed_host'],
    ['http://[::1]:9000/hook', 'allowed_host'],
    ['http://[::ffff:169.254.169.254]/', 'allowed_host'],
    ['http://2852039166/', 'allowed_host'],
    ['ftp://example.com/hook', 'scheme'],
    ['file:///etc/passwd', 'scheme'],
    ['http://user:pass@127.0.0.1/hook', 'no_credentials'],
    ['not a url', 'url'],
  ])('refuses %s with 400 naming the rule %s', async (url, rule) => {
    const refused = await http.post('/api/subscriptions', { url });
    expect(refused.status).toBe(400);
    expect(refused.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'url', rule })]);
  });

  it('allows loopback only when it is listed', async () => {
    const unlisted = await startApp({ env: { ...WEBHOOK_ENV, WEBHOOK_ALLOWED_HOSTS: '' } });
    try {
      for (const url of ['http://127.0.0.1:9/hook', 'http://localhost:9/hook']) {
        const refused = await api(unlisted.url).post('/api/subscriptions', { url });
        expect(refused.status).toBe(400);
        expect(refused.body.errors).toEqual([
          expect.objectContaining({ field: 'url', rule: 'allowed_host' }),
        ]);
      }
    } finally {
      await unlisted.close();
    }
    const byName = await startApp({ env: { ...WEBHOOK_ENV, WEBHOOK_ALLOWED_HOSTS: 'localhost' } });
    try {
      // A listed name allows what it resolves to: localhost listed, 127.0.0.1 may be named.
      for (const url of ['http://localhost:9/hook', 'http://127.0.0.1:9/hook']) {
        expect((await api(byName.url).post('/api/subscriptions', { url })).status).toBe(201);
      }
      const refused = await api(byName.url).post('/api/subscriptions', { url: 'http://10.0.0.1/hook' });
      expect(refused.status).toBe(400);
    } finally {
      await byName.close();
    }
    const listed = await http.post('/api/subscriptions', { url: 'http://127.0.0.1:9/hook' });
    expect(listed.status).toBe(201);
    await http.request('DELETE', `/api/subscriptions/${listed.body.id}`);
  });

  it('refuses bad filters, and any key but an admin key', async () => {
    const bad = await http.post('/api/subscriptions', {
      url: 'http://127.0.0.1:1/x',
      events: ['NoSuchEvent'],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]).toMatchObject({ field: 'events.0' });
    const keys = app.app.get<ApiKeyStore>(API_KEY_STORE);
    for (const role of ['recorder', 'viewer'] as const) {
      const { key } = await keys.create({ name: `wh-${role}`, role, parties: ['USA'] });
      const other = api(app.url, key);
      expect((await other.post('/api/subscriptions', { url: 'http://127.0.0.1:1/x' })).status).toBe(403);
      expect((await other.get('/api/subscriptions')).status).toBe(403);
    }
    expect((await http.get('/api/subscriptions/sub_00000000000000000000000000000000')).status).toBe(404);
    expect((await http.get('/api/subscriptions/nope')).status).toBe(400);
  });
});
