import { eventOf, type EventRow } from '../../../src/event-store/event-row.js';
import Database from 'better-sqlite3';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { toAgreementEvent } from '../../../src/agreements/read/agreement-events.js';
import { fold } from '../../../src/agreements/domain/agreement.state.js';
import type { StoredEvent } from '../../../src/event-store/event-store.port.js';
import { verifyChain } from '../../../src/event-store/hashing.js';
import { rebuildProjections } from '../../../src/storage/sqlite/sqlite-rebuild.js';
import { sqliteReadModels } from '../../../src/storage/sqlite/sqlite-read-models.js';

export interface StoreFacts {
  /** Every stored event in position order. */
  events: StoredEvent[];
  byEventId: Map<string, StoredEvent>;
  /** What breaks the store's own promises: gaps, chains, read models that disagree with the events. */
  problems: string[];
}

/**
 * Every row of a table in a stable order, to compare live read models with rebuilt ones.
 * JSON columns are parsed: their key order depends on how events were batched, not on content.
 */
function tableRows(db: Database.Database, table: string): unknown[] {
  const columns = db.prepare(`SELECT COUNT(*) AS n FROM pragma_table_info(?)`).get(table) as { n: number };
  const order = Array.from({ length: columns.n }, (_, i) => i + 1).join(', ');
  const rows = db.prepare(`SELECT * FROM "${table}" ORDER BY ${order}`).all() as Record<string, unknown>[];
  return rows.map((row) =>
    Object.fromEntries(
      Object.entries(row).map(([k, v]) => [k, typeof v === 'string' && /^[[{]/.test(v) ? JSON.parse(v) : v]),
    ),
  );
}

/**
 * Inspects a SQLite file as a crash left it, on a copy (database and WAL; the copy's first
 * reader recovers the WAL exactly as a restarting server would), so the original stays as
 * it is for the server to recover itself. Checks: positions 1..n without a gap, each
 * stream's versions 1..m in position order, the streams table agreeing, every hash chain,
 * each status row equal to folding its stream with the domain's `evolve`, and every
 * read-model table equal to a rebuild from the events.
 */
export async function inspectStore(file: string): Promise<StoreFacts> {
  const dir = mkdtempSync(join(tmpdir(), 'store-check-'));
  const copy = join(dir, 'copy.db');
  copyFileSync(file, copy);
  if (existsSync(`${file}-wal`)) copyFileSync(`${file}-wal`, `${copy}-wal`);
  const db = new Database(copy);
  try {
    const events = (db.prepare('SELECT * FROM events ORDER BY position').all() as EventRow[]).map(eventOf);
    const problems: string[] = [];
    const byEventId = new Map<string, StoredEvent>();
    const streams = new Map<string, StoredEvent[]>();
    events.forEach((e, i) => {
      if (e.position !== i + 1) problems.push(`position ${e.position} found where ${i + 1} was expected`);
      if (byEventId.has(e.eventId)) problems.push(`event id ${e.eventId} stored twice`);
      byEventId.set(e.eventId, e);
      const stream = streams.get(e.streamId) ?? [];
      if (e.version !== stream.length + 1) {
        problems.push(`${e.streamId}: version ${e.version} follows version ${stream.length}`);
      }
      stream.push(e);
      streams.set(e.streamId, stream);
    });

    const heads = db.prepare('SELECT stream_id, version, last_hash FROM streams').all() as {
      stream_id: string;
      version: number;
      last_hash: string;
    }[];
    if (heads.length !== streams.size)
      problems.push(`${heads.length} stream heads for ${streams.size} streams`);
    const statusRow = db.prepare('SELECT version, state FROM agreement_status WHERE id = ?');
    for (const head of heads) {
      const stream = streams.get(head.stream_id) ?? [];
      const last = stream[stream.length - 1];
      if (head.version !== stream.length || head.last_hash !== last?.hash) {
        problems.push(
          `${head.stream_id}: head says version ${head.version}, the stream has ${stream.length}`,
        );
      }
      const chain = verifyChain(stream);
      if (!chain.valid) {
        problems.push(`${head.stream_id}: hash chain breaks at position ${chain.firstInvalidPosition}`);
      }
      const row = statusRow.get(head.stream_id) as { version: number; state: string } | undefined;
      const folded = JSON.parse(JSON.stringify(fold(stream.map((e) => toAgreementEvent(e)!)))) as unknown;
      if (!row || row.version !== stream.length || !isDeepStrictEqual(JSON.parse(row.state), folded)) {
        problems.push(`${head.stream_id}: the status row differs from folding its ${stream.length} events`);
      }
    }

    const tables = sqliteReadModels().flatMap((p) => p.tables);
    const live = new Map(tables.map((t) => [t, tableRows(db, t)]));
    await rebuildProjections(db);
    for (const table of tables) {
      const rebuilt = tableRows(db, table);
      const before = live.get(table) ?? [];
      if (!isDeepStrictEqual(rebuilt, before)) {
        const at = rebuilt.findIndex((row, i) => !isDeepStrictEqual(row, before[i]));
        problems.push(
          `read model ${table} differs from a rebuild from the events (${before.length} rows live, ` +
            `${rebuilt.length} rebuilt; first difference: live ${JSON.stringify(before[at])}, ` +
            `rebuilt ${JSON.stringify(rebuilt[at])})`,
        );
      }
    }
    return { events, byEventId, problems };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
