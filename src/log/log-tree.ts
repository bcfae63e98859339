import { CompactRange, leafHash, type StoredNode } from './merkle.js';

/**
 * The log's tree as the append transaction keeps it: its size and the roots of its perfect subtrees
 * (base64, largest first). The leaf of an event is its stored chain hash as 32 raw bytes, its index
 * position − 1 (RFC 9162 §2.1, tree size = number of events).
 */
export interface TreeRow {
  size: number;
  peaks: string;
}

export const leafOfEvent = (hash: string): Buffer => leafHash(Buffer.from(hash, 'hex'));

/** The compact range a row stores. */
const rangeOf = (row: TreeRow | undefined): CompactRange =>
  row
    ? CompactRange.of(
        row.size,
        (JSON.parse(row.peaks) as string[]).map((p) => Buffer.from(p, 'base64')),
      )
    : CompactRange.empty();

/**
 * The row after appending events, in position order, and the perfect subtrees they complete (kept
 * in `log_nodes`, so that proofs read O(log n) nodes and a rewrite can be found leaf by leaf). Events the tree has not seen yet before them
 * (an existing store when the log was added) are read with `earlier(from, to)` (hashes of positions
 * from…to, in order). A position out of step is an error: the tree must never skip or repeat a leaf.
 */
export function extendTree(
  row: TreeRow | undefined,
  events: readonly { position: number; hash: string }[],
  earlier: (from: number, to: number) => readonly string[],
): { row: TreeRow; nodes: StoredNode[] } {
  const range = rangeOf(row);
  const nodes: StoredNode[] = [];
  const first = events[0]?.position;
  if (first !== undefined && first > range.treeSize + 1) {
    const missing = earlier(range.treeSize + 1, first - 1);
    if (missing.length !== first - 1 - range.treeSize)
      throw new Error(`the log tree cannot catch up to position ${first - 1}`);
    for (const hash of missing) nodes.push(...range.append(leafOfEvent(hash)));
  }
  for (const e of events) {
    if (e.position !== range.treeSize + 1) {
      throw new Error(`the log tree is at ${range.treeSize}: position ${e.position} is out of step`);
    }
    nodes.push(...range.append(leafOfEvent(e.hash)));
  }
  const peaks = JSON.stringify(range.peaksOf().map((p) => p.toString('base64')));
  return { row: { size: range.treeSize, peaks }, nodes };
}

/** The root of the tree a row describes. */
export const rootOfRow = (row: TreeRow | undefined): Buffer => rangeOf(row).root();
