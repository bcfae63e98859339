import Sqlite from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { StateCache } from '../../agreements/read/status/state-cache.js';
import { sqliteReadModels } from '../../projections/sqlite-read-models.js';
import { SqliteAppender } from './sqlite-appender.js';
import { encodeOutcome, type FromWriter, type ToWriter } from './sqlite-writer.js';

/**
 * The writer thread (see WorkerWriter): its own connection to the file, durable settings
 * (synchronous=FULL is per connection), the inline projections, and one batch at a time.
 */
const port = parentPort!;
const { file } = workerData as { file: string };
const db = new Sqlite(file, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
db.pragma('synchronous = FULL');
// The states the status and milestones projections last wrote: the next event folds onto them.
const states = new StateCache(10_000);
const appender = new SqliteAppender(db, sqliteReadModels('', { cache: states }), () => states.clear());

port.on('message', (message: ToWriter) => {
  if (message.type === 'close') {
    db.close();
    port.close();
    return;
  }
  const outcomes = appender.commit(message.batch).map(encodeOutcome);
  port.postMessage({ type: 'committed', id: message.id, outcomes } satisfies FromWriter);
});

port.postMessage({
  type: 'ready',
  settings: {
    journalMode: db.pragma('journal_mode', { simple: true }) as string,
    synchronous: db.pragma('synchronous', { simple: true }) as number,
  },
} satisfies FromWriter);
