import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import {
  EventIdConflict,
  StoreUnavailable,
  WrongExpectedVersion,
  type ReplayedField,
} from '../../../event-store/event-store.port.js';
import type { AppendOutcome, AppendRequest, SqliteAppender } from './sqlite-appender.js';

/** Commits batches of appends: on this thread, or on the writer thread. */
export interface SqliteWriter {
  commit(batch: readonly AppendRequest[]): Promise<AppendOutcome[]>;
  /** Takes in, now, the answers of commits that have finished (else they come with the event loop). */
  receive(): void;
  /** Throws when the writer can take no more commits (for the readiness check). */
  check(): void;
  close(): Promise<void>;
}

/** On the calling thread: for `:memory:` databases (no other connection can see them) and tools. */
export class InlineWriter implements SqliteWriter {
  constructor(private readonly appender: SqliteAppender) {}

  async commit(batch: readonly AppendRequest[]): Promise<AppendOutcome[]> {
    return this.appender.commit(batch);
  }

  receive(): void {}

  check(): void {}

  async close(): Promise<void> {}
}

/** The writing connection's durability settings, as it read them back after opening. */
export interface WriterSettings {
  journalMode: string;
  synchronous: number;
}

/** What crosses between the threads. */
export type ToWriter = { type: 'commit'; id: number; batch: readonly AppendRequest[] } | { type: 'close' };
/** The thread's first message: its connection is open. */
export type WriterReady = { type: 'ready'; settings: WriterSettings };
/** One transaction's answers, for each batch it held: on the answers port. */
export type WriterAnswer = { type: 'committed'; batches: { id: number; outcomes: EncodedOutcome[] }[] };
/** What the thread is given: the answers port, and a counter it moves on after each answer it posts. */
export interface WriterData {
  file: string;
  projections?: string;
  answers: MessagePort;
  posted: Int32Array;
}
export type EncodedOutcome = Extract<AppendOutcome, { ok: unknown }> | { error: EncodedError };
type EncodedError =
  | { kind: 'version'; streamId: string; expected: number; actual: number }
  | { kind: 'eventId'; eventId: string; field?: ReplayedField }
  | { kind: 'unavailable'; reason: string }
  | { kind: 'other'; message: string; code?: string; stack?: string };

/**
 * A worker thread that owns the writing connection. better-sqlite3 is synchronous, so on the
 * main thread every group commit's fsync would stop the event loop (measured: about a quarter
 * of the server's busy time under appends). Here the main thread goes on parsing, deciding and
 * answering while the writer commits; the batches it sends meanwhile wait in the thread and
 * are committed together, in the order sent, as soon as it is free. Reads stay on the
 * main thread's connection: WAL lets them run beside the writer, and a commit is visible to the
 * next read once it has returned, which is before the append's promise resolves.
 *
 * Should the thread die, the appends it held are answered 503 (whether its last batch committed
 * is unknown; a retry with the same event ids is safe), so is every append until a new thread
 * has opened the file, and the readiness check fails meanwhile; a new thread is started after
 * `restartDelayMs`, and again after each failed start.
 */
export class WorkerWriter implements SqliteWriter {
  private nextId = 1;
  private readonly waiting = new Map<
    number,
    { size: number; resolve: (outcomes: AppendOutcome[]) => void }
  >();
  /** Why there is no running thread, while there is none. */
  private failure: Error | undefined;
  private closing = false;
  private exited!: Promise<void>;
  /** The answers the thread has posted, as far as this side has taken them in. */
  private taken = 0;

  private constructor(
    private readonly file: string,
    private thread: WriterThread,
    private readonly restartDelayMs: number,
    private readonly projections?: string,
  ) {
    this.attach(thread);
  }

  /** The running thread's connection settings, as it read them back. */
  get settings(): WriterSettings {
    return this.thread.settings;
  }

  private get worker(): Worker {
    return this.thread.worker;
  }

  /**
   * Starts the writer on `file` (already migrated) and waits until its connection is open.
   * `projections`: the module whose `writerProjections()` gives the inline projections the thread
   * runs in each commit (a specifier the thread imports, relative to its own script); none without.
   */
  static async start(
    file: string,
    options: { restartDelayMs?: number; projections?: string } = {},
  ): Promise<WorkerWriter> {
    const thread = await spawnWriter(file, options.projections);
    return new WorkerWriter(file, thread, options.restartDelayMs ?? 1000, options.projections);
  }

  commit(batch: readonly AppendRequest[]): Promise<AppendOutcome[]> {
    if (this.failure) return Promise.reject(new StoreUnavailable(this.failure.message));
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, { size: batch.length, resolve });
      // Keep the process alive while a commit is out (a tool may have nothing else pending).
      this.worker.ref();
      this.worker.postMessage({ type: 'commit', id, batch } satisfies ToWriter);
    });
  }

  /**
   * The event loop takes a thread's message in only after every callback of its poll phase: under
   * many reads, tens of milliseconds. Called between requests, this answers finished commits at
   * once: one atomic read when there is nothing, the port read synchronously when there is.
   */
  receive(): void {
    if (Atomics.load(this.thread.posted, 0) !== this.taken) this.takeAnswers(this.thread);
  }

  private takeAnswers(thread: WriterThread): void {
    const { answers } = thread;
    for (let message = receiveMessageOnPort(answers); message; message = receiveMessageOnPort(answers)) {
      this.answered(message.message as WriterAnswer);
    }
  }

  check(): void {
    if (this.failure) throw new StoreUnavailable(this.failure.message);
  }

  async close(): Promise<void> {
    this.closing = true;
    if (this.failure) return;
    // Held until the thread has closed its connection: a tool's last await may be this one.
    this.worker.ref();
    this.worker.postMessage({ type: 'close' } satisfies ToWriter);
    await this.exited;
  }

  private answered(message: WriterAnswer): void {
    this.taken++;
    for (const { id, outcomes } of message.batches) {
      const waiting = this.waiting.get(id);
      this.waiting.delete(id);
      waiting?.resolve(outcomes.map(decodeOutcome));
    }
    if (this.waiting.size === 0) this.worker.unref();
  }

  private attach(thread: WriterThread): void {
    const { worker, answers } = thread;
    this.taken = 0;
    worker.unref();
    answers.on('message', (message: WriterAnswer) => {
      if (thread === this.thread) this.answered(message);
    });
    // The port never keeps the process alive (the worker does, while a commit is out): unref'd after
    // the listener, which refs the port again.
    answers.unref();
    worker.on('error', (error) => this.lost(worker, error));
    this.exited = new Promise((resolve) =>
      worker.once('exit', (code) => {
        this.lost(worker, new Error(`the SQLite writer thread stopped (exit code ${code})`));
        resolve();
      }),
    );
  }

  private lost(worker: Worker, error: Error): void {
    if (worker !== this.worker || this.failure) return;
    // Answers the thread posted before it stopped are answers still.
    this.takeAnswers(this.thread);
    this.failure = error;
    for (const [id, { size, resolve }] of this.waiting) {
      this.waiting.delete(id);
      resolve(Array.from({ length: size }, () => ({ error: new StoreUnavailable(error.message) })));
    }
    if (!this.closing) this.restartLater();
  }

  private restartLater(): void {
    setTimeout(() => {
      if (this.closing) return;
      spawnWriter(this.file, this.projections).then(
        (thread) => {
          if (this.closing) return void thread.worker.terminate();
          this.thread = thread;
          this.failure = undefined;
          this.attach(thread);
        },
        () => this.restartLater(),
      );
    }, this.restartDelayMs).unref();
  }
}

interface WriterThread {
  worker: Worker;
  settings: WriterSettings;
  /** This side of the port the thread answers commits on. */
  answers: MessagePort;
  /** How many answers the thread has posted (it adds one after each). */
  posted: Int32Array;
}

/** A new writer thread on `file`, once its connection is open. */
function spawnWriter(file: string, projections: string | undefined): Promise<WriterThread> {
  const { port1: answers, port2 } = new MessageChannel();
  const posted = new Int32Array(new SharedArrayBuffer(4));
  const workerData: WriterData = { file, ...(projections ? { projections } : {}), answers: port2, posted };
  const worker = new Worker(writerScript(), { workerData, transferList: [port2] });
  return new Promise((resolve, reject) => {
    const failed = (error: Error) => reject(error);
    worker.once('error', failed);
    worker.once('exit', (code) => reject(new Error(`the SQLite writer thread exited with ${code}`)));
    worker.once('message', (message: WriterReady) => {
      worker.off('error', failed);
      worker.removeAllListeners('exit');
      if (message.type === 'ready') resolve({ worker, settings: message.settings, answers, posted });
    });
  });
}

/** Compiled, the worker sits beside this file; from the TypeScript sources (tests), in dist/. */
function writerScript(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const name = 'sqlite-writer.worker.js';
  const candidates = [
    join(here, name),
    join(here, '..', '..', '..', '..', 'dist', 'src', 'storage', 'sqlite', 'event-store', name),
  ];
  const found = candidates.find((file) => existsSync(file));
  if (!found)
    throw new Error(
      `The SQLite writer is missing: looked for ${candidates.join(' and ')} (run npm run build)`,
    );
  return found;
}

export function encodeOutcome(outcome: AppendOutcome): EncodedOutcome {
  if ('ok' in outcome) return outcome;
  const error = outcome.error;
  if (error instanceof WrongExpectedVersion) {
    return {
      error: { kind: 'version', streamId: error.streamId, expected: error.expected, actual: error.actual },
    };
  }
  if (error instanceof EventIdConflict) {
    return {
      error: { kind: 'eventId', eventId: error.eventId, ...(error.field ? { field: error.field } : {}) },
    };
  }
  if (error instanceof StoreUnavailable) return { error: { kind: 'unavailable', reason: error.reason } };
  const { message, code, stack } = error as { message?: unknown; code?: unknown; stack?: unknown };
  return {
    error: {
      kind: 'other',
      message: String(message ?? error),
      ...(typeof code === 'string' ? { code } : {}),
      ...(typeof stack === 'string' ? { stack } : {}),
    },
  };
}

function decodeOutcome(outcome: EncodedOutcome): AppendOutcome {
  if ('ok' in outcome) return outcome;
  const e = outcome.error;
  switch (e.kind) {
    case 'version':
      return { error: new WrongExpectedVersion(e.streamId, e.expected, e.actual) };
    case 'eventId':
      return { error: new EventIdConflict(e.eventId, e.field) };
    case 'unavailable':
      return { error: new StoreUnavailable(e.reason) };
    default: {
      const error = Object.assign(new Error(e.message), e.code ? { code: e.code } : {});
      if (e.stack) error.stack = e.stack;
      return { error };
    }
  }
}
