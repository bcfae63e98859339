import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { testDatabaseKind } from '../support/app.js';
import { startAppProcess, type AppProcess } from '../support/app-process.js';
import { api } from '../support/http.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { startReceiver, until } from '../support/webhook-receiver.js';

/**
 * Delivery across processes: the server killed mid-delivery resumes from its durable checkpoint,
 * and two instances on one database deliver a subscription through one of them at a time.
 */
const ENV = { WEBHOOK_ALLOWED_HOSTS: '127.0.0.1', WEBHOOK_BACKOFF_MS: '20', WEBHOOK_LEASE_MS: '2000' };

let databaseUrl: string;
let database: TestDatabase | undefined;
let dir: string | undefined;

beforeAll(async () => {
  if (testDatabaseKind() === 'postgres') {
    database = await createTestDatabase();
    databaseUrl = database.url;
  } else {
    dir = mkdtempSync(join(tmpdir(), 'treaty-ledger-webhooks-'));
    databaseUrl = `sqlite:${join(dir, 'ledger.db')}`;
  }
});
afterAll(async () => {
  await database?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function record(base: string, id: string, exercises: number) {
  const http = api(base);
  expect(
    (
      await http.post('/api/agreements', {
        id,
        title: `Agreement ${id}`,
        parties: ['USA', 'JPN'],
        provisions: ['mutual_defense'],
        occurredOn: '2020-01-01',
      })
    ).status,
  ).toBe(201);
  expect(
    (
      await http.post(`/api/agreements/${id}/events`, [
        { type: 'AgreementSigned', occurredOn: '2020-02-01', data: { party: 'USA' } },
        { type: 'AgreementSigned', occurredOn: '2020-02-01', data: { party: 'JPN' } },
        { type: 'AgreementEnteredIntoForce', occurredOn: '2020-03-01', data: {} },
      ])
    ).status,
  ).toBe(201);
  for (let i = 0; i < exercises; i++) {
    const sent = await http.post(`/api/agreements/${id}/events`, {
      type: 'ExerciseHeld',
      occurredOn: '2021-05-01',
      data: { name: `Drill ${i + 1}`, startedOn: '2021-05-01', participants: ['USA', 'JPN'] },
    });
    expect(sent.status).toBe(201);
  }
}

describe('webhook delivery across processes', () => {
  it('resumes after a kill mid-delivery: all 100 events in order, repeats only with the same webhook-id', async () => {
    // A slow receiver, so that the kill lands while deliveries are under way.
    const receiver = await startReceiver(
      () => new Promise<number>((resolve) => setTimeout(() => resolve(200), 15)),
    );
    let server: AppProcess | undefined = await startAppProcess({ ...ENV, DATABASE_URL: databaseUrl });
    try {
      const sub = await api(server.url).post('/api/subscriptions', {
        url: receiver.url,
        agreements: ['wh-crash'],
      });
      expect(sub.status).toBe(201);
      await record(server.url, 'wh-crash', 96);
      await until(() => receiver.received.length >= 20, 30_000, 'deliveries to begin');
      server.child.kill('SIGKILL');
      await server.stop();
      const beforeRestart = receiver.received.length;
      expect(beforeRestart).toBeLessThan(100);
      server = await startAppProcess({ ...ENV, DATABASE_URL: databaseUrl, PORT: new URL(server.url).port });
      await until(
        () => new Set(receiver.received.map((r) => r.headers['webhook-id'])).size >= 100,
        60_000,
        'all 100 events',
      );

      const webhook = new Webhook(sub.body.secret);
      const payloads = receiver.received.map(
        (r) => webhook.verify(r.body, r.headers as Record<string, string>) as { data: { position: number } },
      );
      const ids = receiver.received.map((r) => r.headers['webhook-id']);
      payloads.forEach((p, i) => expect(String(p.data.position)).toBe(ids[i]));
      // In order: each position is the one after the last, or a repeat of one already received.
      const firsts: number[] = [];
      for (const p of payloads) {
        if (firsts.includes(p.data.position)) continue;
        firsts.push(p.data.position);
      }
      expect(firsts).toHaveLength(100);
      expect([...firsts].sort((a, b) => a - b)).toEqual(firsts);
      const repeats = payloads.length - 100;
      expect(repeats).toBeLessThanOrEqual(2);
    } finally {
      await server?.stop();
      await receiver.close();
    }
  });

  it('two instances on one database deliver each event once, through one holder at a time', async () => {
    const receiver = await startReceiver();
    const first = await startAppProcess({ ...ENV, DATABASE_URL: databaseUrl });
    const second = await startAppProcess({ ...ENV, DATABASE_URL: databaseUrl });
    try {
      const sub = await api(first.url).post('/api/subscriptions', {
        url: receiver.url,
        agreements: ['wh-two-a', 'wh-two-b'],
      });
      expect(sub.status).toBe(201);
      await Promise.all([record(first.url, 'wh-two-a', 20), record(second.url, 'wh-two-b', 20)]);
      await until(() => receiver.received.length >= 48, 30_000, 'all 48 events');
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const ids = receiver.received.map((r) => Number(r.headers['webhook-id']));
      expect(ids).toHaveLength(48);
      expect(new Set(ids).size).toBe(48);
      expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    } finally {
      await first.stop();
      await second.stop();
      await receiver.close();
    }
  });
});
