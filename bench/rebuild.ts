import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ProcessMeter, startChild } from './processes.js';
import type { Row } from './report.js';

/**
 * Times `npm run projections:rebuild` over the seeded store: events replayed per second of
 * wall time (process start included) and the rebuild's peak RSS. When the script is
 * `… && node [--flags] <file>.js …`, the compiled file is run directly (this run already compiled
 * everything), so the figure is the replay, not a build.
 */
export async function runRebuild(root: string, dbFile: string, events: number): Promise<Row> {
  const name = `projection rebuild over ${events.toLocaleString('en-US')} events`;
  const scripts = (
    JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts?: Record<string, string> }
  ).scripts;
  const script = scripts?.['projections:rebuild'];
  if (!script) {
    return {
      key: 'rebuild',
      name,
      status: 'pending',
      note: 'npm run projections:rebuild does not exist yet',
    };
  }
  const direct = /(?:^|&&)\s*node\s+((?:--\S+\s+)*)([^\s&;|]+\.js)([^&;|]*)$/.exec(script.trim());
  const env = { DATABASE_URL: `sqlite:${dbFile}`, LOG_LEVEL: 'warn' };
  const started = performance.now();
  const child = direct
    ? startChild(
        'rebuild',
        [
          ...direct[1]!.trim().split(/\s+/).filter(Boolean),
          join(root, direct[2]!),
          ...direct[3]!.trim().split(/\s+/).filter(Boolean),
        ],
        env,
      )
    : startChild('rebuild', ['run', '-s', 'projections:rebuild'], env, 'npm');
  const rss = new ProcessMeter(child.pid).start();
  const code = await child.exited;
  const seconds = (performance.now() - started) / 1000;
  const { peakRssMB } = rss.stop();
  if (code !== 0) throw new Error(`projections:rebuild exited with ${code}:\n${child.output()}`);
  // The script reports its own replay rate ("… events/s"), which leaves out process start and
  // opening the database; the wall-clock rate is kept beside it.
  const reported = /\(([\d,]+) events\/s\)/.exec(child.output())?.[1];
  const wallRate = Math.round(events / seconds);
  return {
    key: 'rebuild',
    name,
    status: 'ok',
    events,
    seconds: Math.round(seconds * 100) / 100,
    eventsPerSec: reported ? Number(reported.replaceAll(',', '')) : wallRate,
    ...(direct ? { peakRssMB } : {}),
    note:
      `${direct ? `node ${direct[1]}${direct[2]}${direct[3]}` : 'npm run projections:rebuild'}: ` +
      `${reported ? 'replay rate as the script reports it; ' : ''}wall clock ${seconds.toFixed(1)} s ` +
      `including process start (${wallRate.toLocaleString('en-US')} events/s)`,
  };
}
