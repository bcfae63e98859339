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
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH(D[n]) from the leaf hashes. */
export function rootOf(leaves: readonly Hash[]): Hash {
  if (leaves.length === 0) return EMPTY_ROOT;
  if (leaves.length === 1) return leaves[0]!;
  const k = split(leaves.length);
  return nodeHash(rootOf(leaves.slice(0, k)), rootOf(leaves.slice(k)));
}

/** PATH(m, D[n]): the inclusion proof of leaf `index` in the tree of `leaves` (RFC 9162 §2.1.3.1). */
export function inclusionProof(index: number, leaves: readonly Hash[]): Hash[] {
  if (index < 0 || index >= leaves.length)
    throw new RangeError(`no leaf ${index} in a tree of ${leaves.length}`);
  if (leaves.length === 1) return [];
  const k = split(leaves.length);
  return index < k
    ? [...inclusionProof(index, leaves.slice(0, k)), rootOf(leaves.slice(k))]
    : [...inclusionProof(index - k, leaves.slice(k)), rootOf(leaves.slice(0, k))];
}

/** PROOF(m, D[n]): the consistency proof from the tree of the first `m` leaves (RFC 9162 §2.1.4.1). */
export function consistencyProof(m: number, leaves: readonly Hash[]): Hash[] {
  if (m < 0 || m > leaves.length) throw new RangeError(`no tree of ${m} within ${leaves.length}`);
  if (m === 0 || m === leaves.length) return [];
  return subproof(m, leaves, true);
}

function subproof(m: number, leaves: readonly Hash[], whole: boolean): Hash[] {
  if (m === leaves.length) return whole ? [] : [rootOf(leaves)];
  const k = split(leaves.length);
  return m <= k
    ? [...subproof(m, leaves.slice(0, k), whole), rootOf(leaves.slice(k))]
    : [...subproof(m - k, leaves.slice(k), false), rootOf(leaves.slice(0, k))];
}

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

  append(leaf: Hash): void {
    let hash = leaf;
    // Each trailing 1 bit of the old size is a peak of the new leaf's size, merged into it.
    for (let s = this.size; s % 2 === 1; s = Math.floor(s / 2)) hash = nodeHash(this.peaks.pop()!, hash);
    this.peaks.push(hash);
    this.size++;
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
