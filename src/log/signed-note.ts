import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

/**
 * C2SP signed notes (c2sp.org/signed-note) with Ed25519 keys, and the C2SP tlog-checkpoint they carry
 * (c2sp.org/tlog-checkpoint): the form Go's checksum database, Sigstore and the transparency-dev
 * witnesses read. A note is its text (lines, each ending in a newline), a blank line, and one
 * signature line per signer: "— <name> <base64(4-byte key id ‖ signature)>".
 */

const ED25519 = 0x01;
/** c2sp.org/tlog-cosignature: an Ed25519 cosigner (a witness) signs with its own key type. */
const COSIGNATURE_V1 = 0x04;
const EM_DASH = '\u2014';
/** PKCS #8 DER of an Ed25519 private key, before its 32-byte seed. */
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');
/** SubjectPublicKeyInfo DER of an Ed25519 public key, before its 32 bytes. */
const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex');

export class NoteError extends Error {
  override name = 'NoteError';
}

/** The first four bytes of SHA-256(name ‖ "\n" ‖ type ‖ public key): 0x01 a note signer, 0x04 a cosigner. */
function keyIdOf(name: string, publicKey: Buffer, type = ED25519): Buffer {
  return createHash('sha256')
    .update(Buffer.from(`${name}\n`, 'utf8'))
    .update(Buffer.from([type]))
    .update(publicKey)
    .digest()
    .subarray(0, 4);
}

const rawPublicKey = (key: KeyObject): Buffer =>
  (key.type === 'private' ? createPublicKey(key) : key).export({ format: 'der', type: 'spki' }).subarray(-32);

export const privateKeyFromSeed = (seed: Buffer): KeyObject =>
  createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, seed]), format: 'der', type: 'pkcs8' });

const publicKeyFromRaw = (raw: Buffer): KeyObject =>
  createPublicKey({ key: Buffer.concat([SPKI_ED25519, raw]), format: 'der', type: 'spki' });

/** The verifier key line: <name>+<8 hex key id>+<base64(type ‖ 32-byte key)> (0x01, or 0x04 for a cosigner). */
export function vkeyOf(name: string, key: KeyObject, type = ED25519): string {
  const raw = rawPublicKey(key);
  return `${name}+${keyIdOf(name, raw, type).toString('hex')}+${Buffer.concat([Buffer.from([type]), raw]).toString('base64')}`;
}

/** A witness's verifier key line (c2sp.org/tlog-cosignature, type 0x04). */
export const cosignerVkeyOf = (name: string, key: KeyObject): string => vkeyOf(name, key, COSIGNATURE_V1);

export interface Verifier {
  name: string;
  keyId: Buffer;
  key: KeyObject;
}

export function parseVkey(vkey: string, type = ED25519): Verifier {
  // The base64 key may itself hold '+': the name and the id are the first two fields, the rest is the key.
  const [name, id, ...rest] = vkey.trim().split('+');
  const material = rest.join('+');
  if (!name || !id || !material || !/^[0-9a-f]{8}$/.test(id) || /\s/.test(name)) {
    throw new NoteError('a verifier key is <name>+<8 hex digits>+<base64 key>');
  }
  const bytes = Buffer.from(material, 'base64');
  if (bytes.length !== 33 || bytes[0] !== type)
    throw new NoteError(
      type === ED25519
        ? 'only Ed25519 verifier keys (type 0x01) are known'
        : 'a witness key is an Ed25519 cosigner key (type 0x04)',
    );
  const raw = bytes.subarray(1);
  if (!keyIdOf(name, raw, type).equals(Buffer.from(id, 'hex')))
    throw new NoteError('the key id does not match the key');
  return { name, keyId: Buffer.from(id, 'hex'), key: publicKeyFromRaw(raw) };
}

/** Signs the text (which must end with a newline) as `name`, appending to any signatures given. */
export function signNote(text: string, name: string, key: KeyObject, others: readonly string[] = []): string {
  if (!text.endsWith('\n') || text.includes('\n\n'))
    throw new NoteError('a note text is lines ending in a newline, none blank');
  const signature = sign(null, Buffer.from(text, 'utf8'), key);
  const line = `${EM_DASH} ${name} ${Buffer.concat([keyIdOf(name, rawPublicKey(key)), signature]).toString('base64')}\n`;
  return `${text}\n${[...others, line].join('')}`;
}

/** The note's text and signature lines, unchecked. */
function splitNote(note: string): { text: string; signatures: string[] } {
  const at = note.lastIndexOf('\n\n');
  if (at < 0 || !note.endsWith('\n'))
    throw new NoteError('a signed note is its text, a blank line and signatures');
  const signatures = note
    .slice(at + 2)
    .split('\n')
    .slice(0, -1);
  if (signatures.length === 0) throw new NoteError('the note has no signature');
  return { text: note.slice(0, at + 1), signatures };
}

/** The text of a note signed by the verifier's key; throws NoteError otherwise. */
export function openNote(note: string, verifier: Verifier): string {
  const { text, signatures } = splitNote(note);
  for (const line of signatures) {
    const match = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/.exec(line);
    if (!match) throw new NoteError(`not a signature line: ${JSON.stringify(line.slice(0, 80))}`);
    const blob = Buffer.from(match[2]!, 'base64');
    if (match[1] !== verifier.name || blob.length < 5 || !blob.subarray(0, 4).equals(verifier.keyId))
      continue;
    if (verify(null, Buffer.from(text, 'utf8'), verifier.key, blob.subarray(4))) return text;
    throw new NoteError(`the signature of ${verifier.name} does not verify`);
  }
  throw new NoteError(`the note carries no signature of ${verifier.name}`);
}

export interface Checkpoint {
  origin: string;
  treeSize: number;
  rootHash: Buffer;
}

/** c2sp.org/tlog-checkpoint: origin, tree size in decimal, base64 root hash, each on its line. */
export const checkpointText = ({ origin, treeSize, rootHash }: Checkpoint): string =>
  `${origin}\n${treeSize}\n${rootHash.toString('base64')}\n`;

export function parseCheckpoint(text: string): Checkpoint {
  const [origin, size, root] = text.split('\n');
  if (!origin || !size || !/^(0|[1-9]\d*)$/.test(size) || root === undefined) {
    throw new NoteError('a checkpoint is an origin, a tree size and a root hash, one per line');
  }
  const rootHash = Buffer.from(root, 'base64');
  if (rootHash.length !== 32 || rootHash.toString('base64') !== root)
    throw new NoteError('the root hash is not 32 bytes of base64');
  return { origin, treeSize: Number(size), rootHash };
}

/** The message an Ed25519 cosignature signs (c2sp.org/tlog-cosignature): header, time, the note's text. */
const cosignedMessage = (text: string, time: number) =>
  Buffer.from(`cosignature/v1\ntime ${time}\n${text}`, 'utf8');

/**
 * Adds a witness's cosignature line to a signed checkpoint: "— <name> base64(key id ‖ u64 time ‖
 * signature)", the time in POSIX seconds, big-endian.
 */
export function cosignNote(note: string, name: string, key: KeyObject, time: number): string {
  const { text } = splitNote(note);
  const stamp = Buffer.alloc(8);
  stamp.writeBigUInt64BE(BigInt(time));
  const signature = sign(null, cosignedMessage(text, time), key);
  const blob = Buffer.concat([keyIdOf(name, rawPublicKey(key), COSIGNATURE_V1), stamp, signature]);
  return `${note}${EM_DASH} ${name} ${blob.toString('base64')}\n`;
}

/** The time of the witness's valid cosignature on the note, or undefined when it carries none. */
export function cosignatureTime(note: string, witness: Verifier): number | undefined {
  const { text, signatures } = splitNote(note);
  for (const line of signatures) {
    const match = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/.exec(line);
    if (!match || match[1] !== witness.name) continue;
    const blob = Buffer.from(match[2]!, 'base64');
    if (blob.length !== 4 + 8 + 64 || !blob.subarray(0, 4).equals(witness.keyId)) continue;
    const time = Number(blob.readBigUInt64BE(4));
    if (verify(null, cosignedMessage(text, time), witness.key, blob.subarray(12))) return time;
  }
  return undefined;
}
