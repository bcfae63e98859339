import { describe, expect, it } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { consistencyProof, leafHash, rootOf } from './merkle.js';
import { checkpointText, parseVkey, signNote, vkeyOf } from './signed-note.js';
import { Inconsistency, witness, type WitnessState } from './witness.js';

/** A log the test controls: its leaves, signed by its key on each look. */
function fakeLog(origin: string) {
  const key = generateKeyPairSync('ed25519').privateKey;
  const log = {
    leaves: [] as Buffer[],
    key,
    vkey: parseVkey(vkeyOf(origin, key)),
    checkpoint: async () =>
      signNote(
        checkpointText({ origin, treeSize: log.leaves.length, rootHash: rootOf(log.leaves) }),
        origin,
        key,
      ),
    consistency: async (from: number, to: number) =>
      consistencyProof(from, log.leaves.slice(0, to)).map((h) => h.toString('base64')),
    grow: (n: number) => {
      for (let i = 0; i < n; i++) log.leaves.push(leafHash(Buffer.from(`event ${log.leaves.length}`)));
    },
  };
  return log;
}

const NOW = new Date('2026-12-07T12:00:00Z');

describe('the witness', () => {
  it('accepts a log that only grows, and nothing new when it has not', async () => {
    const log = fakeLog('example/log');
    const state: WitnessState = { log: 'x', accepted: [] };
    log.grow(3);
    expect((await witness(state, log.vkey, log, NOW))?.treeSize).toBe(3);
    expect(await witness(state, log.vkey, log, NOW)).toBeUndefined();
    log.grow(5);
    expect((await witness(state, log.vkey, log, NOW))?.treeSize).toBe(8);
    expect(state.accepted.map((c) => c.treeSize)).toEqual([3, 8]);
  });

  it.each([
    [
      'truncated',
      (log: ReturnType<typeof fakeLog>) => log.leaves.pop(),
      /fewer than the checkpoint of 8 events/,
    ],
    [
      'a fork of the same size',
      (log: ReturnType<typeof fakeLog>) => (log.leaves[2] = leafHash(Buffer.from('rewritten'))),
      /another tree of 8 events .* \(a fork\)/,
    ],
    [
      'rewritten, then grown',
      (log: ReturnType<typeof fakeLog>) => {
        log.leaves[2] = leafHash(Buffer.from('rewritten'));
        log.grow(2);
      },
      /not consistent with the checkpoint of 8 events/,
    ],
  ])('refuses a log %s', async (_name, attack, message) => {
    const log = fakeLog('example/log');
    const state: WitnessState = { log: 'x', accepted: [] };
    log.grow(8);
    await witness(state, log.vkey, log, NOW);
    attack(log);
    await expect(witness(state, log.vkey, log, NOW)).rejects.toThrow(message);
    await expect(witness(state, log.vkey, log, NOW)).rejects.toBeInstanceOf(Inconsistency);
    expect(state.accepted).toHaveLength(1);
  });

  it('refuses a checkpoint the log key did not sign', async () => {
    const log = fakeLog('example/log');
    const other = fakeLog('example/log');
    log.grow(1);
    await expect(witness({ log: 'x', accepted: [] }, other.vkey, log, NOW)).rejects.toThrow(
      /not the log's: the note carries no signature/,
    );
  });
});
