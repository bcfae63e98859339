import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, found from this file whether it runs from test/ (jest) or dist/test/ (soak). */
export const ROOT = (() => {
  const here = dirname(fileURLToPath(import.meta.url));
  const up = here.includes(`${join('dist', 'test')}`) ? '../../../..' : '../../..';
  return join(here, up);
})();
export const MAIN = join(ROOT, 'dist', 'src', 'main.js');

/**
 * The admin key the servers start with (ADMIN_API_KEY). Not imported from test/support/app.ts,
 * which loads the whole application: the soak script runs these helpers from dist/.
 */
export const SERVER_KEY = 'tl_reliability_admin_key_0123456789';

/** GET with the server key; the body parsed as JSON. */
export async function getJson(url: string, path: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${SERVER_KEY}` } });
  // JSON.parse here, not response.json(): under jest, fetch parses in another realm, whose
  // objects isDeepStrictEqual never finds equal to this realm's.
  return { status: response.status, body: JSON.parse(await response.text()) };
}

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Resolves when the process has ended, with its exit code or the signal that ended it. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  kill(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface ServerOptions {
  dbFile: string;
  env?: Record<string, string>;
  /** Run as another user (root cannot be kept out of a read-only file otherwise). */
  uid?: number;
  gid?: number;
  /** Shell words run before node, e.g. `ulimit -f 2048;`. */
  shellPrefix?: string;
}

/** A port nobody listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Spawns `node dist/src/main.js` (the real server, built by `npm run build`) on a SQLite file. */
export function spawnServer(options: ServerOptions, port: number): Omit<ServerProcess, 'url'> {
  const env = {
    ...process.env,
    NODE_OPTIONS: '',
    DATABASE_URL: `sqlite:${options.dbFile}`,
    ADMIN_API_KEY: SERVER_KEY,
    RATE_LIMIT_PER_MINUTE: '0',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    PORT: String(port),
    ...options.env,
  };
  const child = options.shellPrefix
    ? spawn('/bin/sh', ['-c', `${options.shellPrefix} exec "${process.execPath}" "${MAIN}"`], {
        env,
        cwd: ROOT,
      })
    : spawn(process.execPath, [MAIN], {
        env,
        cwd: ROOT,
        ...(options.uid !== undefined ? { uid: options.uid } : {}),
        ...(options.gid !== undefined ? { gid: options.gid } : {}),
      });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    exited,
    output: () => output,
    kill: async (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Starts the server and waits until /health answers; fails with its output if it exits first. */
export async function startServer(options: ServerOptions): Promise<ServerProcess> {
  const port = await freePort();
  const server = spawnServer(options, port);
  const url = `http://127.0.0.1:${port}`;
  let ended = false;
  void server.exited.then(() => (ended = true));
  const deadline = Date.now() + 30_000;
  while (!ended && Date.now() < deadline) {
    try {
      const response = await fetch(`${url}/health`);
      if (response.ok) return { ...server, url };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  await server.kill('SIGKILL');
  throw new Error(`The server did not start (${ended ? 'it exited' : 'timed out'}):\n${server.output()}`);
}
