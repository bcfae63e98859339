import type { LogStore } from './log-store.port.js';
import { leafOfEvent } from './log-tree.js';
import { consistencyPath, inclusionPath, nodesRead, rootOf, type Hash, type NodeReader } from './merkle.js';

/** A proof asked of a tree the log does not (yet) have: the caller names the field. */
export class ProofOutOfRange extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'ProofOutOfRange';
  }
}

export interface InclusionProof {
  leafIndex: number;
  treeSize: number;
  hashes: string[];
}

/**
 * The log's proofs (RFC 9162 §2.1.3, §2.1.4), read from its store: no key needed, so an export can
 * carry them as well as the log's own routes.
 */
export class LogProofs {
  constructor(private readonly store: LogStore) {}

  /** Refuses a tree larger than the log, naming the field that asked for it. */
  private async holds(size: number, field: string): Promise<void> {
    const tree = await this.store.tree();
    if (size > (tree?.size ?? 0)) {
      throw new ProofOutOfRange(field, `the log holds ${tree?.size ?? 0} events, not ${size}`);
    }
  }

  /** The proof that the event at `position` is in the tree of `treeSize`. */
  async inclusion(position: number, treeSize: number): Promise<InclusionProof> {
    return (await this.prover(treeSize, 'treeSize'))(position);
  }

  /**
   * Proofs of many events in one tree (an export, a bundle): the tree is checked against the log once,
   * `field` naming what asked for it.
   */
  async prover(treeSize: number, field: string): Promise<(position: number) => Promise<InclusionProof>> {
    await this.holds(treeSize, field);
    return (position) => this.path(position, treeSize);
  }

  private async path(position: number, treeSize: number): Promise<InclusionProof> {
    if (position > treeSize)
      throw new ProofOutOfRange('position', `position ${position} is not in a tree of ${treeSize}`);
    const proof = await this.fromNodes((node) => inclusionPath(position - 1, treeSize, node));
    return { leafIndex: position - 1, treeSize, hashes: proof.map((h) => h.toString('base64')) };
  }

  /** The proof that the tree of `from` is a prefix of the tree of `to`. */
  async consistency(from: number, to: number): Promise<{ from: number; to: number; hashes: string[] }> {
    if (from > to) throw new ProofOutOfRange('from', `from (${from}) must not be above to (${to})`);
    await this.holds(to, 'to');
    const proof = await this.fromNodes((node) => consistencyPath(from, to, node));
    return { from, to, hashes: proof.map((h) => h.toString('base64')) };
  }

  /**
   * Runs a proof over the kept subtrees: O(log n) of them, read in one query. A subtree the log
   * kept no node for (events appended before the node table) is computed from the events' hashes.
   */
  private async fromNodes<T>(compute: (node: NodeReader) => T): Promise<T> {
    const ids = nodesRead(compute);
    const kept = await this.store.nodes(ids);
    for (const { level, index } of ids) {
      const key = `${level}/${index}`;
      if (kept.has(key)) continue;
      const hashes = await this.store.eventHashes(index * 2 ** level + 1, (index + 1) * 2 ** level);
      kept.set(key, rootOf(hashes.map(leafOfEvent)));
    }
    return compute((level, index) => kept.get(`${level}/${index}`) as Hash);
  }
}
