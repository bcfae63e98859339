import Sqlite, { type Database } from 'better-sqlite3';
import { existsSync, statSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { sqliteMigrations } from '../../../migrations/sqlite/index.js';
import { DatabaseRefused } from '../../database/database-refused.js';

export interface SqliteHandle {
  dataSource: DataSource;
  /** The raw better-sqlite3 connection: the event store's hot path runs on it directly. */
  db: Database;
}

/**
 * Opens the SQLite file through TypeORM (which owns migrations) and hands out the raw
 * connection. Durability is set here, not left to defaults: WAL with synchronous=FULL
 * fsyncs the log on every commit.
 */
export async function openSqlite(file: string, options: { migrate?: boolean } = {}): Promise<SqliteHandle> {
  checkExistingFile(file);
  const dataSource = new DataSource({
    type: 'better-sqlite3',
    database: file,
    migrations: sqliteMigrations,
    migrationsTransactionMode: 'each',
    prepareDatabase: (db: Database) => {
      db.pragma('busy_timeout = 5000');
      if (file !== ':memory:') db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
    },
  });
  await dataSource.initialize();
  if (options.migrate ?? true) await dataSource.runMigrations();
  const db = (dataSource.driver as unknown as { databaseConnection: Database }).databaseConnection;
  return { dataSource, db };
}

/** The names TypeORM records in `migrations` for ours. */
const OUR_MIGRATIONS = sqliteMigrations.map((m) => m.name);

/**
 * Before anything writes to an existing file (switching it to WAL rewrites its header, a
 * migration adds tables), make sure it is a sound database of ours. A corrupt file or
 * another application's database stops the start with a message naming the file, and is
 * left byte for byte as it was: it is only read here, through a read-only connection
 * (which, for a WAL-mode file, may create SQLite's empty -wal and -shm files beside it).
 */
function checkExistingFile(file: string): void {
  if (file === ':memory:' || file === '' || !existsSync(file) || statSync(file).size === 0) return;
  let db: Database | undefined;
  let tables: string[];
  let ours: boolean;
  try {
    db = new Sqlite(file, { readonly: true, fileMustExist: true });
    // quick_check reads every page: start-up time grows with the file (144 MB took 1.0 s here).
    const problems = (db.pragma('quick_check(5)', { simple: false }) as { quick_check: string }[])
      .map((row) => row.quick_check)
      .filter((line) => line !== 'ok');
    if (problems.length > 0) {
      throw new DatabaseRefused(refusal(file, `it is damaged (${problems.join('; ')})`));
    }
    tables = db
      .prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      .pluck()
      .all();
    ours =
      tables.includes('migrations') &&
      db
        .prepare(`SELECT 1 FROM migrations WHERE name IN (${OUR_MIGRATIONS.map(() => '?').join(', ')})`)
        .get(...OUR_MIGRATIONS) !== undefined;
  } catch (error) {
    if (error instanceof DatabaseRefused) throw error;
    const { code, message } = error as { code?: unknown; message?: unknown };
    throw new DatabaseRefused(
      refusal(
        file,
        `it cannot be read as an SQLite database (${typeof code === 'string' ? code : 'error'}: ${String(message)})`,
      ),
    );
  } finally {
    db?.close();
  }
  // A first start that stopped after TypeORM created its `migrations` table holds nothing else.
  const others = tables.filter((t) => t !== 'migrations');
  if (others.length > 0 && !ours) {
    throw new DatabaseRefused(
      refusal(
        file,
        `it holds another application's tables (${others.slice(0, 5).join(', ')}${others.length > 5 ? ', …' : ''}) ` +
          'and no Treaty Ledger migrations',
      ),
    );
  }
}

const refusal = (file: string, why: string) =>
  `The database file ${file} was not opened: ${why}. It has been left untouched; ` +
  'point DATABASE_URL at another file, or restore this one from a backup.';
