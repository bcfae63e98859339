import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import 'reflect-metadata';
import { createApp } from '../../src/app.factory.js';
import type { Clock } from '../../src/clock.js';
import { loadConfig } from '../../src/config/app.config.js';

/** The admin key every test app starts with (ADMIN_API_KEY), sent by `api()` by default. */
export const TEST_ADMIN_KEY = 'tl_test_admin_key_0123456789abcdef';

export interface RunningApp {
  app: NestFastifyApplication;
  /** Base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  /** The SQLite file behind it. */
  dbFile: string;
  close(): Promise<void>;
}

/** Starts the real application on a fresh SQLite file and a free port. */
export async function startApp(
  options: { env?: Record<string, string>; clock?: Clock; dbFile?: string } = {},
): Promise<RunningApp> {
  const dir = options.dbFile ? undefined : mkdtempSync(join(tmpdir(), 'treaty-ledger-'));
  const dbFile = options.dbFile ?? join(dir!, 'test.db');
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    DATABASE_URL: `sqlite:${dbFile}`,
    ADMIN_API_KEY: TEST_ADMIN_KEY,
    RATE_LIMIT_PER_MINUTE: '0',
    ...options.env,
  });
  const app = await createApp(config, options.clock ? { clock: options.clock } : {});
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return {
    app,
    url: `http://127.0.0.1:${address.port}`,
    dbFile,
    close: async () => {
      await app.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
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
