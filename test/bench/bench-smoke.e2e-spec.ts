import { afterAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `npm run bench -- --quick` end to end: it builds, starts the real server and the
 * hello-world as child processes, runs every scenario for a second or so, and writes its
 * results. Only completion and the presence of figures are checked, never their size:
 * timings depend on the machine and on whatever else it is running.
 */

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const dir = mkdtempSync(join(tmpdir(), 'treaty-ledger-bench-smoke-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runBench(out: string): Promise<{ code: number; output: string }> {
  // The children are plain Node processes: jest's ESM flag is not theirs.
  const { NODE_OPTIONS: _jestOnly, ...env } = process.env;
  return new Promise((done) => {
    execFile(
      'npm',
      ['run', 'bench', '--', '--quick', '--out', out],
      { cwd: root, env, maxBuffer: 16 * 1024 * 1024, timeout: 540_000 },
      (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr }),
    );
  });
}

const finite = (value: unknown) => typeof value === 'number' && Number.isFinite(value);

describe('npm run bench -- --quick', () => {
  it('completes every scenario and reports its figures', async () => {
    const out = join(dir, 'results.json');
    const { code, output } = await runBench(out);
    if (code !== 0) console.error(output);
    expect(code).toBe(0);
    expect(output).toContain('| scenario |');

    const results = JSON.parse(readFileSync(out, 'utf8'));
    expect(results.quick).toBe(true);
    expect(results.machine).toEqual(
      expect.objectContaining({ cores: expect.any(Number), node: process.version }),
    );
    expect(typeof results.machine.cpuModel).toBe('string');
    expect(Number.isNaN(Date.parse(results.date))).toBe(false);

    const rows: any[] = results.rows;
    const keys = rows.map((r) => r.key);
    for (const key of [
      'append',
      'status',
      'timeline',
      'append-fresh',
      'append-long',
      'seed',
      'rebuild',
      'stored-append',
      'stored-status',
      'mixed-writes-alone',
      'mixed-reads-alone',
      'mixed-writes',
      'mixed-reads',
      'pg-append',
      'ceiling-pg-append',
    ]) {
      expect(keys).toContain(key);
    }
    // PostgreSQL's own time during pg-append, by statement: the append transaction's are there.
    const statements: { query: string; calls: number }[] = results.postgresStatements;
    // The events and their streams' heads are written by one statement (postgres-event-store.ts).
    expect(
      statements.some((s) => s.query.startsWith('WITH stored AS (INSERT INTO events') && s.calls > 0),
    ).toBe(true);
    // The hello-world is measured with each throughput scenario, and so are a hello-world with a
    // timeline-sized body and one with the status route's request pipeline.
    expect(keys.filter((k) => k.startsWith('ceiling-')).sort()).toEqual(
      [
        'append',
        'pg-append',
        'pipeline',
        'sized',
        'status',
        'stored-append',
        'stored-status',
        'timeline',
      ].map((k) => `ceiling-${k}`),
    );

    for (const row of rows.filter((r) => r.load)) {
      const where = `row ${row.key}`;
      expect([where, row.load.requests > 0]).toEqual([where, true]);
      // Every request answered 2xx: a refused request would make the figures meaningless.
      expect([where, row.load.non2xx, row.load.errors]).toEqual([where, 0, 0]);
      for (const figure of [
        row.load.reqPerSec,
        row.load.latency.p50,
        row.load.latency.p99,
        row.load.latency.mean,
      ]) {
        expect([where, finite(figure)]).toEqual([where, true]);
      }
      expect([where, row.peakRssMB > 0, finite(row.cpuUsPerReq)]).toEqual([where, true, true]);
    }
    for (const key of [
      'append',
      'status',
      'ceiling-pipeline',
      'timeline',
      'ceiling-sized',
      'append-long',
      'stored-append',
      'stored-status',
      'mixed-writes',
      'mixed-reads',
      'pg-append',
    ]) {
      expect([key, finite(rows.find((r) => r.key === key).ratio?.value)]).toEqual([key, true]);
    }
    expect(rows.find((r) => r.key === 'seed').eventsPerSec).toBeGreaterThan(0);
    // Reads beside writes: the event loop's delay and the share of status reads the cache answered.
    expect(rows.find((r) => r.key === 'mixed-writes').name).toMatch(
      /event loop p99 [\d.]+ ms; read cache hits \d+ %/,
    );

    // The rebuild is measured when the project has `npm run projections:rebuild`.
    const scripts = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts;
    const rebuild = rows.find((r) => r.key === 'rebuild');
    if ('projections:rebuild' in scripts) {
      expect(rebuild.status).toBe('ok');
      expect(rebuild.eventsPerSec).toBeGreaterThan(0);
    } else {
      expect(rebuild.status).toBe('pending');
    }

    expect(results.goals).toHaveLength(10);
    for (const goal of results.goals) expect([true, false, 'pending']).toContain(goal.met);
  }, 600_000);
});
