import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

/**
 * C2SP signed notes (c2sp.org/signed-note) with Ed25519 keys, and the C2SP tlog-checkpoint they carry
 * (c2sp.org/tlog-checkpoint): the form Go's checksum database, Sigstore and the transparency-dev
 * witnesses read. A note is its text (lines, each ending in a newline), a blank line, and one
 * signature line per signer: "— <name> <base64(4-byte key id ‖ signature)>".
 */

const ED25519 = 0x01;
const EM_DASH = '\u2014';
/** PKCS #8 DER of an Ed25519 private key, before its 32-byte seed. */
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');
/** SubjectPublicKeyInfo DER of an Ed25519 public key, before its 32 bytes. */
const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex');

export class NoteError extends Error {
  override name = 'NoteError';
}

/** The first four bytes of SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key). */
export function keyIdOf(name: string, publicKey: Buffer): Buffer {
  return createHash('sha256')
    .update(Buffer.from(`${name}\n`, 'utf8'))
    .update(Buffer.from([ED25519]))
    .update(publicKey)
    .digest()
    .subarray(0, 4);
}

export const rawPublicKey = (key: KeyObject): Buffer =>
  (key.type === 'private' ? createPublicKey(key) : key).export({ format: 'der', type: 'spki' }).subarray(-32);

export const privateKeyFromSeed = (seed: Buffer): KeyObject =>
  createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, seed]), format: 'der', type: 'pkcs8' });

const publicKeyFromRaw = (raw: Buffer): KeyObject =>
  createPublicKey({ key: Buffer.concat([SPKI_ED25519, raw]), format: 'der', type: 'spki' });

/** The verifier key line: <name>+<8 hex key id>+<base64(0x01 ‖ 32-byte key)>. */
export function vkeyOf(name: string, key: KeyObject): string {
  const raw = rawPublicKey(key);
  return `${name}+${keyIdOf(name, raw).toString('hex')}+${Buffer.concat([Buffer.from([ED25519]), raw]).toString('base64')}`;
}

export interface Verifier {
  name: string;
  keyId: Buffer;
  key: KeyObject;
}

export function parseVkey(vkey: string): Verifier {
  // The base64 key may itself hold '+': the name and the id are the first two fields, the rest is the key.
  const [name, id, ...rest] = vkey.trim().split('+');
  const material = rest.join('+');
  if (!name || !id || !material || !/^[0-9a-f]{8}$/.test(id) || /\s/.test(name)) {
    throw new NoteError('a verifier key is <name>+<8 hex digits>+<base64 key>');
  }
  const bytes = Buffer.from(material, 'base64');
  if (bytes.length !== 33 || bytes[0] !== ED25519)
    throw new NoteError('only Ed25519 verifier keys are known');
  const raw = bytes.subarray(1);
  if (!keyIdOf(name, raw).equals(Buffer.from(id, 'hex')))
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
export function splitNote(note: string): { text: string; signatures: string[] } {
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
