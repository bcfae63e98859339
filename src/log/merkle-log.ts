import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import type { KeyObject } from 'node:crypto';
import { CLOCK, type Clock } from '../clock.js';
import { APP_CONFIG, type AppConfig } from '../config/app.config.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port.js';
import { loadSigningKey } from './log-key.js';
import { LOG_STORE, type LogStore, type StoredCheckpoint } from './log-store.port.js';
import { rootOfRow } from './log-tree.js';
import { LogProofs, type InclusionProof } from './log-proofs.js';
import { checkpointText, signNote, vkeyOf } from './signed-note.js';

/**
 * The signed Merkle log over every event (RFC 9162 tree, C2SP checkpoints): signs checkpoints of the
 * tree the appends keep, keeps every one, and answers inclusion and consistency proofs. The key is
 * a file, never in the database; without it (a database that has checkpoints but lost its key)
 * the log is read-only and says so at start. A checkpoint is signed after commits, at most once a
 * second (the first commit after a quiet second is signed at once), and whenever one is asked for.
 */
@Injectable()
export class MerkleLog implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('MerkleLog');
  private key: KeyObject | undefined;
  private readonly proofs: LogProofs;
  private commits: Subscription | undefined;
  private timer: NodeJS.Timeout | undefined;
  private signing: Promise<unknown> = Promise.resolve();
  private lastSigned = -Infinity;

  constructor(
    @Inject(LOG_STORE) private readonly store: LogStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(EVENT_STORE) private readonly events: EventStore,
  ) {
    this.proofs = new LogProofs(store);
  }

  async onModuleInit(): Promise<void> {
    const signed = (await this.store.latestCheckpoint()) !== undefined;
    const loaded = loadSigningKey(this.config.logSigningKeyFile, !signed);
    this.key = loaded.key;
    if (!loaded.key) {
      this.logger.warn(
        `The log is read-only: ${loaded.why}. No new checkpoint is signed; its checkpoints and proofs still answer.`,
      );
      return;
    }
    this.commits = this.events.appended$.subscribe(() => this.signSoon());
  }

  async onModuleDestroy(): Promise<void> {
    this.commits?.unsubscribe();
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.signing;
  }

  /** After a commit: one checkpoint for everything committed within the same second. */
  private signSoon(): void {
    if (this.timer || !this.commits || this.commits.closed) return;
    const wait = Math.max(0, this.lastSigned + 1000 - performance.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.lastSigned = performance.now();
      this.signing = this.checkpoint().catch((error: unknown) =>
        this.logger.warn(`No checkpoint after the last commits: ${(error as Error).message}`),
      );
    }, wait);
    this.timer.unref();
  }

  get origin(): string {
    return this.config.logOrigin;
  }

  /** The verifier key line (c2sp.org/signed-note), or undefined for a read-only log. */
  vkey(): string | undefined {
    return this.key ? vkeyOf(this.origin, this.key) : undefined;
  }

  /** The checkpoint of the tree as it stands: signed now when the tree has grown since the last one. */
  async checkpoint(): Promise<StoredCheckpoint | undefined> {
    const [latest, tree] = await Promise.all([this.store.latestCheckpoint(), this.store.tree()]);
    const size = tree?.size ?? 0;
    if ((latest && latest.treeSize >= size) || !this.key) return latest;
    const rootHash = rootOfRow(tree);
    const note = signNote(
      checkpointText({ origin: this.origin, treeSize: size, rootHash }),
      this.origin,
      this.key,
    );
    await this.store.saveCheckpoint({
      treeSize: size,
      rootHash: rootHash.toString('base64'),
      note,
      createdAt: this.clock.now().toISOString(),
    });
    return this.store.latestCheckpoint();
  }

  checkpoints(afterSize: number, limit: number): Promise<StoredCheckpoint[]> {
    return this.store.checkpoints(afterSize, limit);
  }

  /** RFC 9162 §2.1.3: the proof that the event at `position` is in the tree of `treeSize`. */
  inclusion(position: number, treeSize: number): Promise<InclusionProof> {
    return this.proofs.inclusion(position, treeSize);
  }

  /** Proofs of many events in the tree of `treeSize`, the tree checked once. */
  prover(treeSize: number): Promise<(position: number) => Promise<InclusionProof>> {
    return this.proofs.prover(treeSize, 'treeSize');
  }

  /** RFC 9162 §2.1.4: the proof that the tree of `from` is a prefix of the tree of `to`. */
  consistency(from: number, to: number): Promise<{ from: number; to: number; hashes: string[] }> {
    return this.proofs.consistency(from, to);
  }
}
