import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { KeyObject } from 'node:crypto';
import { CLOCK, type Clock } from '../clock.js';
import { APP_CONFIG, type AppConfig } from '../config/app.config.js';
import { loadSigningKey } from './log-key.js';
import { LOG_STORE, type LogStore, type StoredCheckpoint } from './log-store.port.js';
import { rootOfRow } from './log-tree.js';
import { LogProofs, type InclusionProof } from './log-proofs.js';
import { checkpointText, signNote, vkeyOf } from './signed-note.js';

/**
 * The signed Merkle log over every event (RFC 9162 tree, C2SP checkpoints): signs checkpoints of the
 * tree the appends keep, keeps every one, and answers inclusion and consistency proofs. The key is
 * a file, never in the database; without it (a database that has checkpoints but lost its key)
 * the log is read-only and says so at start.
 */
@Injectable()
export class MerkleLog implements OnModuleInit {
  private readonly logger = new Logger('MerkleLog');
  private key: KeyObject | undefined;
  private readonly proofs: LogProofs;

  constructor(
    @Inject(LOG_STORE) private readonly store: LogStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
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
    }
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

  /** RFC 9162 §2.1.4: the proof that the tree of `from` is a prefix of the tree of `to`. */
  consistency(from: number, to: number): Promise<{ from: number; to: number; hashes: string[] }> {
    return this.proofs.consistency(from, to);
  }
}
