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
 * key is gone gets no new key silently, its log stays read-only; so does one whose key cannot be read
 * or made (a read-only data folder). `why` says which.
 */
export function loadSigningKey(
  file: string,
  mayCreate: boolean,
): { key: KeyObject } | { key?: undefined; why: string } {
  let mode: number;
  try {
    mode = statSync(file).mode;
  } catch {
    if (!mayCreate)
      return { why: `its signing key file (${file}) is missing and the log has signed checkpoints` };
    try {
      const { privateKey } = generateKeyPairSync('ed25519');
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600, flag: 'wx' });
      return { key: privateKey };
    } catch (error) {
      // A read-only data folder (or another process making the key at the same moment): no key here.
      return { why: `its signing key file (${file}) could not be made: ${(error as Error).message}` };
    }
  }
  if ((mode & 0o077) !== 0) {
    throw new KeyFileExposed(
      `the log signing key file ${file} is readable by others (mode ${(mode & 0o777).toString(8)}): chmod 600 it`,
    );
  }
  try {
    return { key: createPrivateKey(readFileSync(file)) };
  } catch (error) {
    return { why: `its signing key file (${file}) cannot be read: ${(error as Error).message}` };
  }
}
