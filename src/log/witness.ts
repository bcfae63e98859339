import type { KeyObject } from 'node:crypto';
import { verifyConsistency } from './merkle.js';
import { cosignNote, NoteError, openNote, parseCheckpoint, type Verifier } from './signed-note.js';

/** A checkpoint the witness verified and keeps (cosigned when the witness has a key). */
export interface AcceptedCheckpoint {
  treeSize: number;
  rootHash: string;
  note: string;
  acceptedAt: string;
}

/** The witness's state file: the log it watches and the chain of checkpoints it accepted, oldest first. */
export interface WitnessState {
  log: string;
  accepted: AcceptedCheckpoint[];
}

/** What the witness reads from the log. */
export interface WitnessedLog {
  checkpoint(): Promise<string>;
  /** The RFC 9162 consistency proof (base64 hashes) from the tree of `from` to the tree of `to`. */
  consistency(from: number, to: number): Promise<string[]>;
}

/** The log showed something that contradicts what the witness accepted before: it must stop and say so. */
export class Inconsistency extends Error {
  override name = 'Inconsistency';
}

export interface Cosigner {
  name: string;
  key: KeyObject;
}

/**
 * One look at the log: its latest checkpoint must carry the log's signature and be consistent with
 * the last one accepted (never smaller; the same size only with the same root; a larger tree only
 * with a consistency proof that verifies). Returns the checkpoint accepted, or undefined when the log
 * has not grown; throws Inconsistency otherwise. The first look trusts what it sees (the witness
 * starts somewhere), as every witness does.
 */
export async function witness(
  state: WitnessState,
  logKey: Verifier,
  log: WitnessedLog,
  now: Date,
  cosigner?: Cosigner,
): Promise<AcceptedCheckpoint | undefined> {
  const note = await log.checkpoint();
  let checkpoint;
  try {
    checkpoint = parseCheckpoint(openNote(note, logKey));
  } catch (error) {
    if (error instanceof NoteError)
      throw new Inconsistency(`the checkpoint served is not the log's: ${error.message}`);
    throw error;
  }
  if (checkpoint.origin !== logKey.name)
    throw new Inconsistency(`the checkpoint names the log ${checkpoint.origin}, not ${logKey.name}`);
  const last = state.accepted.at(-1);
  const root = checkpoint.rootHash.toString('base64');
  if (last) {
    const since = `the checkpoint of ${last.treeSize} events accepted at ${last.acceptedAt}`;
    if (checkpoint.treeSize < last.treeSize)
      throw new Inconsistency(
        `the log now shows ${checkpoint.treeSize} events, fewer than ${since}: it was truncated or rolled back`,
      );
    if (checkpoint.treeSize === last.treeSize) {
      if (root === last.rootHash) return undefined;
      throw new Inconsistency(
        `the log shows another tree of ${checkpoint.treeSize} events than ${since}: its history was rewritten (a fork)`,
      );
    }
    const proof = (await log.consistency(last.treeSize, checkpoint.treeSize)).map((h) =>
      Buffer.from(h, 'base64'),
    );
    const lastRoot = Buffer.from(last.rootHash, 'base64');
    if (!verifyConsistency(last.treeSize, checkpoint.treeSize, lastRoot, checkpoint.rootHash, proof))
      throw new Inconsistency(
        `the checkpoint of ${checkpoint.treeSize} events is not consistent with ${since}: ` +
          `events at or before position ${last.treeSize} were rewritten, removed or reordered`,
      );
  }
  const accepted: AcceptedCheckpoint = {
    treeSize: checkpoint.treeSize,
    rootHash: root,
    note: cosigner ? cosignNote(note, cosigner.name, cosigner.key, Math.floor(now.getTime() / 1000)) : note,
    acceptedAt: now.toISOString(),
  };
  state.accepted.push(accepted);
  return accepted;
}
