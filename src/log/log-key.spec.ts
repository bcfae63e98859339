import { describe, expect, it } from '@jest/globals';
import { chmodSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeyFileExposed, loadSigningKey } from './log-key.js';

describe('the log signing key file', () => {
  const dir = () => mkdtempSync(join(tmpdir(), 'log-key-'));

  it('is made on first start with mode 0600, and read back the same afterwards', () => {
    const file = join(dir(), 'ledger.db.log-key');
    const made = loadSigningKey(file, true);
    expect(made.key).toBeDefined();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const again = loadSigningKey(file, false);
    expect(again.key?.export({ format: 'pem', type: 'pkcs8' })).toEqual(
      made.key?.export({ format: 'pem', type: 'pkcs8' }),
    );
  });

  it('is refused when others can read it', () => {
    const file = join(dir(), 'exposed.key');
    loadSigningKey(file, true);
    chmodSync(file, 0o644);
    expect(() => loadSigningKey(file, false)).toThrow(KeyFileExposed);
  });

  it('is not remade for a log that has checkpoints: the log is read-only, and says why', () => {
    const result = loadSigningKey(join(dir(), 'gone.key'), false);
    expect(result.key).toBeUndefined();
    expect('why' in result && result.why).toMatch(/missing and the log has signed checkpoints/);
  });
});
