import Sqlite from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import type { WriterProjections } from '../../../event-store/projections.js';
import { SqliteAppender } from './sqlite-appender.js';
import { encodeOutcome, type FromWriter, type ToWriter } from './sqlite-writer.js';

/**
 * The writer thread (see WorkerWriter): its own connection to the file, durable settings
 * (synchronous=FULL is per connection), the inline projections. Batches that arrive while it
 * commits wait; once free, it commits all that wait in one transaction (up to MAX_APPENDS),
 * in the order they came, and answers each.
 */
const MAX_APPENDS = 2000;
const port = parentPort!;
const { file, projections: projectionsModule } = workerData as { file: string; projections?: string };
const db = new Sqlite(file, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
db.pragma('synchronous = FULL');
// The inline projections come from the caller, by module: this thread knows nothing of what they project.
const { projections, rolledBack } = projectionsModule
  ? (
      (await import(new URL(projectionsModule, import.meta.url).href)) as {
        writerProjections: () => WriterProjections<Sqlite.Database>;
      }
    ).writerProjections()
  : { projections: [], rolledBack: () => {} };
const appender = new SqliteAppender(db, projections, rolledBack);

type Batch = Extract<ToWriter, { type: 'commit' }>;
const waiting: Batch[] = [];
let scheduled = false;

port.on('message', (message: ToWriter) => {
  if (message.type === 'close') {
    commitWaiting();
    db.close();
    port.close();
    return;
  }
  waiting.push(message);
  if (scheduled) return;
  scheduled = true;
  // After the messages that came in during the last commit have all been taken.
  setImmediate(commitWaiting);
});

function commitWaiting(): void {
  scheduled = false;
  while (waiting.length > 0) {
    // Whole batches, in order, up to MAX_APPENDS appends (a larger batch goes alone).
    const batches = [waiting.shift()!];
    let count = batches[0]!.batch.length;
    while (waiting.length > 0 && count + waiting[0]!.batch.length <= MAX_APPENDS) {
      count += waiting[0]!.batch.length;
      batches.push(waiting.shift()!);
    }
    const outcomes = appender.commit(batches.flatMap((b) => b.batch)).map(encodeOutcome);
    let at = 0;
    port.postMessage({
      type: 'committed',
      batches: batches.map(({ id, batch }) => ({ id, outcomes: outcomes.slice(at, (at += batch.length)) })),
    } satisfies FromWriter);
  }
}

port.postMessage({
  type: 'ready',
  settings: {
    journalMode: db.pragma('journal_mode', { simple: true }) as string,
    synchronous: db.pragma('synchronous', { simple: true }) as number,
  },
} satisfies FromWriter);
