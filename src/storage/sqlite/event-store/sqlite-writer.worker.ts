import Sqlite from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import type { WriterProjections } from '../../../event-store/projections.js';
import { SqliteAppender } from './sqlite-appender.js';
import {
  encodeOutcome,
  type EncodedOutcome,
  type ToWriter,
  type WriterAnswer,
  type WriterData,
  type WriterReady,
} from './sqlite-writer.js';

/**
 * The writer thread (see WorkerWriter): its own connection to the file, durable settings
 * (synchronous=FULL is per connection), the inline projections. This is the one queue between
 * the requests and the commit: the main thread hands over each turn's appends as they come
 * (its own buffer lasts one turn of the event loop), and what arrives while a commit runs waits
 * here. Once free, the thread commits all that waits, in the order it came, up to
 * MAX_APPENDS_PER_COMMIT appends a transaction (a larger batch spans two), and answers each
 * batch once all its appends are committed.
 */
const MAX_APPENDS_PER_COMMIT = 2000;
const port = parentPort!;
const { file, projections: projectionsModule, answers, posted } = workerData as WriterData;
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

type Batch = Extract<ToWriter, { type: 'commit' }> & { outcomes: EncodedOutcome[] };
const waiting: Batch[] = [];
let scheduled = false;

port.on('message', (message: ToWriter) => {
  if (message.type === 'close') {
    commitWaiting();
    db.close();
    port.close();
    return;
  }
  waiting.push({ ...message, outcomes: [] });
  if (scheduled) return;
  scheduled = true;
  // After the messages that came in during the last commit have all been taken.
  setImmediate(commitWaiting);
});

function commitWaiting(): void {
  scheduled = false;
  while (waiting.length > 0) {
    // The next appends in order, up to the cap: whole batches, and the start of the next one.
    const taken: { batch: Batch; count: number }[] = [];
    let room = MAX_APPENDS_PER_COMMIT;
    for (const batch of waiting) {
      if (room === 0) break;
      const count = Math.min(room, batch.batch.length - batch.outcomes.length);
      taken.push({ batch, count });
      room -= count;
    }
    const requests = taken.flatMap(({ batch, count }) =>
      batch.batch.slice(batch.outcomes.length, batch.outcomes.length + count),
    );
    const outcomes = appender.commit(requests).map(encodeOutcome);
    let at = 0;
    for (const { batch, count } of taken) batch.outcomes.push(...outcomes.slice(at, (at += count)));
    const answered: Batch[] = [];
    while (waiting.length > 0 && waiting[0]!.outcomes.length === waiting[0]!.batch.length) {
      answered.push(waiting.shift()!);
    }
    if (answered.length === 0) continue;
    answers.postMessage({
      type: 'committed',
      batches: answered.map(({ id, outcomes }) => ({ id, outcomes })),
    } satisfies WriterAnswer);
    // After the message is in the port: the main thread may take it in between two requests.
    Atomics.add(posted, 0, 1);
  }
}

port.postMessage({
  type: 'ready',
  settings: {
    journalMode: db.pragma('journal_mode', { simple: true }) as string,
    synchronous: db.pragma('synchronous', { simple: true }) as number,
  },
} satisfies WriterReady);
