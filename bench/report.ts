import type { LoadResult } from './load.js';

/** One line of the results: a load run, a latency comparison, or a bulk job (seed, rebuild). */
export interface Row {
  key: string;
  name: string;
  status: 'ok' | 'pending';
  load?: LoadResult;
  /** Bulk jobs: events per second. */
  eventsPerSec?: number;
  events?: number;
  seconds?: number;
  /** req/s ÷ the hello-world's req/s measured just before, or mean latency ÷ a fresh stream's. */
  ratio?: { value: number; of: string };
  peakRssMB?: number;
  /** The server's CPU time (user + system) per answered request, in microseconds. */
  cpuUsPerReq?: number;
  note?: string;
}

export interface Goal {
  figure: string;
  target: string;
  measured: string;
  met: boolean | 'pending';
}

const n = (value: number | undefined, digits = 0) =>
  value === undefined || Number.isNaN(value)
    ? '–'
    : value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

export function resultsTable(rows: readonly Row[]): string {
  const lines = [
    '| scenario | conns | req/s | events/s | p50 ms | p99 ms | mean ms | ratio | server CPU µs/req | peak RSS MB |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |',
  ];
  for (const row of rows) {
    if (row.status === 'pending') {
      lines.push(`| ${row.name} | | | pending | | | | | | |`);
      continue;
    }
    const l = row.load;
    const failures = l && l.non2xx + l.errors > 0 ? ` (${n(l.non2xx + l.errors)} failed)` : '';
    lines.push(
      `| ${row.name}${failures} | ${l ? l.connections : ''} | ${l ? n(l.reqPerSec) : ''} | ${n(row.eventsPerSec)} | ` +
        `${l ? n(l.latency.p50, 2) : ''} | ${l ? n(l.latency.p99, 2) : ''} | ${l ? n(l.latency.mean, 3) : ''} | ` +
        `${row.ratio ? `${n(row.ratio.value, 2)} × ${row.ratio.of}` : ''} | ${n(row.cpuUsPerReq)} | ${n(row.peakRssMB)} |`,
    );
  }
  return lines.join('\n');
}

export function goalsTable(goals: readonly Goal[]): string {
  const lines = ['| figure | goal | measured | met |', '| --- | --- | --- | --- |'];
  for (const g of goals) {
    lines.push(
      `| ${g.figure} | ${g.target} | ${g.measured} | ${g.met === 'pending' ? 'pending' : g.met ? 'yes' : 'no'} |`,
    );
  }
  return lines.join('\n');
}

/** The issue's goals, judged against this run's rows. */
export function judge(rows: readonly Row[]): Goal[] {
  const row = (key: string) => rows.find((r) => r.key === key);
  const append = row('append');
  const status = row('status');
  const timeline = row('timeline');
  const long = row('append-long');
  const rebuild = row('rebuild');
  const pgAppend = row('pg-append');
  const mixedWrites = row('mixed-writes');
  const mixedReads = row('mixed-reads');
  const withMillion = rows.filter((r) => r.key.startsWith('stored-'));
  const appendRate = append?.load?.reqPerSec ?? 0;
  const appendRatio = append?.ratio?.value ?? 0;
  const peak = Math.max(...withMillion.map((r) => r.peakRssMB ?? 0));
  /** A goal whose scenario this run did not measure (`--only`) is pending, not failed. */
  const judged = (measured: Row | undefined, text: () => string, met: () => boolean) =>
    measured ? { measured: text(), met: met() } : { measured: 'pending', met: 'pending' as const };
  return [
    {
      figure: 'durable appends/s (64 connections)',
      target: '≥ 5,000 and ≥ 0.45 × ceiling',
      ...judged(
        append,
        () => `${n(appendRate)} (${n(appendRatio, 2)} × ceiling)`,
        () => appendRate >= 5000 && appendRatio >= 0.45,
      ),
    },
    {
      figure: 'append p99 latency',
      target: '≤ 25 ms',
      ...judged(
        append,
        () => `${n(append?.load?.latency.p99, 1)} ms`,
        () => (append?.load?.latency.p99 ?? Infinity) <= 25,
      ),
    },
    {
      figure: 'status reads/s',
      target: '≥ 0.7 × ceiling',
      ...judged(
        status,
        () => `${n(status?.load?.reqPerSec)} (${n(status?.ratio?.value, 2)} × ceiling)`,
        () => (status?.ratio?.value ?? 0) >= 0.7,
      ),
    },
    {
      figure: 'timeline reads/s (200 events)',
      target: '≥ 0.5 × ceiling',
      ...judged(
        timeline,
        () => `${n(timeline?.load?.reqPerSec)} (${n(timeline?.ratio?.value, 2)} × ceiling)`,
        () => (timeline?.ratio?.value ?? 0) >= 0.5,
      ),
    },
    {
      figure: 'append to a long stream vs a fresh one (mean latency)',
      target: '≤ 1.2 ×',
      ...judged(
        long,
        () => `${n(long?.ratio?.value, 2)} ×`,
        () => (long?.ratio?.value ?? Infinity) <= 1.2,
      ),
    },
    {
      figure: 'projection rebuild',
      target: '≥ 100,000 events/s',
      measured: rebuild?.status === 'ok' ? `${n(rebuild.eventsPerSec)} events/s` : 'pending',
      met: rebuild?.status === 'ok' ? (rebuild.eventsPerSec ?? 0) >= 100_000 : 'pending',
    },
    {
      figure: 'PostgreSQL, 2 instances, 64 connections: durable appends/s',
      target: '≥ 3,000, p99 ≤ 50 ms',
      measured: pgAppend
        ? `${n(pgAppend.load?.reqPerSec)}, p99 ${n(pgAppend.load?.latency.p99, 1)} ms`
        : 'pending',
      met: pgAppend
        ? (pgAppend.load?.reqPerSec ?? 0) >= 3000 && (pgAppend.load?.latency.p99 ?? Infinity) <= 50
        : 'pending',
    },
    {
      figure: 'mixed on SQLite: appends beside 56 readers',
      target: '≥ 0.5 × alone (8 connections)',
      measured: mixedWrites ? `${n(mixedWrites.ratio?.value, 2)} × alone` : 'pending',
      met: mixedWrites ? (mixedWrites.ratio?.value ?? 0) >= 0.5 : 'pending',
    },
    {
      figure: 'mixed on SQLite: status reads beside 8 writers',
      target: '≥ 0.6 × alone, p99 ≤ 15 ms',
      measured: mixedReads
        ? `${n(mixedReads.ratio?.value, 2)} × alone, p99 ${n(mixedReads.load?.latency.p99, 1)} ms`
        : 'pending',
      met: mixedReads
        ? (mixedReads.ratio?.value ?? 0) >= 0.6 && (mixedReads.load?.latency.p99 ?? Infinity) <= 15
        : 'pending',
    },
    {
      figure: 'server peak RSS with the large store',
      target: '≤ 300 MB',
      ...judged(
        withMillion[0],
        () => `${n(peak)} MB`,
        () => peak <= 300,
      ),
    },
  ];
}
