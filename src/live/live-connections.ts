import { Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import {
  concatMap,
  finalize,
  from,
  map,
  merge,
  ReplaySubject,
  Subject,
  takeUntil,
  takeWhile,
  type Observable,
} from 'rxjs';
import { API_KEY_STORE, type ApiKeyStore } from '../auth/api-key.js';
import { tooManyRequests } from '../auth/auth.errors.js';
import { APP_CONFIG, type AppConfig } from '../config/app.config.js';

/** How often the keys of open live feeds are looked up again: a revoked key's feeds close within it. */
export const REVOCATION_CHECK_MS = 500;
/** Retry-After for a key that holds all the live feeds it may. */
const FEED_CAP_RETRY_SECONDS = 5;

/**
 * The open live feeds, by the API key that opened each:
 *
 * - at most LIVE_FEEDS_PER_KEY at once per key on this instance (the next is 429);
 * - a feed carries an event only after its key was found live in the database after that
 *   event was committed, so a revoked key receives nothing written after the revocation,
 *   whichever instance or process revoked it;
 * - every REVOCATION_CHECK_MS the keys of the open feeds are looked up, and a revoked key's
 *   feeds are ended even when nothing is being written;
 * - every feed ends when the application shuts down (the HTTP server waits for open
 *   responses before it closes, and a live feed never ends by itself).
 */
export interface LiveTicket {
  gate<E>(events: Observable<E>): Observable<E>;
  hold<M>(messages: Observable<M>): Observable<M>;
}

@Injectable()
export class LiveConnections implements BeforeApplicationShutdown {
  private readonly closing = new ReplaySubject<void>(1);
  readonly closing$ = this.closing.asObservable();
  private readonly feeds = new Map<string, Set<Subject<void>>>();
  private readonly checks = new Map<string, Promise<boolean>>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(API_KEY_STORE) private readonly keys: ApiKeyStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * A feed for `keyId`, counted from now: throws 429 when the key already holds its share.
   * `gate` passes events only while the key is live; `hold` ends the feed's messages when the key
   * is revoked or the application stops, and gives the slot back when they end. Call it once the
   * request is known to be good, and `hold` the observable that is returned to the client.
   */
  admit(keyId: string): LiveTicket {
    const mine = this.feeds.get(keyId) ?? new Set<Subject<void>>();
    if (mine.size >= this.config.liveFeedsPerKey) {
      throw tooManyRequests(
        FEED_CAP_RETRY_SECONDS,
        `This key already holds ${mine.size} live feeds open (LIVE_FEEDS_PER_KEY); close one first`,
      );
    }
    const revoked = new Subject<void>();
    mine.add(revoked);
    this.feeds.set(keyId, mine);
    this.timer ??= setInterval(() => void this.checkOpenFeeds(), REVOCATION_CHECK_MS).unref();
    const release = () => {
      mine.delete(revoked);
      if (mine.size === 0 && this.feeds.get(keyId) === mine) this.feeds.delete(keyId);
      if (this.feeds.size === 0) this.stopChecking();
    };
    return {
      gate: (events) =>
        events.pipe(
          concatMap((e) => from(this.isLive(keyId)).pipe(map((live) => ({ e, live })))),
          takeWhile(({ live }) => live),
          map(({ e }) => e),
        ),
      hold: (messages) => messages.pipe(takeUntil(merge(this.closing$, revoked)), finalize(release)),
    };
  }

  beforeApplicationShutdown(): void {
    this.stopChecking();
    this.closing.next();
    this.closing.complete();
  }

  /**
   * Whether the key is live now. The events of one commit reach every feed in the same turn of
   * the event loop, after the commit: one look-up per key serves that turn, and only that turn.
   */
  private isLive(keyId: string): Promise<boolean> {
    let check = this.checks.get(keyId);
    if (!check) {
      check = this.keys.liveKeyIds([keyId]).then(
        (live) => live.has(keyId),
        () => false,
      );
      this.checks.set(keyId, check);
      setImmediate(() => this.checks.delete(keyId));
      void check.then((live) => live || this.end(keyId));
    }
    return check;
  }

  private async checkOpenFeeds(): Promise<void> {
    const ids = [...this.feeds.keys()];
    if (ids.length === 0) return;
    let live: Set<string>;
    try {
      live = await this.keys.liveKeyIds(ids);
    } catch {
      return; // The database did not answer: the next check tries again; events stay gated meanwhile.
    }
    for (const id of ids) if (!live.has(id)) this.end(id);
  }

  private end(keyId: string): void {
    for (const revoked of this.feeds.get(keyId) ?? []) revoked.next();
  }

  private stopChecking(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
