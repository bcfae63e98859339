import { createCliContext } from '../src/cli.module.js';
import { EVENT_STORE, type EventStore } from '../src/event-store/event-store.port.js';
import { ChainVerifier } from '../src/event-store/hashing.js';
import { existsSync, readFileSync } from 'node:fs';
import { leafOfEvent } from '../src/log/log-tree.js';
import { CompactRange } from '../src/log/merkle.js';
import { openNote, parseCheckpoint, parseVkey, type Checkpoint } from '../src/log/signed-note.js';

const USAGE = `Usage: npm run audit:verify [-- --checkpoint <saved note> --key <vkey or file>]

Checks every stream's hash chain and that positions have no gaps. With a checkpoint saved earlier
(GET /api/log/checkpoint) and the log's key (GET /api/log/key), also checks that the log still holds
the tree that checkpoint signed: a log that lost events says "truncated", a rewritten one fails.`;

/** The saved checkpoint, opened with the key (a vkey line, or a file holding one). */
function savedCheckpoint(argv: readonly string[]): Checkpoint | undefined {
  const at = (flag: string) => {
    const i = argv.indexOf(flag);
    return i < 0 ? undefined : argv[i + 1];
  };
  const note = at('--checkpoint');
  const key = at('--key');
  if (note === undefined && key === undefined) return undefined;
  if (note === undefined || key === undefined)
    throw new Error(`--checkpoint and --key go together\n\n${USAGE}`);
  const vkey = existsSync(key) ? readFileSync(key, 'utf8').trim() : key;
  return parseCheckpoint(openNote(readFileSync(note, 'utf8'), parseVkey(vkey)));
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
  const saved = savedCheckpoint(argv);
  const tree = CompactRange.empty();
  const app = await createCliContext();
  const store = app.get<EventStore>(EVENT_STORE);
  const chains = new Map<string, ChainVerifier>();
  const problems: string[] = [];
  let expectedPosition = 1;
  let checked = 0;
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
        if (saved && tree.treeSize < saved.treeSize) {
          tree.append(leafOfEvent(e.hash));
          if (tree.treeSize === saved.treeSize && !tree.root().equals(saved.rootHash)) {
            problems.push(
              `the first ${saved.treeSize} events do not match the saved checkpoint (${saved.origin}): ` +
                'events at or before that position were rewritten, removed or reordered',
            );
          }
        }
      }
      if (page.length === 0) break;
      after = page[page.length - 1]!.position;
      if (process.stdout.isTTY) process.stdout.write(`\rchecked ${checked.toLocaleString('en-US')} events`);
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
      (saved ? `; the log holds the tree of ${saved.treeSize} events the saved checkpoint signed.` : '.'),
  );
}

main().catch((error: unknown) => {
  console.error(`audit:verify: ${(error as Error).message}`);
  process.exit(2);
});
