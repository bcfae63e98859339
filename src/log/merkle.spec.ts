import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import {
  CompactRange,
  consistencyPath,
  consistencyProof,
  inclusionPath,
  nodesRead,
  postorderOf,
  type StoredNode,
  EMPTY_ROOT,
  inclusionProof,
  leafHash,
  rootOf,
  verifyConsistency,
  verifyInclusion,
  type Hash,
} from './merkle.js';

/*
 * The test vectors of RFC 6962 / 9162 as the Certificate Transparency projects publish them
 * (certificate-transparency-go and Trillian, merkle/log_verifier_test.go): eight leaves, the roots
 * of the trees of their first 1…8, and known inclusion and consistency proofs.
 */
const LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map((h) => leafHash(Buffer.from(h, 'hex')));
const ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const INCLUSION: [index: number, size: number, proof: string[]][] = [
  [
    0,
    8,
    [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  ],
  [
    5,
    8,
    [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
  [2, 3, ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125']],
  [
    1,
    5,
    [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  ],
];
const CONSISTENCY: [first: number, second: number, proof: string[]][] = [
  [
    1,
    8,
    [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  ],
  [
    6,
    8,
    [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
  [
    2,
    5,
    [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  ],
];
const hex = (hashes: readonly Hash[]) => hashes.map((h) => h.toString('hex'));
const unhex = (hashes: readonly string[]) => hashes.map((h) => Buffer.from(h, 'hex'));
const root = (n: number) => Buffer.from(ROOTS[n - 1]!, 'hex');

describe('the RFC 9162 Merkle tree, against the published vectors', () => {
  it('the empty tree is SHA-256 of nothing', () => {
    expect(EMPTY_ROOT.toString('hex')).toBe(createHash('sha256').digest('hex'));
  });

  it('gives the published root for the trees of 1 to 8 leaves, at once and appended one by one', () => {
    const range = CompactRange.empty();
    for (let n = 1; n <= 8; n++) {
      expect(rootOf(LEAVES.slice(0, n)).toString('hex')).toBe(ROOTS[n - 1]);
      range.append(LEAVES[n - 1]!);
      expect(range.root().toString('hex')).toBe(ROOTS[n - 1]);
      expect(CompactRange.of(n, range.peaksOf()).root().equals(range.root())).toBe(true);
    }
  });

  it.each(INCLUSION)(
    'inclusion of leaf %i in the tree of %i: the published proof, and it verifies',
    (index, size, proof) => {
      expect(hex(inclusionProof(index, LEAVES.slice(0, size)))).toEqual(proof);
      expect(verifyInclusion(index, size, LEAVES[index]!, unhex(proof), root(size))).toBe(true);
      expect(verifyInclusion(index + 1, size, LEAVES[index]!, unhex(proof), root(size))).toBe(false);
      expect(verifyInclusion(index, size * 2, LEAVES[index]!, unhex(proof), root(size))).toBe(false);
      expect(verifyInclusion(index, size, LEAVES[index]!, [...unhex(proof), EMPTY_ROOT], root(size))).toBe(
        false,
      );
      expect(verifyInclusion(index, size, EMPTY_ROOT, unhex(proof), root(size))).toBe(false);
    },
  );

  it.each(CONSISTENCY)(
    'consistency of %i with %i: the published proof, and it verifies',
    (first, second, proof) => {
      expect(hex(consistencyProof(first, LEAVES.slice(0, second)))).toEqual(proof);
      expect(verifyConsistency(first, second, root(first), root(second), unhex(proof))).toBe(true);
      expect(verifyConsistency(first, second, root(second), root(first), unhex(proof))).toBe(false);
      expect(verifyConsistency(first, second, root(first), root(second), unhex(proof).slice(1))).toBe(false);
      expect(verifyConsistency(first, second, root(first), root(second), [])).toBe(false);
      expect(verifyConsistency(second, first, root(second), root(first), unhex(proof))).toBe(false);
    },
  );

  it('proves every leaf of every tree up to 200 leaves, and random pairs of sizes consistent', () => {
    const leaves = Array.from({ length: 200 }, (_, i) => leafHash(Buffer.from(`event ${i}`)));
    const range = CompactRange.empty();
    let seed = 20261207;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let n = 1; n <= 200; n++) {
      range.append(leaves[n - 1]!);
      const tree = leaves.slice(0, n);
      const r = rootOf(tree);
      expect(range.root().equals(r)).toBe(true);
      for (const i of [0, n - 1, next() % n]) {
        expect(verifyInclusion(i, n, leaves[i]!, inclusionProof(i, tree), r)).toBe(true);
      }
      const m = 1 + (next() % n);
      expect(verifyConsistency(m, n, rootOf(leaves.slice(0, m)), r, consistencyProof(m, tree))).toBe(true);
      if (m < n) {
        // A log that rewrote leaf m-1 is not consistent with what it showed at size m.
        const forked = [...tree];
        forked[m - 1] = leafHash(Buffer.from('rewritten'));
        expect(
          verifyConsistency(m, n, rootOf(leaves.slice(0, m)), rootOf(forked), consistencyProof(m, forked)),
        ).toBe(false);
      }
    }
  });

  it('answers the same proofs from the perfect subtrees the appends keep, reading O(log n) of them', () => {
    const leaves = Array.from({ length: 300 }, (_, i) => leafHash(Buffer.from(`leaf ${i}`)));
    const range = CompactRange.empty();
    const kept = new Map<string, Hash>();
    const made: StoredNode[] = leaves.flatMap((leaf) => range.append(leaf));
    for (const n of made) kept.set(`${n.level}/${n.index}`, n.hash);
    // Numbered in the order the appends complete them.
    expect(made.map(postorderOf)).toEqual(made.map((_, i) => i));
    // Every perfect subtree once: 300 leaves, 150 pairs, 75, 37, 18, 9, 4, 2, 1.
    expect(made).toHaveLength(300 + 150 + 75 + 37 + 18 + 9 + 4 + 2 + 1);
    const reader = (level: number, index: number) => {
      const hash = kept.get(`${level}/${index}`);
      if (!hash) throw new Error(`not kept: ${level}/${index}`);
      return hash;
    };
    for (const [index, size] of [
      [0, 1],
      [5, 6],
      [130, 300],
      [299, 300],
      [64, 129],
    ] as const) {
      expect(hex(inclusionPath(index, size, reader))).toEqual(
        hex(inclusionProof(index, leaves.slice(0, size))),
      );
      expect(nodesRead((node) => inclusionPath(index, size, node)).length).toBeLessThanOrEqual(
        2 * Math.ceil(Math.log2(size + 1)) ** 2,
      );
    }
    for (const [m, size] of [
      [1, 300],
      [7, 8],
      [129, 300],
      [256, 300],
    ] as const) {
      expect(hex(consistencyPath(m, size, reader))).toEqual(hex(consistencyProof(m, leaves.slice(0, size))));
    }
  });
});
