import pg from 'pg';
import { DataSource } from 'typeorm';
import { postgresMigrations } from '../../../migrations/postgres/index.js';
import type { PostgresConfig } from '../../config/app.config.js';
import { translatePgError } from './postgres-errors.js';

export type Sql = pg.Pool | pg.PoolClient;

/** The OID of bigint, read as a JS number: positions and counts stay far below 2^53. */
const INT8_OID = 20;
const builtinParser = pg.types.getTypeParser.bind(pg.types) as (oid: number, format?: string) => unknown;
const types = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === INT8_OID
      ? (value: string) => Number(value)
      : builtinParser(oid, format)) as typeof pg.types.getTypeParser,
};

export interface PoolOptions {
  max?: number;
  idleTimeoutMs?: number;
  connectionTimeoutMs?: number;
  statementTimeoutMs?: number;
  /** pg's pipeline mode: statements are written without waiting for the answers before them. */
  pipeline?: boolean;
}

/** The connection settings every pool and listener of the application uses. */
export function clientConfig(url: string, options: PoolOptions = {}): pg.ClientConfig {
  return {
    connectionString: url,
    types,
    application_name: 'treaty-ledger',
    ...(options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs } : {}),
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 5_000,
  };
}

export function createPool(url: string, options: PoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    ...clientConfig(url, options),
    max: options.max ?? 10,
    ...(options.pipeline ? { pipeline: true } : {}),
    idleTimeoutMillis: options.idleTimeoutMs ?? 30_000,
  });
  // An idle client losing its connection (server restart, failover) must not crash the process:
  // the pool drops it and the next query opens a fresh one.
  pool.on('error', () => undefined);
  return pool;
}

/** One query, its rows typed, connection trouble turned into StoreUnavailable (503). */
export async function rows<T extends pg.QueryResultRow>(
  sql: Sql,
  text: string,
  values: readonly unknown[] = [],
): Promise<T[]> {
  try {
    return (await sql.query<T>(text, values as unknown[])).rows;
  } catch (error) {
    throw translatePgError(error);
  }
}

/** Any number that fits in a bigint: the lock key all migration runs take. */
const MIGRATION_LOCK = 7_306_012_001;

/**
 * Applies pending migrations through TypeORM. Instances starting together take turns on an
 * advisory lock, so each migration runs once; the later ones find nothing pending.
 */
export async function runPostgresMigrations(url: string): Promise<string[]> {
  const lock = new pg.Client(clientConfig(url));
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const dataSource = new DataSource({
      type: 'postgres',
      url,
      migrations: postgresMigrations,
      migrationsTransactionMode: 'each',
      logging: false,
    });
    await dataSource.initialize();
    try {
      return (await dataSource.runMigrations()).map((m) => m.name);
    } finally {
      await dataSource.destroy();
    }
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await lock.end();
  }
}

export interface PostgresHandle {
  pool: pg.Pool;
  /**
   * One connection of its own for append transactions, so an append never queues behind reads;
   * pipelined, so a transaction's writes leave together (PgTransaction).
   */
  writer: pg.Pool;
  url: string;
}

/** Migrates (unless told not to) and opens the pools this instance uses: the writer's and the rest's. */
export async function openPostgres(
  config: PostgresConfig,
  options: { migrate?: boolean } = {},
): Promise<PostgresHandle> {
  if (options.migrate ?? true) await runPostgresMigrations(config.url);
  const pool = createPool(config.url, config.pool);
  const writer = createPool(config.url, { ...config.pool, max: 1, pipeline: true });
  return { pool, writer, url: config.url };
}
