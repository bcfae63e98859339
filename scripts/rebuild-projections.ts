import 'reflect-metadata';
import { ConfigError, loadConfig } from '../src/config/app.config.js';
import type { DatabaseConfig } from '../src/config/app.config.js';
import { createPool } from '../src/storage/postgres/postgres.database.js';
import { openSqlite } from '../src/storage/sqlite/sqlite.database.js';
import { rebuildPostgresProjections } from '../src/storage/postgres/postgres-rebuild.js';
import {
  rebuildProjections,
  type RebuildOptions,
  type RebuildProgress,
  type RebuildResult,
} from '../src/storage/sqlite/sqlite-rebuild.js';

/**
 * npm run projections:rebuild [-- --batch-size N] [-- --every N]
 * Replays the whole event store into fresh read-model tables and swaps them in when
 * complete. Safe to run beside a live server; Ctrl-C stops after the current batch and
 * the next run resumes from the checkpoint.
 */
function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isInteger(value) || value < 1)
    throw new ConfigError(`--${name} must be a positive whole number`);
  return value;
}

const number = (n: number) => n.toLocaleString('en-US');

function reporter(every: number): (p: RebuildProgress) => void {
  if (process.stderr.isTTY) {
    return (p) => {
      const done = p.head === 0 ? 1 : p.position / p.head;
      const bar = '#'.repeat(Math.round(done * 30)).padEnd(30, '-');
      const rate = Math.round(p.events / (p.elapsedMs / 1000));
      process.stderr.write(
        `\r[${bar}] ${(done * 100).toFixed(1)}%  position ${number(p.position)}/${number(p.head)}  ${number(rate)} events/s `,
      );
    };
  }
  let next = every;
  return (p) => {
    if (p.events < next) return;
    while (next <= p.events) next += every;
    const rate = Math.round(p.events / (p.elapsedMs / 1000));
    console.error(`rebuild: position ${p.position}/${p.head}, ${p.events} events, ${rate} events/s`);
  };
}

/** The configured database, and the rebuild that fits it. */
async function openTarget(
  database: DatabaseConfig,
): Promise<{ rebuild(options: RebuildOptions): Promise<RebuildResult>; close(): Promise<void> }> {
  if (database.kind === 'postgres') {
    const pool = createPool(database.url, { ...database.pool, max: 2 });
    return { rebuild: (options) => rebuildPostgresProjections(pool, options), close: () => pool.end() };
  }
  const { dataSource, db } = await openSqlite(database.file);
  // This connection writes only the *_rebuild tables and its checkpoint: a commit lost to a
  // power cut is redone from the checkpoint, so it need not wait for an fsync per batch.
  db.pragma('synchronous = NORMAL');
  return { rebuild: (options) => rebuildProjections(db, options), close: () => dataSource.destroy() };
}

async function main(): Promise<void> {
  const config = loadConfig();
  const batchSize = option('batch-size', 50_000);
  const every = option('every', 100_000);
  const target = await openTarget(config.database);
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  process.once('SIGTERM', () => controller.abort());
  try {
    const result = await target.rebuild({
      batchSize,
      onProgress: reporter(every),
      signal: controller.signal,
    });
    if (process.stderr.isTTY) process.stderr.write('\n');
    const seconds = result.elapsedMs / 1000;
    const from = result.resumedFrom > 0 ? ` (resumed after position ${result.resumedFrom})` : '';
    if (result.completed) {
      console.log(
        `Rebuilt the read models from ${number(result.events)} events${from} in ${seconds.toFixed(1)} s ` +
          `(${number(Math.round(result.events / Math.max(seconds, 0.001)))} events/s); swapped in.`,
      );
    } else {
      console.log(
        `Interrupted at position ${result.position}${from}: the live read models are unchanged. ` +
          'Run it again to resume.',
      );
      process.exitCode = 130;
    }
  } finally {
    await target.close();
  }
}

main().catch((error: unknown) => {
  const message =
    error instanceof ConfigError
      ? `Configuration: ${error.message}`
      : String((error as Error)?.stack ?? error);
  console.error(`Projection rebuild failed. ${message}`);
  process.exit(1);
});
