import { afterEach, describe, expect, it } from '@jest/globals';
import { connect, type Socket } from 'node:net';
import { startApp, TEST_ADMIN_KEY, type RunningApp } from '../support/app.js';

/**
 * Limits a client cannot talk its way past: a request that arrives too slowly (headers or body)
 * is cut off with 408; requests without a valid key are limited per client address; the server
 * holds at most MAX_CONNECTIONS connections. Each is configurable (docs/configuration.md).
 */

let running: RunningApp | undefined;
const sockets: Socket[] = [];

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await running?.close();
  running = undefined;
});

function open(url: string): Promise<Socket> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => resolve(socket));
    socket.on('error', reject);
    sockets.push(socket);
  });
}

/** Everything the server sends until it closes the connection (or `ms` pass). */
function readUntilClosed(socket: Socket, ms: number): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve) => {
    let text = '';
    const timer = setTimeout(() => resolve({ text, closed: false }), ms);
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ text, closed: true });
    });
  });
}

describe('REQUEST_TIMEOUT_MS and HEADERS_TIMEOUT_MS', () => {
  it('a body that never finishes arriving is answered 408 and the connection closed', async () => {
    running = await startApp({ env: { REQUEST_TIMEOUT_MS: '600' } });
    const socket = await open(running.url);
    const started = Date.now();
    socket.write(
      'POST /api/agreements HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n' +
        `Authorization: Bearer ${TEST_ADMIN_KEY}\r\nContent-Length: 200\r\n\r\n{"id":`,
    );
    const { text, closed } = await readUntilClosed(socket, 5000);
    expect(closed).toBe(true);
    expect(text).toMatch(/^HTTP\/1\.1 408/);
    expect(text).toMatch(/application\/problem\+json/);
    expect(Date.now() - started).toBeLessThan(3000);
    // Nothing was written.
    const list = await fetch(`${running.url}/api/agreements`, {
      headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` },
    });
    expect(((await list.json()) as { items: unknown[] }).items).toEqual([]);
  });

  it('headers that never finish arriving are answered 408', async () => {
    running = await startApp({ env: { HEADERS_TIMEOUT_MS: '500' } });
    const socket = await open(running.url);
    socket.write('GET /health HTTP/1.1\r\nHost: localhost\r\nX-Slow: ');
    const { text, closed } = await readUntilClosed(socket, 5000);
    expect(closed).toBe(true);
    expect(text).toMatch(/^HTTP\/1\.1 408/);
  });

  it('a prompt request is untouched by them', async () => {
    running = await startApp({ env: { REQUEST_TIMEOUT_MS: '600', HEADERS_TIMEOUT_MS: '500' } });
    expect((await fetch(`${running.url}/health`)).status).toBe(200);
  });
});

describe('AUTH_FAILURES_PER_MINUTE', () => {
  it('limits requests without a valid key per client address (429 with Retry-After), not keyed or public ones', async () => {
    running = await startApp({ env: { AUTH_FAILURES_PER_MINUTE: '3' } });
    const url = running.url;
    const statuses: number[] = [];
    const wrong: Record<string, string> = { authorization: 'Bearer tl_wrong_key_0123456789abcdef' };
    for (const headers of [{}, wrong, {}, {}, {}]) {
      statuses.push((await fetch(`${url}/api/agreements`, { headers })).status);
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    const limited = await fetch(`${url}/api/agreements`);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    // A valid key still gets in, and the pages and health stay open.
    const keyed = await fetch(`${url}/api/agreements`, {
      headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` },
    });
    expect(keyed.status).toBe(200);
    expect((await fetch(`${url}/health`)).status).toBe(200);
    expect((await fetch(`${url}/`)).status).toBe(200);
  });
});

describe('MAX_CONNECTIONS', () => {
  it('refuses connections past the cap, and takes new ones once others close', async () => {
    running = await startApp({ env: { MAX_CONNECTIONS: '2' } });
    const first = await open(running.url);
    const second = await open(running.url);
    const third = await open(running.url);
    third.write('GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n');
    const refused = await readUntilClosed(third, 3000);
    expect(refused).toEqual({ text: '', closed: true });

    first.write('GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
    const served = await readUntilClosed(first, 3000);
    expect(served.text).toMatch(/^HTTP\/1\.1 200/);
    second.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await fetch(`${running.url}/health`)).status).toBe(200);
  });
});
