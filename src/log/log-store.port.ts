import type { TreeRow } from './log-tree.js';
import type { NodeId } from './merkle.js';

export interface StoredCheckpoint {
  treeSize: number;
  /** The signed note (c2sp.org/signed-note holding a c2sp.org/tlog-checkpoint). */
  note: string;
  createdAt: string;
}

/** What the Merkle log reads and keeps, behind each database's seam. */
export interface LogStore {
  /** The tree the appends keep (undefined before the first event). */
  tree(): Promise<TreeRow | undefined>;
  /** The kept perfect subtrees asked for, by `level/index` (a log older than the node table lacks some). */
  nodes(ids: readonly NodeId[]): Promise<Map<string, Buffer>>;
  /** The chain hashes (hex) of the events at positions from…to, in order: the leaves. */
  eventHashes(from: number, to: number): Promise<string[]>;
  latestCheckpoint(): Promise<StoredCheckpoint | undefined>;
  checkpoints(afterSize: number, limit: number): Promise<StoredCheckpoint[]>;
  /** Keeps a checkpoint; one per tree size (a second for the same size is ignored). */
  saveCheckpoint(checkpoint: StoredCheckpoint & { rootHash: string }): Promise<void>;
}

export const LOG_STORE = Symbol('LogStore');
