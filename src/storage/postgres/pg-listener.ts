import pg from 'pg';
import { clientConfig } from './postgres.database.js';

export interface PgListenerOptions {
  url: string;
  channel: string;
  notified(payload: string | undefined): void;
  /** The connection is listening again after a loss: whatever was notified meanwhile was missed. */
  resumed?(): void;
  /** The connection was lost: until `resumed`, nothing is notified. */
  lost?(): void;
}

/**
 * One connection that LISTENs on a channel and comes back when it drops (backing off from
 * 100 ms to 5 s). Notifications sent while it was down are lost: `lost` and `resumed` let the
 * owner cover them (a catch-up read, an emptied cache).
 */
export class PgListener {
  private client: pg.Client | undefined;
  private reconnect: NodeJS.Timeout | undefined;
  private stopped = false;

  private constructor(private readonly options: PgListenerOptions) {}

  static async start(options: PgListenerOptions): Promise<PgListener> {
    const listener = new PgListener(options);
    await listener.connect();
    return listener;
  }

  get listening(): boolean {
    return this.client !== undefined;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnect);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client(clientConfig(this.options.url));
    client.on('notification', ({ payload }) => this.options.notified(payload));
    client.on('error', () => this.drop(client));
    client.on('end', () => this.drop(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${client.escapeIdentifier(this.options.channel)}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.stopped) return void (await client.end());
    this.client = client;
  }

  private drop(client: pg.Client): void {
    if (this.stopped || this.client !== client) return;
    this.client = undefined;
    this.options.lost?.();
    client.end().catch(() => undefined);
    const retry = (delay: number) => {
      this.reconnect = setTimeout(() => {
        this.connect()
          .then(() => this.options.resumed?.())
          .catch(() => retry(Math.min(delay * 2, 5000)));
      }, delay);
      this.reconnect.unref();
    };
    retry(100);
  }
}
