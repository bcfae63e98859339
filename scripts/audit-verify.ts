import { createCliContext } from '../src/cli.module.js';
import { EVENT_STORE, type EventStore } from '../src/event-store/event-store.port.js';
import { ChainVerifier } from '../src/event-store/hashing.js';
import { existsSync, readFileSync } from 'node:fs';
import { checkExport, firstDisagreement, type ExportedEvent } from '../src/log/log-audit.js';
import { LOG_STORE, type LogStore } from '../src/log/log-store.port.js';
import { leafOfEvent } from '../src/log/log-tree.js';
import { CompactRange, rootOf, type Hash } from '../src/log/merkle.js';
import {
  NoteError,
  openNote,
  parseCheckpoint,
  parseVkey,
  type Checkpoint,
  type Verifier,
} from '../src/log/signed-note.js';

const USAGE = `Usage: npm run audit:verify [-- --checkpoint <saved note> --key <vkey or file>]
       npm run audit:verify -- --export <export or proof bundle> [--checkpoint <saved note>] [--key <vkey>]

Checks every stream's hash chain and that positions have no gaps. With a checkpoint saved earlier
(GET /api/log/checkpoint) and the log's key (GET /api/log/key), also checks that the log still holds
the tree that checkpoint signed: a log that lost events says "truncated", a rewritten one fails
naming the first position that does not agree.

--export checks a file instead of the database, offline: an agreement's NDJSON export with
inclusion proofs (GET /api/agreements/{id}/events?format=ndjson&proofs=<the checkpoint's size>)
or its proof bundle (GET /api/agreements/{id}/proof-bundle, which carries a checkpoint and key;
--checkpoint and --key given here take precedence over the bundle's).`;

const option = (argv: readonly string[], flag: string) => {
  const i = argv.indexOf(flag);
  return i < 0 ? undefined : argv[i + 1];
};

/** A value given as text, or as the path of a file holding it. */
const textOrFile = (value: string) => (existsSync(value) ? readFileSync(value, 'utf8') : value);

/** The checkpoint, opened with the key (each a text, or a file holding it), and that key. */
function openCheckpoint(note: string, key: string): Checkpoint & { key: Verifier } {
  const verifier = parseVkey(textOrFile(key).trim());
  return { ...parseCheckpoint(openNote(textOrFile(note), verifier)), key: verifier };
}

/** The saved checkpoint given on the command line, if any, and the key that opened it. */
function savedCheckpoint(argv: readonly string[]): (Checkpoint & { key: Verifier }) | undefined {
  const note = option(argv, '--checkpoint');
  const key = option(argv, '--key');
  if (note === undefined && key === undefined) return undefined;
  if (note === undefined || key === undefined)
    throw new Error(`--checkpoint and --key go together\n\n${USAGE}`);
  return openCheckpoint(note, key);
}

/**
 * The log's own checkpoints, those the trusted key signed, against the events: the first that does
 * not agree names its first bad position. A checkpoint the key did not sign proves nothing and is
 * said so. Returns the problems and how many agree.
 */
async function ownCheckpoints(
  leaves: readonly Hash[],
  key: Verifier,
  log: LogStore,
): Promise<{ problems: string[]; agree: number }> {
  const problems: string[] = [];
  const range = CompactRange.empty();
  let agree = 0;
  for (let after = 0; ;) {
    const page = await log.checkpoints(after, 1000);
    for (const stored of page) {
      let checkpoint: Checkpoint;
      try {
        checkpoint = parseCheckpoint(openNote(stored.note, key));
      } catch (error) {
        problems.push(
          `the log's stored checkpoint of ${stored.treeSize} events: ${(error as Error).message}`,
        );
        continue;
      }
      if (checkpoint.treeSize > leaves.length) {
        problems.push(
          `truncated: the log signed a checkpoint of ${checkpoint.treeSize} events and holds ${leaves.length}`,
        );
        return { problems, agree };
      }
      while (range.treeSize < checkpoint.treeSize) range.append(leaves[range.treeSize]!);
      if (range.root().equals(checkpoint.rootHash)) {
        agree++;
        continue;
      }
      const first = await firstDisagreement(leaves.slice(0, checkpoint.treeSize), checkpoint.rootHash, log);
      problems.push(
        `the log's own checkpoint of ${checkpoint.treeSize} events (signed with this key) does not agree with ` +
          `the events${first === undefined ? '' : `: position ${first} was changed after it was signed`}`,
      );
      return { problems, agree };
    }
    if (page.length < 1000) return { problems, agree };
    after = page[page.length - 1]!.treeSize;
  }
}

interface Bundle {
  checkpoint?: string;
  key?: string;
  events: ExportedEvent[];
}

/** An NDJSON export (one event per line) or a proof bundle (one JSON document with `events`). */
function readExport(file: string): Bundle {
  const text = readFileSync(file, 'utf8');
  try {
    const whole = JSON.parse(text) as Partial<Bundle>;
    if (Array.isArray(whole.events)) return whole as Bundle;
  } catch {
    // not one JSON document: NDJSON
  }
  const events = text
    .split('\n')
    .map((line, i) => [line.trim(), i + 1] as const)
    .filter(([line]) => line !== '')
    .map(([line, n]) => {
      try {
        return JSON.parse(line) as ExportedEvent;
      } catch {
        throw new Error(`${file} line ${n}: not JSON`);
      }
    });
  return { events };
}

/** --export: the file alone, against the checkpoint. */
function verifyExport(argv: readonly string[], file: string): void {
  const bundle = readExport(file);
  const note = option(argv, '--checkpoint') ?? bundle.checkpoint;
  const key = option(argv, '--key') ?? bundle.key;
  if (note === undefined || key === undefined)
    throw new Error(`--export needs a checkpoint and its key (given, or in a proof bundle)\n\n${USAGE}`);
  if (option(argv, '--key') === undefined)
    console.log(`Using the key the bundle carries: compare it with one you trust: ${key.trim()}`);
  const checkpoint = openCheckpoint(note, key);
  const { problems, proven, after } = checkExport(bundle.events, checkpoint);
  if (problems.length > 0) {
    for (const p of problems) console.error(`BROKEN: ${p}`);
    console.error(`Audit failed: ${problems.length} problem(s) in ${bundle.events.length} exported events.`);
    process.exit(1);
  }
  console.log(
    `Audit passed: ${bundle.events.length} exported events; the hash chain verifies and ${proven} are proven ` +
      `in the log of ${checkpoint.treeSize} events the checkpoint signed (${checkpoint.origin})` +
      (after > 0 ? `; ${after} recorded after it, not covered by this checkpoint.` : '.'),
  );
}

/**
 * Checks the whole store: every stream's hash chain, and global positions without gaps.
 * Exits 1 naming each break, so it can guard a backup or a migration.
 */
async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help')) {
    console.log(USAGE);
    return;
  }
  const exported = option(argv, '--export');
  if (exported !== undefined) return verifyExport(argv, exported);
  const saved = savedCheckpoint(argv);
  const leaves: Hash[] = [];
  const app = await createCliContext();
  const store = app.get<EventStore>(EVENT_STORE);
  const chains = new Map<string, ChainVerifier>();
  const problems: string[] = [];
  let expectedPosition = 1;
  let checked = 0;
  let ownAgree = 0;
  try {
    for (let after = 0; ;) {
      const page = await store.readAll({ after, limit: 5000, raw: true });
      for (const e of page) {
        if (e.position !== expectedPosition) {
          problems.push(`positions jump from ${expectedPosition - 1} to ${e.position}: events are missing`);
        }
        expectedPosition = e.position + 1;
        let chain = chains.get(e.streamId);
        if (!chain) chains.set(e.streamId, (chain = new ChainVerifier()));
        if (!chain.add(e) && chain.result().firstInvalidPosition === e.position) {
          problems.push(
            `stream ${e.streamId}: the event at position ${e.position} (version ${e.version}) does not match its hash chain`,
          );
        }
        checked++;
        if (saved) leaves.push(leafOfEvent(e.hash));
      }
      if (page.length === 0) break;
      after = page[page.length - 1]!.position;
      if (process.stdout.isTTY) process.stdout.write(`\rchecked ${checked.toLocaleString('en-US')} events`);
    }
    const log = app.get<LogStore>(LOG_STORE);
    const prefix = saved ? leaves.slice(0, saved.treeSize) : [];
    if (saved && prefix.length === saved.treeSize && !rootOf(prefix).equals(saved.rootHash)) {
      const first = await firstDisagreement(prefix, saved.rootHash, log);
      problems.push(
        first === undefined
          ? `the first ${saved.treeSize} events do not match the saved checkpoint (${saved.origin}): events at ` +
              "or before that position were rewritten, removed or reordered (the log's own tree was changed " +
              'too, so no single position can be named)'
          : `position ${first} does not agree with the saved checkpoint (${saved.origin}): the event there was ` +
              'rewritten, removed or moved after the checkpoint was signed',
      );
    }
    if (saved) {
      const own = await ownCheckpoints(leaves, saved.key, log);
      problems.push(...own.problems);
      ownAgree = own.agree;
    }
  } finally {
    await app.close();
  }
  if (process.stdout.isTTY) process.stdout.write('\n');
  if (saved && checked < saved.treeSize) {
    problems.push(
      `truncated: the log holds ${checked} events, fewer than the ${saved.treeSize} of the saved checkpoint (${saved.origin})`,
    );
  }
  if (problems.length > 0) {
    for (const p of problems) console.error(`BROKEN: ${p}`);
    console.error(
      `Audit failed: ${problems.length} problem(s) in ${checked} events across ${chains.size} streams.`,
    );
    process.exit(1);
  }
  console.log(
    `Audit passed: ${checked} events across ${chains.size} streams; every hash chain verifies, positions have no gaps` +
      (saved
        ? `; the log holds the tree of ${saved.treeSize} events the saved checkpoint signed, and the ` +
          `${ownAgree} checkpoint(s) it signed itself agree with its events.`
        : '.'),
  );
}

main().catch((error: unknown) => {
  if (error instanceof NoteError) {
    // A checkpoint that the trusted key did not sign is a failed audit, not a usage error.
    console.error(`BROKEN: the checkpoint: ${error.message}`);
    console.error('Audit failed: the checkpoint cannot be trusted with this key.');
    process.exit(1);
  }
  console.error(`audit:verify: ${(error as Error).message}`);
  process.exit(2);
});
