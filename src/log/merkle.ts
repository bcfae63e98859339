import { createHash } from 'node:crypto';

/**
 * The Merkle tree of RFC 9162 §2.1 (as RFC 6962 before it), over leaves given as their leaf hashes:
 * leaf hash SHA-256(0x00 ‖ leaf), interior SHA-256(0x01 ‖ left ‖ right), the empty tree SHA-256().
 * Pure; small enough to read against the RFC, and checked against its published test vectors.
 */

export type Hash = Buffer;

const sha256 = (...parts: Buffer[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};

export const EMPTY_ROOT: Hash = sha256();
export const leafHash = (leaf: Buffer): Hash => sha256(Buffer.from([0]), leaf);
export const nodeHash = (left: Hash, right: Hash): Hash => sha256(Buffer.from([1]), left, right);

/** The largest power of two smaller than n (n > 1). */
export function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * A perfect subtree of the log: the 2^level leaves from leaf index·2^level. Every subtree a proof
 * names is either one of these or splits into them (RFC 9162's k is always a power of two), so a
 * log that keeps them answers any proof in O(log n) of them.
 */
export interface NodeId {
  level: number;
  index: number;
}
export type StoredNode = NodeId & { hash: Hash };
const popcount = (n: number) => {
  let count = 0;
  for (let v = n; v > 0; v = Math.floor(v / 2)) count += v % 2;
  return count;
};

/**
 * A perfect subtree's number in the order appends complete them (post-order): the append of leaf i
 * completes the leaf, then each parent its trailing one bits close. Kept under this number, a log's
 * subtrees are written at the end of one index, never in the middle of many.
 */
export function postorderOf({ level, index }: NodeId): number {
  const lastLeaf = (index + 1) * 2 ** level - 1;
  return 2 * lastLeaf - popcount(lastLeaf) + level;
}

/** The hash of a perfect subtree. */
export type NodeReader = (level: number, index: number) => Hash;

const isPowerOfTwo = (n: number) => n > 0 && Number.isInteger(Math.log2(n));

/** MTH of the leaves [start, end), where start is where RFC 9162's splits put a subtree. */
export function rangeHash(start: number, end: number, node: NodeReader): Hash {
  const n = end - start;
  if (n === 0) return EMPTY_ROOT;
  if (isPowerOfTwo(n) && start % n === 0) return node(Math.log2(n), start / n);
  const k = split(n);
  return nodeHash(rangeHash(start, start + k, node), rangeHash(start + k, end, node));
}

/** PATH(m, D[n]) (RFC 9162 §2.1.3.1) for leaf `index` of the tree of `size`. */
export function inclusionPath(index: number, size: number, node: NodeReader): Hash[] {
  if (!Number.isSafeInteger(index) || index < 0 || index >= size)
    throw new RangeError(`no leaf ${index} in a tree of ${size}`);
  const path = (start: number, end: number): Hash[] => {
    if (end - start === 1) return [];
    const k = split(end - start);
    return index < start + k
      ? [...path(start, start + k), rangeHash(start + k, end, node)]
      : [...path(start + k, end), rangeHash(start, start + k, node)];
  };
  return path(0, size);
}

/** PROOF(m, D[n]) (RFC 9162 §2.1.4.1): from the tree of the first `m` leaves to the one of `size`. */
export function consistencyPath(m: number, size: number, node: NodeReader): Hash[] {
  if (!Number.isSafeInteger(m) || m < 0 || m > size) throw new RangeError(`no tree of ${m} within ${size}`);
  if (m === 0 || m === size) return [];
  const sub = (m: number, start: number, end: number, whole: boolean): Hash[] => {
    if (m === end - start) return whole ? [] : [rangeHash(start, end, node)];
    const k = split(end - start);
    return m <= k
      ? [...sub(m, start, start + k, whole), rangeHash(start + k, end, node)]
      : [...sub(m - k, start + k, end, false), rangeHash(start, start + k, node)];
  };
  return sub(m, 0, size, true);
}

/**
 * The nodes a computation reads, found by running it once with placeholders: the control flow of
 * the proofs depends only on the sizes, never on the hashes. Lets a store fetch them in one query.
 */
export function nodesRead(compute: (node: NodeReader) => unknown): NodeId[] {
  const ids = new Map<string, NodeId>();
  compute((level, index) => {
    ids.set(`${level}/${index}`, { level, index });
    return EMPTY_ROOT;
  });
  return [...ids.values()];
}

/** Every perfect subtree of the given leaf hashes, level by level: a reader for proofs in memory. */
export function readerOf(leaves: readonly Hash[]): NodeReader {
  const levels: Hash[][] = [[...leaves]];
  for (let below = levels[0]!; below.length > 1;) {
    const up: Hash[] = [];
    for (let i = 0; i + 1 < below.length; i += 2) up.push(nodeHash(below[i]!, below[i + 1]!));
    levels.push(up);
    below = up;
  }
  return (level, index) => {
    const hash = levels[level]?.[index];
    if (!hash) throw new RangeError(`no perfect subtree ${level}/${index} in a tree of ${leaves.length}`);
    return hash;
  };
}

/** MTH(D[n]) from the leaf hashes. */
export const rootOf = (leaves: readonly Hash[]): Hash => rangeHash(0, leaves.length, readerOf(leaves));

/** PATH(m, D[n]): the inclusion proof of leaf `index` in the tree of `leaves` (RFC 9162 §2.1.3.1). */
export const inclusionProof = (index: number, leaves: readonly Hash[]): Hash[] =>
  inclusionPath(index, leaves.length, readerOf(leaves));

/** PROOF(m, D[n]): the consistency proof from the tree of the first `m` leaves (RFC 9162 §2.1.4.1). */
export const consistencyProof = (m: number, leaves: readonly Hash[]): Hash[] =>
  consistencyPath(m, leaves.length, readerOf(leaves));

/** RFC 9162 §2.1.3.2: does `proof` show leaf `index` (its leaf hash) in the tree of `size` with `root`? */
export function verifyInclusion(
  index: number,
  size: number,
  leaf: Hash,
  proof: readonly Hash[],
  root: Hash,
): boolean {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.equals(root);
}

/** RFC 9162 §2.1.4.2: does `proof` show the tree of `first` leaves (`firstRoot`) is a prefix of the one of `second`? */
export function verifyConsistency(
  first: number,
  second: number,
  firstRoot: Hash,
  secondRoot: Hash,
  proof: readonly Hash[],
): boolean {
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(second) || first < 0 || first > second)
    return false;
  if (first === 0) return proof.length === 0;
  if (first === second) return proof.length === 0 && firstRoot.equals(secondRoot);
  if (proof.length === 0) return false;
  const path = (first & (first - 1)) === 0 ? [firstRoot, ...proof] : [...proof];
  let fn = first - 1;
  let sn = second - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && fr.equals(firstRoot) && sr.equals(secondRoot);
}

/**
 * The right edge of the tree: the roots of its perfect subtrees, largest first (one per bit set in
 * the size). Appending a leaf merges equal-sized subtrees: O(log n) per leaf, no recomputation; the
 * root folds them from the smallest. What an append keeps between commits.
 */
export class CompactRange {
  private constructor(
    private size: number,
    private readonly peaks: Hash[],
  ) {}

  static empty(): CompactRange {
    return new CompactRange(0, []);
  }

  /** From a stored size and its peaks (as `peaks()` gave them). */
  static of(size: number, peaks: readonly Hash[]): CompactRange {
    const expected = size.toString(2).replace(/0/g, '').length;
    if (peaks.length !== expected)
      throw new Error(`a tree of ${size} has ${expected} peaks, not ${peaks.length}`);
    return new CompactRange(size, [...peaks]);
  }

  get treeSize(): number {
    return this.size;
  }

  /** Adds a leaf hash; returns the perfect subtrees it completes (the leaf itself first). */
  append(leaf: Hash): StoredNode[] {
    const index = this.size;
    const made: StoredNode[] = [{ level: 0, index, hash: leaf }];
    let hash = leaf;
    // Each trailing 1 bit of the old size is a peak of the new leaf's size, merged into it.
    for (let s = index, level = 1; s % 2 === 1; s = Math.floor(s / 2), level++) {
      hash = nodeHash(this.peaks.pop()!, hash);
      made.push({ level, index: Math.floor(index / 2 ** level), hash });
    }
    this.peaks.push(hash);
    this.size++;
    return made;
  }

  peaksOf(): Hash[] {
    return [...this.peaks];
  }

  root(): Hash {
    if (this.peaks.length === 0) return EMPTY_ROOT;
    let root = this.peaks[this.peaks.length - 1]!;
    for (let i = this.peaks.length - 2; i >= 0; i--) root = nodeHash(this.peaks[i]!, root);
    return root;
  }
}
