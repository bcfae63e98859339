import { describe, expect, it } from '@jest/globals';
import { runCrashRounds } from './support/crash-rounds.js';

/**
 * The real server (dist/src/main.js, built by `npm test` before jest) on one SQLite file,
 * four clients writing at once, SIGKILL at a random moment, restart: ten times. What was
 * acknowledged must be there exactly once, nothing half written, the store whole.
 * `npm run test:soak -- --rounds 200` runs the same loop longer.
 */
describe('crash safety: SIGKILL under concurrent writes', () => {
  it('keeps every acknowledged event, exactly once, through 10 kills and restarts', async () => {
    const report = await runCrashRounds({ rounds: 10 });
    expect(report.rounds).toBe(10);
    expect(report.acknowledged).toBeGreaterThan(0);
    expect(report.found).toBe(report.acknowledged);
    expect(report.lost).toBe(0);
  }, 180_000);
});
