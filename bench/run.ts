import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { answeredIn, runLoad, runLoadRaw, summarize, type RawLoad, type RequestFactory } from './load.js';
import {
  postgresCpuMs,
  resetStatements,
  startBenchPostgres,
  statementsTable,
  topStatements,
  type StatementTime,
} from './postgres.js';
import { freePort, ProcessMeter, startChild, stopChild, waitUntilReady, type Child } from './processes.js';
import { runRebuild } from './rebuild.js';
import { goalsTable, judge, resultsTable, type Row } from './report.js';
import {
  authHeaders,
  BENCH_KEY,
  consultation,
  createSignedAgreement,
  getJson,
  growTo,
  inParallel,
} from './setup.js';

/**
 * `npm run bench [-- --quick] [-- --out file.json] [-- --keep]`: measures the real server
 * (a child process on a temporary SQLite file, durable settings) against a bare Nest +
 * Fastify hello-world (another child, the ceiling), driving both with autocannon from this
 * process. Prints a table and writes bench/results.json (a quick run writes to the temp
 * directory unless --out says otherwise).
 */

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const keep = args.includes('--keep');
const valueOf = (flag: string) => {
  const at = args.indexOf(flag);
  return at >= 0 ? args[at + 1] : undefined;
};
const out = resolve(
  valueOf('--out') ??
    (quick ? join(tmpdir(), 'treaty-ledger-bench-quick.json') : join(root, 'bench/results.json')),
);
/** `--only append,status`: run just those scenarios (for working on one figure). */
const only = valueOf('--only')?.split(',');
const selected = (key: string) => only === undefined || only.includes(key);
/** `--cpu-prof <dir>`: the application server writes a V8 CPU profile there when it stops. */
const cpuProfDir = valueOf('--cpu-prof');

const profile = quick
  ? {
      durationS: 1.5,
      rounds: 1,
      warmupS: 0.3,
      connections: 64,
      agreements: 100,
      timelineEvents: 200,
      longEvents: 1_000,
      latencyRounds: 1,
      latencyRoundS: 1,
      storedStreams: 100,
      storedPerStream: 200,
    }
  : {
      durationS: 12,
      rounds: 3,
      warmupS: 2,
      connections: 64,
      agreements: 1_000,
      timelineEvents: 200,
      longEvents: 10_000,
      latencyRounds: 3,
      latencyRoundS: 4,
      storedStreams: 5_000,
      storedPerStream: 200,
    };

/** `--duration <s>`: seconds each scenario is measured for (over all its rounds), instead of the profile's. */
if (valueOf('--duration')) profile.durationS = Number(valueOf('--duration'));

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);
const rows: Row[] = [];
/** PostgreSQL's own time during the pg-append runs, by statement. */
let pgStatements: StatementTime[] | undefined;
const work = mkdtempSync(join(tmpdir(), 'treaty-ledger-bench-'));
const children: Child[] = [];

async function startServer(
  name: string,
  script: string,
  env: Record<string, string>,
  readyPath: string,
  nodeFlags: string[] = [],
) {
  const port = await freePort();
  const child = startChild(name, [...nodeFlags, join(root, script)], {
    PORT: String(port),
    HOST: '127.0.0.1',
    ...env,
  });
  children.push(child);
  const url = `http://127.0.0.1:${port}`;
  await waitUntilReady(child, `${url}${readyPath}`, authHeaders);
  return { child, url };
}

function startApp(databaseUrl: string, name = 'treaty-ledger') {
  return startServer(
    name,
    'dist/src/main.js',
    {
      DATABASE_URL: databaseUrl,
      LOG_LEVEL: 'warn',
      RATE_LIMIT_PER_MINUTE: '0',
      AUTH_FAILURES_PER_MINUTE: '0',
      ADMIN_API_KEY: BENCH_KEY,
    },
    '/health',
    cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', resolve(cpuProfDir)] : [],
  );
}

/** Round-robin over ids, so concurrent requests rarely hit the same agreement. */
function rotating(
  ids: readonly string[],
  request: (id: string) => ReturnType<RequestFactory>,
): RequestFactory {
  let i = 0;
  return () => request(ids[i++ % ids.length]!);
}

const appendTo = (id: string) => ({
  method: 'POST',
  path: `/api/agreements/${id}/events`,
  headers: { ...authHeaders, 'content-type': 'application/json' },
  body: JSON.stringify(consultation()),
});
const readStatus = (id: string) => ({ method: 'GET', path: `/api/agreements/${id}`, headers: authHeaders });

async function load(url: string, connections: number, durationS: number, next: RequestFactory) {
  return runLoad({ url, connections, durationS, headers: authHeaders, next });
}

type Server = { child: Child; url: string };

/** One measured run with the server's peak RSS and CPU time per request. */
async function metered(
  key: string,
  name: string,
  server: Server,
  connections: number,
  durationS: number,
  next: RequestFactory,
): Promise<{ row: Row; raw: RawLoad }> {
  const meter = new ProcessMeter(server.child.pid).start();
  const raw = await runLoadRaw({ url: server.url, connections, durationS, headers: authHeaders, next });
  const { peakRssMB, cpuMs } = meter.stop();
  const result = summarize([raw]);
  const cpuUsPerReq = Math.round((cpuMs * 1000) / answeredIn(raw));
  return { row: { key, name, status: 'ok', load: result, peakRssMB, cpuUsPerReq }, raw };
}

/** A server measured alongside a scenario, for comparison: its ratio is to the same hello-world rounds. */
interface Reference {
  key: string;
  name: string;
  server: Server;
  next: RequestFactory;
}

/**
 * Warms up, then measures one scenario in rounds: each round the hello-world, then the scenario,
 * then any references, so that the machine's speed, which drifts during a run here, moves them
 * alike. Each row adds up its rounds; ratios are of those totals.
 */
async function measure(
  key: string,
  name: string,
  server: Server,
  ceiling: Server,
  next: RequestFactory,
  references: readonly Reference[] = [],
) {
  if (!selected(key)) return;
  log(`${name}: warming up`);
  await load(server.url, profile.connections, profile.warmupS, next);
  for (const ref of references) await load(ref.server.url, profile.connections, profile.warmupS, ref.next);
  log(`${name}: measuring, ${profile.rounds} rounds`);
  const roundS = profile.durationS / profile.rounds;
  const run = (on: Server, request: RequestFactory) =>
    metered('', '', on, profile.connections, roundS, request);
  const hellos: { row: Row; raw: RawLoad }[] = [];
  const runs: { row: Row; raw: RawLoad }[] = [];
  const referenceRuns = references.map((): { row: Row; raw: RawLoad }[] => []);
  for (let round = 0; round < profile.rounds; round++) {
    hellos.push(await run(ceiling, () => ({ method: 'GET', path: '/' })));
    runs.push(await run(server, next));
    for (const [i, ref] of references.entries()) referenceRuns[i]!.push(await run(ref.server, ref.next));
  }
  const hello = combine(`ceiling-${key}`, `  hello-world ceiling (with ${key})`, hellos);
  const ratioOf = (row: Row): Row => ({
    ...row,
    ratio: { value: round2(row.load!.reqPerSec / hello.load!.reqPerSec), of: 'ceiling' },
  });
  const row = ratioOf(combine(key, name, runs));
  rows.push(
    hello,
    row,
    ...references.map((ref, i) => ratioOf(combine(ref.key, ref.name, referenceRuns[i]!))),
  );
  log(
    `${name}: ${row.load!.reqPerSec} req/s, p99 ${row.load!.latency.p99} ms, ${row.cpuUsPerReq} µs CPU/req (ceiling ${hello.load!.reqPerSec} req/s, ${hello.cpuUsPerReq} µs CPU/req)`,
  );
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** Mean latency of sequential appends (one connection) to a long stream vs fresh ones, interleaved. */
async function longVersusFresh(server: Server, longId: string, freshIds: string[]) {
  if (!selected('append-long')) return;
  await load(server.url, 1, profile.warmupS, () => appendTo('bench-warm'));
  const fresh: { row: Row; raw: RawLoad }[] = [];
  const long: { row: Row; raw: RawLoad }[] = [];
  for (let round = 0; round < profile.latencyRounds; round++) {
    fresh.push(await metered('', '', server, 1, profile.latencyRoundS, () => appendTo(freshIds[round]!)));
    long.push(await metered('', '', server, 1, profile.latencyRoundS, () => appendTo(longId)));
  }
  const f = combine('append-fresh', 'append to a fresh stream (sequential)', fresh);
  const l = combine(
    'append-long',
    `append to a ${profile.longEvents.toLocaleString('en-US')}-event stream (sequential)`,
    long,
  );
  l.ratio = { value: round2(l.load!.latency.mean / f.load!.latency.mean), of: 'fresh (mean latency)' };
  rows.push(f, l);
  log(`append latency: fresh ${f.load!.latency.mean} ms, long ${l.load!.latency.mean} ms`);
}

/** Rounds of one scenario as one row. */
function combine(key: string, name: string, rounds: readonly { row: Row; raw: RawLoad }[]): Row {
  const answered = (r: Row) => r.load!.requests + r.load!.non2xx;
  const cpuUs = rounds.reduce((a, { row }) => a + row.cpuUsPerReq! * answered(row), 0);
  return {
    key,
    name,
    status: 'ok',
    load: summarize(rounds.map((r) => r.raw)),
    peakRssMB: Math.max(...rounds.map(({ row }) => row.peakRssMB ?? 0)),
    cpuUsPerReq: Math.round(cpuUs / rounds.reduce((a, { row }) => a + answered(row), 0)),
  };
}

async function appScenarios(ceiling: Server): Promise<void> {
  if (!['append', 'status', 'timeline', 'mixed', 'append-long'].some(selected)) return;
  const server = await startApp(`sqlite:${join(work, 'app.db')}`);
  log(`creating ${profile.agreements} agreements and the timeline, long and fresh streams`);
  const ids = Array.from({ length: profile.agreements }, (_, i) => `bench-${i}`);
  const freshIds = Array.from({ length: profile.latencyRounds }, (_, i) => `bench-fresh-${i}`);
  await inParallel([...ids, ...freshIds, 'bench-warm', 'bench-timeline', 'bench-long'], 32, (id) =>
    createSignedAgreement(server.url, id),
  );
  await growTo(server.url, 'bench-timeline', profile.timelineEvents);
  if (selected('append-long')) await growTo(server.url, 'bench-long', profile.longEvents);
  const timelinePath = `/api/agreements/bench-timeline/timeline?limit=${profile.timelineEvents}`;
  const timeline = await getJson<{ items: unknown[] }>(server.url, timelinePath);
  const timelineBytes = Buffer.byteLength(JSON.stringify(timeline));
  if (timeline.items.length !== profile.timelineEvents) {
    throw new Error(`the timeline holds ${timeline.items.length} entries, not ${profile.timelineEvents}`);
  }

  await measure(
    'append',
    `append (1 event per POST, ${profile.agreements.toLocaleString('en-US')} agreements)`,
    server,
    ceiling,
    rotating(ids, appendTo),
  );
  // The status route's framework machinery alone (guard, query bus, headers, hooks, logger), with
  // a canned body: the part of the gap to the ceiling that is not reading the agreement.
  const pipeline = selected('status')
    ? await startServer('pipeline-world', 'dist/bench/pipeline-world.js', {}, '/api/agreements/x')
    : undefined;
  await measure('status', 'read status', server, ceiling, rotating(ids, readStatus), [
    {
      key: 'ceiling-pipeline',
      name: "  hello-world with the status route's request pipeline, canned body",
      server: pipeline!,
      next: rotating(ids, readStatus),
    },
  ]);
  if (pipeline) await stopChild(pipeline.child);
  // What the same number of bytes costs the hello-world: the part of the gap that is the size.
  await measure(
    'timeline',
    `read a ${profile.timelineEvents}-event timeline`,
    server,
    ceiling,
    () => ({ method: 'GET', path: timelinePath, headers: authHeaders }),
    [
      {
        key: 'ceiling-sized',
        name: `  hello-world, canned ${Math.round(timelineBytes / 1024)} KB body (the timeline's size)`,
        server: ceiling,
        next: () => ({ method: 'GET', path: `/sized/${timelineBytes}` }),
      },
    ],
  );
  await mixed(server, ids);
  await longVersusFresh(server, 'bench-long', freshIds);
  await stopChild(server.child);
}

/**
 * Reads a server's /metrics: logs `store.append`'s mean time since the last scrape (the append
 * histogram's sum and count) and returns the event loop's 99th-percentile delay since then, in ms
 * (prom-client's `nodejs_eventloop_lag_p99_seconds`: monitorEventLoopDelay, reset on every collect),
 * with the read caches' lookups so far (SQLite's status and stream-version caches; NaN without them).
 */
async function scrape(url: string): Promise<{ lagMs: number; lookups: { hit: number; miss: number } }> {
  const text = await (await fetch(`${url}/metrics`, { headers: { ...authHeaders } })).text();
  const sample = (pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? NaN);
  const lag = sample(/^nodejs_eventloop_lag_p99_seconds (\S+)$/m);
  const sum = sample(/^treaty_ledger_append_duration_seconds_sum (\S+)$/m);
  const count = sample(/^treaty_ledger_append_duration_seconds_count (\S+)$/m);
  const before = appendTotals.get(url) ?? { sum: 0, count: 0 };
  if (count > before.count) {
    log(
      `  store.append mean ${round2(((sum - before.sum) / (count - before.count)) * 1000)} ms over ${count - before.count} appends (${url})`,
    );
  }
  appendTotals.set(url, { sum, count });
  return {
    lagMs: round2(lag * 1000),
    lookups: {
      hit: sample(/^treaty_ledger_read_cache_lookups_total\{result="hit"\} (\S+)$/m),
      miss: sample(/^treaty_ledger_read_cache_lookups_total\{result="miss"\} (\S+)$/m),
    },
  };
}

/** Each server's append-duration histogram sum and count at its last scrape. */
const appendTotals = new Map<string, { sum: number; count: number }>();

/**
 * Reads and writes at once, as a treaty office and its analysts load one instance: 56 connections
 * read status while 8 append, and each side alone in the same round (writes alone, reads alone,
 * then both), so that the machine's drift moves them alike. Each row's ratio is to its side alone;
 * the event loop's p99 delay is measured over each run.
 */
async function mixed(server: Server, ids: readonly string[]) {
  if (!selected('mixed')) return;
  const readers = 56;
  const writers = 8;
  const reads = rotating(ids, readStatus);
  const writes = rotating(ids, appendTo);
  log(`mixed (${readers} reading status, ${writers} appending): warming up`);
  await Promise.all([
    load(server.url, writers, profile.warmupS, writes),
    load(server.url, readers, profile.warmupS, reads),
  ]);
  log(`mixed: measuring, ${profile.rounds} rounds`);
  const roundS = profile.durationS / profile.rounds;
  const runs = { readsAlone: [], writesAlone: [], reads: [], writes: [] } as Record<
    'readsAlone' | 'writesAlone' | 'reads' | 'writes',
    { row: Row; raw: RawLoad }[]
  >;
  const lag = { readsAlone: [] as number[], writesAlone: [] as number[], both: [] as number[] };
  const lookups = { hit: 0, miss: 0 };
  for (let round = 0; round < profile.rounds; round++) {
    await scrape(server.url);
    runs.writesAlone.push(await metered('', '', server, writers, roundS, writes));
    lag.writesAlone.push((await scrape(server.url)).lagMs);
    runs.readsAlone.push(await metered('', '', server, readers, roundS, reads));
    const afterReads = await scrape(server.url);
    lag.readsAlone.push(afterReads.lagMs);
    // Both at once: the server's CPU is shared, so it is given per request of either kind.
    const meter = new ProcessMeter(server.child.pid).start();
    const [w, r] = await Promise.all([
      runLoadRaw({
        url: server.url,
        connections: writers,
        durationS: roundS,
        headers: authHeaders,
        next: writes,
      }),
      runLoadRaw({
        url: server.url,
        connections: readers,
        durationS: roundS,
        headers: authHeaders,
        next: reads,
      }),
    ]);
    const { peakRssMB, cpuMs } = meter.stop();
    const afterBoth = await scrape(server.url);
    lag.both.push(afterBoth.lagMs);
    lookups.hit += afterBoth.lookups.hit - afterReads.lookups.hit;
    lookups.miss += afterBoth.lookups.miss - afterReads.lookups.miss;
    const answered = answeredIn(w) + answeredIn(r);
    const cpuUsPerReq = Math.round((cpuMs * 1000) / answered);
    for (const [raw, list] of [
      [w, runs.writes],
      [r, runs.reads],
    ] as const) {
      list.push({
        row: { key: '', name: '', status: 'ok', load: summarize([raw]), peakRssMB, cpuUsPerReq },
        raw,
      });
    }
  }
  const worst = (xs: number[]) => Math.max(...xs);
  const writesAlone = combine(
    'mixed-writes-alone',
    `  appends alone (${writers} connections; event loop p99 ${worst(lag.writesAlone)} ms)`,
    runs.writesAlone,
  );
  const readsAlone = combine(
    'mixed-reads-alone',
    `  status reads alone (${readers} connections; event loop p99 ${worst(lag.readsAlone)} ms)`,
    runs.readsAlone,
  );
  const looked = lookups.hit + lookups.miss;
  const hits = looked > 0 ? `${Math.round((100 * lookups.hit) / looked)} %` : '–';
  const both = `event loop p99 ${worst(lag.both)} ms; read cache hits ${hits}`;
  const writesMixed = combine(
    'mixed-writes',
    `mixed: appends (${writers} connections) beside ${readers} readers (${both})`,
    runs.writes,
  );
  const readsMixed = combine(
    'mixed-reads',
    `mixed: status reads (${readers} connections) beside ${writers} writers`,
    runs.reads,
  );
  writesMixed.ratio = {
    value: round2(writesMixed.load!.reqPerSec / writesAlone.load!.reqPerSec),
    of: 'alone',
  };
  readsMixed.ratio = { value: round2(readsMixed.load!.reqPerSec / readsAlone.load!.reqPerSec), of: 'alone' };
  rows.push(writesAlone, readsAlone, writesMixed, readsMixed);
  log(
    `mixed: appends ${writesMixed.load!.reqPerSec}/s (${writesMixed.ratio.value} × alone, p99 ${writesMixed.load!.latency.p99} ms), ` +
      `reads ${readsMixed.load!.reqPerSec}/s (${readsMixed.ratio.value} × alone, p99 ${readsMixed.load!.latency.p99} ms), ${both}`,
  );
}

/** Several runs at the same time as one: their rates add up, their latencies pool. */
function atOnce(raws: readonly RawLoad[]): RawLoad {
  return {
    connections: raws.reduce((a, r) => a + r.connections, 0),
    elapsedS: Math.max(...raws.map((r) => r.elapsedS)),
    latencies: raws.flatMap((r) => r.latencies),
    otherStatuses: summarize(raws).otherStatuses,
    errors: raws.reduce((a, r) => a + r.errors, 0),
  };
}

const exerciseOn = (id: string) => ({
  method: 'POST',
  path: `/api/agreements/${id}/events`,
  headers: { ...authHeaders, 'content-type': 'application/json' },
  body: JSON.stringify({
    type: 'ExerciseHeld',
    occurredOn: '2021-06-10',
    data: {
      name: 'Keen Sword',
      startedOn: '2021-06-01',
      endedOn: '2021-06-10',
      participants: ['USA', 'JPN'],
    },
  }),
});

/**
 * Two instances on one PostgreSQL (durable: fsync and synchronous_commit on), 32 connections
 * appending `ExerciseHeld` to each, over the same 500 signed agreements (each instance starts
 * half way round from the other). Rounds alternate with the hello-world as elsewhere. Server
 * CPU per request is given per instance, and PostgreSQL's (all its processes) per request too;
 * pg_stat_statements says which statements took the database's time.
 */
async function pgAppend(ceiling: Server): Promise<void> {
  if (!selected('pg-append')) return;
  const agreements = 500;
  const perInstance = profile.connections / 2;
  log('pg-append: starting PostgreSQL (fsync and synchronous_commit on) and two instances');
  const postgres = await startBenchPostgres();
  try {
    const instances = [
      await startApp(postgres.url, 'treaty-ledger-pg-1'),
      await startApp(postgres.url, 'treaty-ledger-pg-2'),
    ];
    const ids = Array.from({ length: agreements }, (_, i) => `bench-pg-${i}`);
    log(`pg-append: creating ${agreements} signed agreements`);
    await inParallel(ids, 16, (id) => createSignedAgreement(instances[0]!.url, id));
    const shifted = [...ids.slice(agreements / 2), ...ids.slice(0, agreements / 2)];
    const nexts = [rotating(ids, exerciseOn), rotating(shifted, exerciseOn)];
    const both = (durationS: number) =>
      Promise.all(
        instances.map((server, i) =>
          runLoadRaw({
            url: server.url,
            connections: perInstance,
            durationS,
            headers: authHeaders,
            next: nexts[i]!,
          }),
        ),
      );
    log('pg-append: warming up');
    await both(profile.warmupS);
    await resetStatements(postgres.url);
    log(`pg-append: measuring, ${profile.rounds} rounds`);
    const roundS = profile.durationS / profile.rounds;
    const hellos: { row: Row; raw: RawLoad }[] = [];
    const runs: RawLoad[] = [];
    const cpu = { instances: [0, 0], postgres: 0, answered: [0, 0] };
    // The event loop's p99 delay of each instance, over each round (the scrape resets it).
    const lag = [[] as number[], [] as number[]];
    for (const server of instances) await scrape(server.url);
    let peakRssMB = 0;
    for (let round = 0; round < profile.rounds; round++) {
      hellos.push(
        await metered('', '', ceiling, profile.connections, roundS, () => ({ method: 'GET', path: '/' })),
      );
      const meters = instances.map((s) => new ProcessMeter(s.child.pid).start());
      const pgCpuAtStart = postgresCpuMs(postgres.pid);
      const raws = await both(roundS);
      cpu.postgres += postgresCpuMs(postgres.pid) - pgCpuAtStart;
      for (const [i, server] of instances.entries()) lag[i]!.push((await scrape(server.url)).lagMs);
      meters.forEach((meter, i) => {
        const used = meter.stop();
        cpu.instances[i]! += used.cpuMs;
        peakRssMB = Math.max(peakRssMB, used.peakRssMB);
        cpu.answered[i]! += answeredIn(raws[i]!);
      });
      runs.push(atOnce(raws));
    }
    pgStatements = await topStatements(postgres.url, 16);
    const hello = combine('ceiling-pg-append', '  hello-world ceiling (with pg-append)', hellos);
    const answered = cpu.answered[0]! + cpu.answered[1]!;
    const perReq = (ms: number, n: number) => Math.round((ms * 1000) / n);
    const load = summarize(runs);
    const row: Row = {
      key: 'pg-append',
      name:
        `PostgreSQL: append, 2 instances × ${perInstance} connections (${agreements} agreements); ` +
        `CPU µs/req instance 1 ${perReq(cpu.instances[0]!, cpu.answered[0]!)}, instance 2 ${perReq(cpu.instances[1]!, cpu.answered[1]!)}, ` +
        `PostgreSQL ${perReq(cpu.postgres, answered)}; event loop p99 ${Math.max(...lag[0]!)} and ${Math.max(...lag[1]!)} ms`,
      status: 'ok',
      load,
      ratio: { value: round2(load.reqPerSec / hello.load!.reqPerSec), of: 'ceiling' },
      cpuUsPerReq: perReq(cpu.instances[0]! + cpu.instances[1]! + cpu.postgres, answered),
      peakRssMB,
    };
    rows.push(hello, row);
    log(
      `pg-append: ${load.reqPerSec} req/s, p99 ${load.latency.p99} ms, ${row.cpuUsPerReq} µs CPU/req in all (ceiling ${hello.load!.reqPerSec} req/s)`,
    );
    for (const server of instances) await stopChild(server.child);
  } finally {
    await postgres.stop();
  }
}

async function storedScenarios(ceiling: Server): Promise<void> {
  if (!['seed', 'rebuild', 'stored-append', 'stored-status'].some(selected)) return;
  const dbFile = join(work, 'stored.db');
  const total = profile.storedStreams * profile.storedPerStream;
  log(`seeding ${total.toLocaleString('en-US')} events straight through the SqliteEventStore`);
  const seeder = startChild(
    'seed',
    [
      join(root, 'dist/bench/seed.js'),
      dbFile,
      String(profile.storedStreams),
      String(profile.storedPerStream),
    ],
    {},
  );
  const seedMeter = new ProcessMeter(seeder.pid).start();
  const code = await seeder.exited;
  const seedPeak = seedMeter.stop().peakRssMB;
  if (code !== 0) throw new Error(`seeding failed:\n${seeder.output()}`);
  const seeded = JSON.parse(seeder.output().trim().split('\n').pop()!) as { events: number; seconds: number };
  rows.push({
    key: 'seed',
    name: 'bulk append through the store (100-event appends, 50 per commit)',
    status: 'ok',
    events: seeded.events,
    seconds: Math.round(seeded.seconds * 100) / 100,
    eventsPerSec: Math.round(seeded.events / seeded.seconds),
    peakRssMB: seedPeak,
  });

  if (selected('rebuild')) {
    log('rebuilding the projections');
    rows.push(await runRebuild(root, dbFile, total));
  }

  const server = await startApp(`sqlite:${dbFile}`);
  const ids = Array.from({ length: Math.min(1_000, profile.storedStreams) }, (_, i) => `seed-${i}`);
  const label = `with ${total.toLocaleString('en-US')} events stored`;
  await measure('stored-append', `append ${label}`, server, ceiling, rotating(ids, appendTo));
  await measure('stored-status', `read status ${label}`, server, ceiling, rotating(ids, readStatus));
  await stopChild(server.child);
}

function machine() {
  const cpu = cpus();
  return {
    cpuModel: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    memoryGB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

async function main(): Promise<void> {
  const startedAt = new Date();
  // Other work on the machine moves every figure: the load average says how much there was.
  const loadAtStart = loadavg().map((x) => round2(x));
  log(`${quick ? 'quick run' : 'full run'}; working in ${work}`);
  const ceiling = await startServer('hello-world', 'dist/bench/hello-world.js', {}, '/');
  await appScenarios(ceiling);
  await pgAppend(ceiling);
  await storedScenarios(ceiling);
  await stopChild(ceiling.child);

  const goals = judge(rows);
  const results = {
    date: startedAt.toISOString(),
    quick,
    machine: { ...machine(), loadAverage: { atStart: loadAtStart, atEnd: loadavg().map((x) => round2(x)) } },
    profile,
    rows,
    goals,
    ...(pgStatements ? { postgresStatements: pgStatements } : {}),
  };
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  const m = results.machine;
  console.log(
    `\nTreaty Ledger benchmark, ${results.date.slice(0, 10)}${quick ? ' (quick run: small seeds, short runs)' : ''}`,
  );
  console.log(`${m.cpuModel}, ${m.cores} cores, ${m.memoryGB} GB, Node.js ${m.node}`);
  const load = m.loadAverage;
  console.log(
    `load average (1, 5, 15 min): ${load.atStart.join(', ')} at the start, ${load.atEnd.join(', ')} at the end\n`,
  );
  console.log(resultsTable(rows));
  if (pgStatements) {
    console.log(`\nPostgreSQL's own time during pg-append (pg_stat_statements, all rounds):\n`);
    console.log(statementsTable(pgStatements));
  }
  console.log(`\n${goalsTable(goals)}\n`);
  console.log(`Wrote ${out}`);
}

try {
  await main();
} catch (error) {
  log(`failed: ${String((error as Error)?.stack ?? error)}`);
  process.exitCode = 1;
} finally {
  for (const child of children) await stopChild(child);
  if (!keep) rmSync(work, { recursive: true, force: true });
  else log(`kept ${work}`);
}
