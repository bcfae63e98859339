import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * First start, as an operator sees it: the compiled server (`node dist/src/main.js`) on a
 * fresh database prints an admin key and a sign-in link once; the printed key works; the
 * database holds only its hash; the next start prints nothing. ADMIN_API_KEY chooses the
 * first key instead (for automation), and then nothing is printed.
 */

let dir: string;

beforeAll(() => {
  if (!existsSync('dist/src/main.js'))
    throw new Error('Run `npm run build` first: this test runs the compiled server');
  dir = mkdtempSync(join(tmpdir(), 'treaty-ledger-first-start-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

interface Server {
  url: string;
  /** stdout up to and including the "serves" line, printed once the server listens. */
  output: string;
  stop(): Promise<void>;
}

/** Starts the compiled server and waits for the line it prints once it listens. */
async function startServer(dbFile: string, env: Record<string, string> = {}): Promise<Server> {
  const port = await freePort();
  const inherited = { ...process.env };
  for (const name of [
    'ADMIN_API_KEY',
    'DATABASE_URL',
    'RATE_LIMIT_PER_MINUTE',
    'CORS_ORIGINS',
    'PORT',
    'HOST',
  ])
    delete inherited[name];
  const child: ChildProcess = spawn(process.execPath, ['dist/src/main.js'], {
    env: {
      ...inherited,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: `sqlite:${dbFile}`,
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const output = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (/Treaty Ledger serves http/.test(stdout)) resolve(stdout);
    });
    child.once('exit', (code) =>
      reject(new Error(`the server exited (${code}) before listening:\n${stdout}\n${stderr}`)),
    );
  });
  return {
    url: `http://127.0.0.1:${port}`,
    output,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

const listWith = (url: string, key: string) =>
  fetch(`${url}/api/agreements`, { headers: { authorization: `Bearer ${key}` } }).then((r) => r.status);

describe('a fresh database without ADMIN_API_KEY', () => {
  const dbFile = () => join(dir, 'fresh.db');
  let key: string;

  it('prints an admin key and a sign-in link once, and the printed key works', async () => {
    const server = await startServer(dbFile());
    try {
      const printed = /^\s+(\S{32,})\s*$/m.exec(server.output.split('Treaty Ledger serves')[0]!);
      expect(printed).not.toBeNull();
      key = printed![1]!;
      expect(server.output).toContain(`${server.url}/#key=${key}`);
      expect(server.output.split(key).length - 1).toBe(2); // the key line and the link, nothing else

      expect(await listWith(server.url, key)).toBe(200);
      expect(await listWith(server.url, `${key}x`)).toBe(401);
      const proposed = await fetch(`${server.url}/api/agreements`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'First treaty', parties: ['USA', 'JPN'], provisions: [] }),
      });
      expect(proposed.status).toBe(201);
    } finally {
      await server.stop();
    }
  });

  it('stores only a hash of the key: no file of the database holds it in clear', () => {
    const files = readdirSync(dir).filter((f) => f.startsWith('fresh.db'));
    expect(files).toContain('fresh.db');
    for (const file of files) expect(readFileSync(join(dir, file)).includes(key)).toBe(false);
  });

  it('a second start on the same database prints no key, and the first key still works', async () => {
    const server = await startServer(dbFile());
    try {
      expect(server.output).not.toContain(key);
      expect(server.output).not.toMatch(/#key=|first start/i);
      expect(await listWith(server.url, key)).toBe(200);
    } finally {
      await server.stop();
    }
  });
});

describe('a fresh database with ADMIN_API_KEY', () => {
  it('makes that the admin key and prints no key', async () => {
    const chosen = 'tl_automation_key_for_ci_0123456789';
    const server = await startServer(join(dir, 'chosen.db'), { ADMIN_API_KEY: chosen });
    try {
      expect(server.output).not.toContain(chosen);
      expect(server.output).not.toMatch(/#key=/);
      expect(await listWith(server.url, chosen)).toBe(200);
    } finally {
      await server.stop();
    }
  });
});
