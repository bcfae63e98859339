import type { Database } from 'better-sqlite3';
import { appendOnlyRefused } from '../../database/append-only-refused.js';

/** The triggers the first migration makes, and what each refuses (see database/append-only-refused.ts). */
const SQLITE_TRIGGERS = { events_no_update: 'UPDATE', events_no_delete: 'DELETE' } as const;
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
  if (missing.length > 0) throw appendOnlyRefused(where, missing);
}
