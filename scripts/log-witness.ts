import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { loadSigningKey } from '../src/log/log-key.js';
import { cosignerVkeyOf, parseVkey } from '../src/log/signed-note.js';
import {
  Inconsistency,
  witness,
  type Cosigner,
  type WitnessedLog,
  type WitnessState,
} from '../src/log/witness.js';

const USAGE = `Usage: npm run log:witness -- --url <server> --key <log vkey or file> --state <file>
         [--once] [--interval <seconds, default 60>]
         [--witness-key <file> [--witness-name <name>]]

Watches a Treaty Ledger log from outside it: polls GET /api/log/checkpoint, checks the log's
signature and that each new checkpoint is consistent with the last one accepted (RFC 9162
consistency proof), and keeps the chain of accepted checkpoints in the state file. Exits 1, saying
why, the moment the log shows a smaller, forked or rewritten tree. With --witness-key (an Ed25519
key file, made on first use, mode 0600) each accepted checkpoint is cosigned
(c2sp.org/tlog-cosignature): the state file then holds checkpoints carrying an outside signature.
The API key (a viewer key is enough) comes from the TREATY_LEDGER_API_KEY environment variable.`;

class UsageError extends Error {}

const option = (argv: readonly string[], flag: string) => {
  const i = argv.indexOf(flag);
  return i < 0 ? undefined : argv[i + 1];
};

function required(argv: readonly string[], flag: string): string {
  const value = option(argv, flag);
  if (value === undefined || value.startsWith('--')) throw new UsageError(`${flag} is required`);
  return value;
}

/** The log as the witness sees it over HTTP, with the API key in a header (never in the URL). */
function httpLog(base: URL, apiKey: string | undefined): WitnessedLog {
  const get = async (path: string) => {
    const res = await fetch(new URL(path, base), {
      headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {},
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${res.statusText}`);
    return res;
  };
  return {
    checkpoint: async () => (await get('/api/log/checkpoint')).text(),
    consistency: async (from, to) =>
      ((await (await get(`/api/log/proof/consistency?from=${from}&to=${to}`)).json()) as { hashes: string[] })
        .hashes,
  };
}

function readState(file: string, logVkey: string): WitnessState {
  if (!existsSync(file)) return { log: logVkey, accepted: [] };
  const state = JSON.parse(readFileSync(file, 'utf8')) as WitnessState;
  if (state.log !== logVkey)
    throw new UsageError(`${file} watches another log (${state.log}): give each log its own state file`);
  return state;
}

/** Written whole, then renamed over the old file: a crash never leaves half a state. */
function saveState(file: string, state: WitnessState): void {
  writeFileSync(`${file}.tmp`, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}

function cosignerOf(argv: readonly string[]): Cosigner | undefined {
  const file = option(argv, '--witness-key');
  if (file === undefined) return undefined;
  const loaded = loadSigningKey(file, true);
  if (!loaded.key) throw new UsageError(`the witness key: ${loaded.why}`);
  const name = option(argv, '--witness-name') ?? `witness/${hostname()}`;
  if (!/^[\x21-\x7e]+$/.test(name) || name.includes('+'))
    throw new UsageError('--witness-name is printable ASCII without spaces or "+"');
  return { name, key: loaded.key };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help')) return console.log(USAGE);
  const base = new URL(required(argv, '--url'));
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new UsageError('--url is http(s)');
  const keyArg = required(argv, '--key');
  const logVkey = (existsSync(keyArg) ? readFileSync(keyArg, 'utf8') : keyArg).trim();
  const logKey = parseVkey(logVkey);
  const stateFile = required(argv, '--state');
  const once = argv.includes('--once');
  const interval = Number(option(argv, '--interval') ?? 60);
  if (!(interval > 0)) throw new UsageError('--interval is a number of seconds above 0');
  const cosigner = cosignerOf(argv);
  if (cosigner) console.log(`Cosigning as ${cosignerVkeyOf(cosigner.name, cosigner.key)}`);
  const state = readState(stateFile, logVkey);
  const log = httpLog(base, process.env.TREATY_LEDGER_API_KEY);
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => (stopping = true));
  for (;;) {
    try {
      const accepted = await witness(state, logKey, log, new Date(), cosigner);
      if (accepted) {
        saveState(stateFile, state);
        console.log(
          `accepted the checkpoint of ${accepted.treeSize} events (root ${accepted.rootHash})` +
            (state.accepted.length === 1
              ? ', the first this witness has seen'
              : ', consistent with the last') +
            (cosigner ? `; cosigned as ${cosigner.name}` : ''),
        );
      } else if (once) {
        console.log(`unchanged: ${state.accepted.at(-1)?.treeSize ?? 0} events`);
      }
    } catch (error) {
      if (error instanceof Inconsistency) throw error;
      if (once) throw error;
      console.error(`cannot check the log now (${(error as Error).message}); trying again`);
    }
    if (once || stopping) return;
    await new Promise((resolve) => setTimeout(resolve, interval * 1000));
    if (stopping) return;
  }
}

main().catch((error: unknown) => {
  if (error instanceof Inconsistency) {
    console.error(`INCONSISTENT: ${error.message}`);
    console.error('The witness stops here; its state file keeps the last checkpoint it accepted.');
    process.exit(1);
  }
  console.error(`log:witness: ${(error as Error).message}`);
  if (error instanceof UsageError) console.error(`\n${USAGE}`);
  process.exit(2);
});
