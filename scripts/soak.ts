import { runCrashRounds } from '../test/reliability/support/crash-rounds.js';

/**
 * npm run test:soak -- --rounds 200 [--clients 4] [--seed N]
 * The crash test's loop, longer: the real server is SIGKILLed under concurrent writes and
 * restarted, round after round; every round checks what the crash left. Prints the figures
 * and exits 1 if anything acknowledged was lost or the store broke a promise.
 */
function option(name: string, fallback: number | undefined): number | undefined {
  const at = process.argv.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be a whole number`);
  return value;
}

async function main(): Promise<void> {
  const rounds = option('rounds', 200)!;
  const clients = option('clients', 4);
  const seed = option('seed', undefined);
  const started = performance.now();
  const report = await runCrashRounds({
    rounds,
    ...(clients !== undefined ? { clients } : {}),
    ...(seed !== undefined ? { seed } : {}),
    log: (line) => {
      if (process.stdout.isTTY) process.stdout.write(`\r${line}`.padEnd(100));
      else if (/^round \d*0:/.test(line)) console.log(line);
    },
  });
  if (process.stdout.isTTY) process.stdout.write('\n');
  const seconds = ((performance.now() - started) / 1000).toFixed(0);
  console.log(
    [
      `rounds: ${report.rounds} (seed ${report.seed}, ${seconds} s)`,
      `events acknowledged: ${report.acknowledged}`,
      `events found: ${report.found}`,
      `lost: ${report.lost}`,
      `writes cut off by a kill: ${report.inDoubtWrites} (their events found committed: ${report.inDoubtCommitted})`,
      `writes refused (none of their events stored): ${report.refusedWrites}`,
      `events in the store: ${report.storedEvents}`,
    ].join('\n'),
  );
  if (report.lost !== 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(`Soak failed. ${String((error as Error)?.stack ?? error)}`);
  process.exit(1);
});
