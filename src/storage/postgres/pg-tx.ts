import type { Socket } from 'node:net';
import type pg from 'pg';

/**
 * A transaction's connection as the inline projections use it. `query` is for a statement whose
 * answer is needed; `send` for a write whose answer nobody reads: it does not wait, and should it
 * fail, the transaction fails (at the next `query`, or at `settle`). Statements run in the order
 * they were given either way.
 */
export interface PgTx {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string,
    values?: readonly unknown[],
  ): Promise<pg.QueryResult<R>>;
  send(text: string, values?: readonly unknown[]): void;
}

/**
 * A PgTx over one client. On a client in pg's pipeline mode (the append transaction's: see
 * `openPostgres`) statements are written without waiting for the answers before them, and
 * everything given in one turn of the event loop leaves in one write to the socket: a batch's
 * writes and the read after them cost one round trip, not one each. On any other client (the
 * rebuild, the copy tool) a statement is written when the one before it has been answered.
 */
export class PgTransaction implements PgTx {
  private readonly pending: Promise<unknown>[] = [];
  /** The first failure of a sent statement: the cause of every failure after it. */
  private failure: { error: unknown } | undefined;
  private tail: Promise<unknown> = Promise.resolve();
  private corked: Socket | undefined;
  private readonly pipelined: boolean;

  constructor(private readonly client: pg.PoolClient | pg.Client) {
    this.pipelined = (client as { pipeline?: boolean }).pipeline === true;
  }

  query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string,
    values?: readonly unknown[],
  ): Promise<pg.QueryResult<R>> {
    return this.run<R>(text, values).catch((error: unknown) => {
      throw this.failure ? this.failure.error : error;
    });
  }

  send(text: string, values?: readonly unknown[]): void {
    const sent = this.run(text, values);
    // Observed here, so a failure is never unhandled; reported by the next query or settle().
    sent.catch((error: unknown) => {
      this.failure ??= { error };
    });
    this.pending.push(sent);
  }

  /** Waits for every statement sent; throws the first failure. */
  async settle(): Promise<void> {
    await Promise.allSettled(this.pending.splice(0));
    if (this.failure) throw this.failure.error;
  }

  private run<R extends pg.QueryResultRow>(
    text: string,
    values: readonly unknown[] | undefined,
  ): Promise<pg.QueryResult<R>> {
    const submit = () => this.client.query<R>(text, values as unknown[] | undefined);
    if (!this.pipelined) {
      const result = this.tail.then(submit);
      this.tail = result.catch(() => undefined);
      return result;
    }
    this.cork();
    return submit();
  }

  /** Holds the socket's writes until the turn's synchronous work and promise callbacks are done. */
  private cork(): void {
    if (this.corked) return;
    const socket = (this.client as unknown as { connection?: { stream?: Socket } }).connection?.stream;
    if (typeof socket?.cork !== 'function') return;
    socket.cork();
    this.corked = socket;
    process.nextTick(() => {
      this.corked = undefined;
      socket.uncork();
    });
  }
}

/**
 * A read a projection sends ahead for a transaction (its `prefetch`, in the lock's round trip) and
 * takes when it applies the batch; a batch that writes nothing never takes it.
 */
export class ReadAhead<T> {
  private readonly sent = new WeakMap<PgTx, Promise<T>>();

  start(tx: PgTx, read: Promise<T>): void {
    read.catch(() => undefined); // reported to apply, which takes it
    this.sent.set(tx, read);
  }

  /** The read sent ahead for `tx`, once; else `read()` now. */
  take(tx: PgTx, read: () => Promise<T>): Promise<T> {
    const sent = this.sent.get(tx);
    this.sent.delete(tx);
    return sent ?? read();
  }
}
