import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import 'reflect-metadata';
import { createApp } from '../../src/app.factory.js';
import type { Clock } from '../../src/clock.js';
import { loadConfig } from '../../src/config/app.config.js';
import { createTestDatabase } from './postgres.js';

/** The admin key every test app starts with (ADMIN_API_KEY), sent by `api()` by default. */
export const TEST_ADMIN_KEY = 'tl_test_admin_key_0123456789abcdef';

export interface RunningApp {
  app: NestFastifyApplication;
  /** Base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  /** The SQLite file behind it ('' on PostgreSQL). */
  dbFile: string;
  /** The DATABASE_URL it runs on: sqlite:<file> or postgres://… */
  databaseUrl: string;
  close(): Promise<void>;
}

/** Which database the test apps run on: TEST_DB=postgres (the jest `postgres` project) or SQLite. */
export const testDatabaseKind = (): 'sqlite' | 'postgres' =>
  process.env.TEST_DB === 'postgres' ? 'postgres' : 'sqlite';

/**
 * Starts the real application on a free port: on a fresh SQLite file, or with TEST_DB=postgres
 * on a fresh PostgreSQL database (dropped on close). `databaseUrl` runs it on a given database
 * instead (several instances on one database), which close leaves in place.
 */
export async function startApp(
  options: { env?: Record<string, string>; clock?: Clock; dbFile?: string; databaseUrl?: string } = {},
): Promise<RunningApp> {
  const onPostgres =
    options.databaseUrl === undefined && !options.dbFile && testDatabaseKind() === 'postgres';
  const database = onPostgres ? await createTestDatabase() : undefined;
  const dir =
    options.dbFile || options.databaseUrl || database
      ? undefined
      : mkdtempSync(join(tmpdir(), 'treaty-ledger-'));
  const dbFile = options.databaseUrl || database ? '' : (options.dbFile ?? join(dir!, 'test.db'));
  const databaseUrl = options.databaseUrl ?? database?.url ?? `sqlite:${dbFile}`;
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    DATABASE_URL: databaseUrl,
    ADMIN_API_KEY: TEST_ADMIN_KEY,
    RATE_LIMIT_PER_MINUTE: '0',
    AUTH_FAILURES_PER_MINUTE: '0',
    // A loaded test machine (two jest workers beside PostgreSQL on two cores) can keep a pool
    // connection waiting past the 5 s default: a test about that sets its own.
    DATABASE_CONNECT_TIMEOUT_MS: '30000',
    ...options.env,
  });
  const app = await createApp(config, options.clock ? { clock: options.clock } : {}).catch(async (error) => {
    await database?.drop();
    throw error;
  });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return {
    app,
    url: `http://127.0.0.1:${address.port}`,
    dbFile,
    databaseUrl,
    close: async () => {
      await app.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
      await database?.drop();
    },
  };
}

/** A clock the test moves by hand. */
export class ManualClock implements Clock {
  constructor(private current: Date) {}
  now(): Date {
    return new Date(this.current);
  }
  set(iso: string): void {
    this.current = new Date(iso);
  }
}
