import { describe, expect, it } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { rootOf } from './merkle.js';
import {
  checkpointText,
  cosignatureTime,
  cosignerVkeyOf,
  cosignNote,
  openNote,
  parseCheckpoint,
  parseVkey,
  privateKeyFromSeed,
  signNote,
  vkeyOf,
} from './signed-note.js';

/*
 * Known answers from golang.org/x/mod/sumdb/note (note_test.go, the PeterNeumann key) and from the
 * c2sp.org/signed-note specification (example.com/foo). Ed25519 is deterministic (RFC 8032): signing
 * the same text with the same key must give the published note byte for byte.
 */
const PETER_SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const PETER_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const TEXT =
  "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_NOTE = `${TEXT}\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;
const SPEC_VKEY = 'example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k';
const SPEC_NOTE =
  'This is an example message.\n\n\u2014 example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n';

const peterKey = () =>
  privateKeyFromSeed(Buffer.from(PETER_SKEY.split('+').slice(4).join('+'), 'base64').subarray(1));

describe('C2SP signed notes with Ed25519', () => {
  it('derives the published verifier key from the published signing key', () => {
    expect(vkeyOf('PeterNeumann', peterKey())).toBe(PETER_VKEY);
  });

  it('signs the published text into the published note, byte for byte, and opens it', () => {
    expect(signNote(TEXT, 'PeterNeumann', peterKey())).toBe(PETER_NOTE);
    expect(openNote(PETER_NOTE, parseVkey(PETER_VKEY))).toBe(TEXT);
  });

  it('opens the example of the specification with its key', () => {
    expect(openNote(SPEC_NOTE, parseVkey(SPEC_VKEY))).toBe('This is an example message.\n');
  });

  it('refuses a changed text, another key, and a malformed verifier key', () => {
    expect(() => openNote(PETER_NOTE.replace('cryptography', 'cryptographY'), parseVkey(PETER_VKEY))).toThrow(
      /does not verify/,
    );
    expect(() => openNote(PETER_NOTE, parseVkey(SPEC_VKEY))).toThrow(/no signature of example.com\/foo/);
    expect(() => parseVkey(PETER_VKEY.replace('c74f20a3', 'c74f20a4'))).toThrow(/key id/);
    expect(() => parseVkey('PeterNeumann')).toThrow(/verifier key/);
    // transparency-dev/formats' test key, whose base64 holds a '+'.
    expect(parseVkey('TEST+7997405c+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6').name).toBe('TEST');
  });

  it('signs and opens a checkpoint of a tree, which parses back to its size and root', () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const root = rootOf([]);
    const note = signNote(
      checkpointText({ origin: 'treaty-ledger/test', treeSize: 0, rootHash: root }),
      'treaty-ledger/test',
      privateKey,
    );
    const text = openNote(note, parseVkey(vkeyOf('treaty-ledger/test', privateKey)));
    expect(parseCheckpoint(text)).toEqual({ origin: 'treaty-ledger/test', treeSize: 0, rootHash: root });
    expect(() => parseCheckpoint('treaty-ledger/test\n-1\nAAAA\n')).toThrow(/checkpoint/);
  });

  it('adds a witness cosignature (c2sp.org/tlog-cosignature) that verifies with its 0x04 key, the log signature intact', () => {
    const log = generateKeyPairSync('ed25519').privateKey;
    const witness = generateKeyPairSync('ed25519').privateKey;
    const origin = 'example.com/log';
    const note = signNote(
      checkpointText({ origin, treeSize: 7, rootHash: Buffer.alloc(32, 1) }),
      origin,
      log,
    );
    const cosigned = cosignNote(note, 'witness.example/w1', witness, 1679315147);
    const witnessKey = parseVkey(cosignerVkeyOf('witness.example/w1', witness), 0x04);
    expect(cosignatureTime(cosigned, witnessKey)).toBe(1679315147);
    expect(openNote(cosigned, parseVkey(vkeyOf(origin, log)))).toBe(
      openNote(note, parseVkey(vkeyOf(origin, log))),
    );
    // The line's layout is the specification's example: key id, then the time as a big-endian u64.
    const blob = Buffer.from(cosigned.trim().split(' ').at(-1)!, 'base64');
    expect(blob).toHaveLength(4 + 8 + 64);
    const example = Buffer.from(
      'jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==',
      'base64',
    );
    expect(Number(example.readBigUInt64BE(4))).toBe(1679315147);
    expect(blob.subarray(4, 12)).toEqual(example.subarray(4, 12));
    // Not a cosignature of another text, nor by another witness; a log key is not a witness key.
    const other = signNote(
      checkpointText({ origin, treeSize: 8, rootHash: Buffer.alloc(32, 1) }),
      origin,
      log,
    );
    const moved = `${other}${cosigned.trim().split('\n').at(-1)}\n`;
    expect(cosignatureTime(moved, witnessKey)).toBeUndefined();
    const stranger = parseVkey(
      cosignerVkeyOf('witness.example/w1', generateKeyPairSync('ed25519').privateKey),
      0x04,
    );
    expect(cosignatureTime(cosigned, stranger)).toBeUndefined();
    expect(() => parseVkey(vkeyOf(origin, log), 0x04)).toThrow(/cosigner key/);
  });
});
