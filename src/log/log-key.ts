import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** The signing key file is readable by others: the log refuses to start with it. */
export class KeyFileExposed extends Error {
  override name = 'KeyFileExposed';
}

/**
 * The log's Ed25519 signing key, from its file (PKCS #8 PEM, mode 0600), never from the database.
 * A missing file is made only when `mayCreate` (the log has no checkpoint yet): a database whose
 * key is gone gets no new key silently, its log stays read-only. Undefined then.
 */
export function loadSigningKey(file: string, mayCreate: boolean): KeyObject | undefined {
  let mode: number;
  try {
    mode = statSync(file).mode;
  } catch {
    if (!mayCreate) return undefined;
    const { privateKey } = generateKeyPairSync('ed25519');
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600, flag: 'wx' });
    return privateKey;
  }
  if ((mode & 0o077) !== 0) {
    throw new KeyFileExposed(
      `the log signing key file ${file} is readable by others (mode ${(mode & 0o777).toString(8)}): chmod 600 it`,
    );
  }
  return createPrivateKey(readFileSync(file));
}
