import { ChainVerifier } from '../event-store/hashing.js';
import type { LogStore } from './log-store.port.js';
import { leafOfEvent } from './log-tree.js';
import { nodeHash, nodesRead, rangeHash, readerOf, split, verifyInclusion, type Hash } from './merkle.js';
import type { Checkpoint } from './signed-note.js';

/**
 * The first leaf (a position) where the events disagree with a checkpoint's root, found by walking
 * down the log's kept subtrees from the root: each step checks that the two kept halves hash to the
 * node above, which the signed root vouches for, and goes into the first half the events no longer
 * reproduce. Undefined when the kept subtrees do not vouch for themselves (rewritten or missing too):
 * then the checkpoint still fails, but no single position can be named.
 */
export async function firstDisagreement(
  leaves: readonly Hash[],
  root: Hash,
  store: LogStore,
): Promise<number | undefined> {
  const computed = readerOf(leaves);
  const kept = async (start: number, end: number): Promise<Hash | undefined> => {
    const ids = nodesRead((node) => rangeHash(start, end, node));
    const found = await store.nodes(ids);
    if (ids.some(({ level, index }) => !found.has(`${level}/${index}`))) return undefined;
    return rangeHash(start, end, (level, index) => found.get(`${level}/${index}`)!);
  };
  let [start, end, expected] = [0, leaves.length, root];
  if (rangeHash(start, end, computed).equals(expected)) return undefined;
  while (end - start > 1) {
    const k = split(end - start);
    const [left, right] = [await kept(start, start + k), await kept(start + k, end)];
    if (!left || !right || !nodeHash(left, right).equals(expected)) return undefined;
    if (!rangeHash(start, start + k, computed).equals(left)) [end, expected] = [start + k, left];
    else [start, expected] = [start + k, right];
  }
  return start + 1;
}

/** An event as exports and proof bundles carry it (GET …/events?format=ndjson&proofs=N). */
export interface ExportedEvent {
  position: number;
  agreementId: string;
  version: number;
  eventId: string;
  type: string;
  schemaVersion: number;
  occurredOn: string;
  recordedAt: string;
  data: unknown;
  metadata: unknown;
  prevHash: string;
  hash: string;
  proof?: { leafIndex: number; treeSize: number; hashes: string[] };
}

export interface ExportCheck {
  problems: string[];
  /** Events proven in the checkpoint's tree. */
  proven: number;
  /** Events recorded after the checkpoint: nothing to prove them against. */
  after: number;
}

/**
 * Checks an exported stream against a checkpoint opened with a trusted key: the stream's hash chain
 * from its first event, and each event's inclusion proof against the checkpoint's root. Problems
 * name the position.
 */
export function checkExport(events: readonly ExportedEvent[], checkpoint: Checkpoint): ExportCheck {
  const problems: string[] = [];
  const chain = new ChainVerifier();
  let [proven, after] = [0, 0];
  const sorted = [...events].sort((a, b) => a.version - b.version);
  for (const e of sorted) {
    if (!chain.add({ ...e, streamId: e.agreementId }) && chain.result().firstInvalidPosition === e.position) {
      problems.push(`position ${e.position}: the event (version ${e.version}) does not match its hash chain`);
    }
    if (e.position > checkpoint.treeSize) {
      after++;
      continue;
    }
    const proof = e.proof;
    if (!proof) {
      problems.push(`position ${e.position}: no inclusion proof (export with proofs=${checkpoint.treeSize})`);
      continue;
    }
    if (proof.treeSize !== checkpoint.treeSize) {
      problems.push(
        `position ${e.position}: the proof is for a tree of ${proof.treeSize} events, the checkpoint for ` +
          `${checkpoint.treeSize} (export with proofs=${checkpoint.treeSize})`,
      );
      continue;
    }
    const hashes = proof.hashes.map((h) => Buffer.from(h, 'base64'));
    const leaf = /^[0-9a-f]{64}$/.test(e.hash) ? leafOfEvent(e.hash) : Buffer.alloc(0);
    if (!verifyInclusion(e.position - 1, checkpoint.treeSize, leaf, hashes, checkpoint.rootHash)) {
      problems.push(
        `position ${e.position}: the event is not the one the checkpoint's log holds at that position`,
      );
      continue;
    }
    proven++;
  }
  if (sorted.length === 0) problems.push('the export holds no events');
  return { problems, proven, after };
}
