import type { Database } from 'better-sqlite3';
import type pg from 'pg';
import { DatabaseRefused } from './database-refused.js';

/**
 * The event store is append-only because the database refuses updates and deletes of `events`
 * (triggers made by the first migration). Someone holding the database can drop them, rewrite
 * history and put them back, or leave them dropped. The server checks at start that they are
 * there and enabled, and refuses to start without them, naming what is missing: it will not
 * serve a store whose safeguard is gone. (Tools such as `npm run audit:verify` still open it.)
 */
const SQLITE_TRIGGERS = { events_no_update: 'UPDATE', events_no_delete: 'DELETE' } as const;
const POSTGRES_TRIGGERS = {
  events_no_update: 'UPDATE',
  events_no_delete: 'DELETE',
  events_no_truncate: 'TRUNCATE',
} as const;

export function checkSqliteAppendOnly(db: Database, where: string): void {
  const found = new Map(
    db
      .prepare<[], { name: string; sql: string | null }>(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'events'",
      )
      .all()
      .map((t) => [t.name, t.sql ?? '']),
  );
  const missing = Object.entries(SQLITE_TRIGGERS).flatMap(([name, operation]) => {
    const sql = (found.get(name) ?? '').replace(/\s+/g, ' ');
    const sound =
      new RegExp(`BEFORE ${operation} ON "?events"?`, 'i').test(sql) && /RAISE\s*\(\s*ABORT/i.test(sql);
    return sound ? [] : [`${name} (refuses ${operation} on events)`];
  });
  if (missing.length > 0) throw refused(where, missing);
}

export async function checkPostgresAppendOnly(pool: pg.Pool, where: string): Promise<void> {
  const { rows } = await pool.query<{ name: string; enabled: string }>(
    `SELECT t.tgname AS name, t.tgenabled AS enabled
       FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
      WHERE c.relname = 'events' AND c.relnamespace = to_regnamespace(current_schema())::oid
        AND NOT t.tgisinternal`,
  );
  const enabled = new Set(rows.filter((r) => r.enabled !== 'D').map((r) => r.name));
  const missing = Object.entries(POSTGRES_TRIGGERS).flatMap(([name, operation]) =>
    enabled.has(name)
      ? []
      : [`${name} (refuses ${operation} on events)${rows.some((r) => r.name === name) ? ': disabled' : ''}`],
  );
  if (missing.length > 0) throw refused(where, missing);
}

const refused = (where: string, missing: string[]) =>
  new DatabaseRefused(
    `The database ${where} is missing the append-only triggers of its event store: ${missing.join(', ')}. ` +
      'Without them its history could have been changed. The server will not start on it: restore the ' +
      'database from a backup, or verify it (npm run audit:verify) and recreate the triggers as the first migration does.',
  );
