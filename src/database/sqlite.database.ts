import type { Database } from 'better-sqlite3';
import { DataSource } from 'typeorm';
import { sqliteMigrations } from '../../migrations/sqlite/index.js';

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
