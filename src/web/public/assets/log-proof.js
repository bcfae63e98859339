/**
 * The log's inclusion proofs checked in the browser (RFC 9162 §2.1.3.2), against the root of the
 * checkpoint the proof bundle carries: the page does not take the server's word that an event is in
 * the log. The checkpoint's Ed25519 signature is checked offline (npm run audit:verify), where the
 * auditor holds a key she trusts.
 */

import { plural } from './format.js';

const bytes = (hex) => Uint8Array.from(hex.match(/../g) ?? [], (b) => parseInt(b, 16));
const fromBase64 = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

async function sha256(prefix, ...parts) {
  const all = new Uint8Array(1 + parts.reduce((n, p) => n + p.length, 0));
  all[0] = prefix;
  let at = 1;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return new Uint8Array(await crypto.subtle.digest('SHA-256', all));
}

const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Whether this browser can check proofs (SubtleCrypto exists only on https or localhost). */
const canCheckProofs = () => Boolean(globalThis.crypto?.subtle);

/** A C2SP checkpoint note: origin, tree size, root hash, and the names of its signers. */
function readCheckpoint(note) {
  const [text, signatures = ''] = note.split('\n\n');
  const [origin, size, root] = text.split('\n');
  const signers = signatures
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split(' ')[1]);
  return { origin, treeSize: Number(size), rootHash: fromBase64(root ?? ''), signers };
}

/** Does the event's proof show its chain hash at its position in the checkpoint's tree? */
async function provenIn(event, checkpoint) {
  const proof = event.proof;
  if (!proof || proof.treeSize !== checkpoint.treeSize || event.position > checkpoint.treeSize) return false;
  let fn = event.position - 1;
  let sn = checkpoint.treeSize - 1;
  let r = await sha256(0, bytes(event.hash));
  for (const p of proof.hashes.map(fromBase64)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = await sha256(1, p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = await sha256(1, r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && same(r, checkpoint.rootHash);
}

/**
 * A proof bundle's events checked against its checkpoint, as both the audit tab and the audit report
 * show it: `proven` by position (an event recorded after the checkpoint is not), `ok` when every event
 * in the checkpoint's tree is, and the sentence to show. `checked` is false where the browser cannot.
 */
export async function checkBundle(bundle) {
  const checkpoint = readCheckpoint(bundle.checkpoint);
  if (!canCheckProofs()) {
    const text = 'Proofs cannot be checked in this browser (not a secure context): download the bundle.';
    return { checkpoint, checked: false, ok: false, proven: new Map(), text };
  }
  const proven = new Map();
  for (const e of bundle.events) proven.set(e.position, await provenIn(e, checkpoint));
  const inTree = bundle.events.filter((e) => e.position <= checkpoint.treeSize);
  const failed = inTree.filter((e) => !proven.get(e.position)).map((e) => e.position);
  const text = failed.length
    ? `Not proven in the signed log: position ${failed.join(', ')}.`
    : `${plural(inTree.length, 'event')} proven in the log of ${plural(checkpoint.treeSize, 'event')}, ` +
      `signed by ${checkpoint.origin}.`;
  return { checkpoint, checked: true, ok: failed.length === 0, proven, text };
}
