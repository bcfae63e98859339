import type pg from 'pg';
import { appendOnlyRefused } from '../../database/append-only-refused.js';

/** The triggers the first migration makes, and what each refuses (see database/append-only-refused.ts). */
const POSTGRES_TRIGGERS = {
  events_no_update: 'UPDATE',
  events_no_delete: 'DELETE',
  events_no_truncate: 'TRUNCATE',
} as const;

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
  if (missing.length > 0) throw appendOnlyRefused(where, missing);
}
