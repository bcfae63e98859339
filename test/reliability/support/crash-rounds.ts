import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual, promisify } from 'node:util';
import { fold } from '../../../src/agreements/domain/agreement.state.js';
import { toAgreementEvent } from '../../../src/agreements/read/agreement-events.js';
import {
  bringIntoForce,
  eventIdsOf,
  proposal,
  random,
  runClient,
  send,
  type SentWrite,
} from './crash-workload.js';
import { getJson, MAIN, ROOT, startServer, type ServerProcess } from './server-process.js';
import { inspectStore, type StoreFacts } from './store-check.js';

export interface CrashRunOptions {
  rounds: number;
  clients?: number;
  seed?: number;
  /** Longest run of writes before the kill, in milliseconds (each round picks a random moment). */
  maxLoadMs?: number;
  log?: (line: string) => void;
}

export interface CrashRunReport {
  seed: number;
  rounds: number;
  /** Events in writes answered 2xx. */
  acknowledged: number;
  /** Of those, how many the final store holds (each exactly once). */
  found: number;
  lost: number;
  /** Writes cut off by a kill, and of their events how many turned out committed. */
  inDoubtWrites: number;
  inDoubtCommitted: number;
  refusedWrites: number;
  storedEvents: number;
}

/**
 * The crash loop shared by the e2e test and `npm run test:soak`: start the real server on
 * one SQLite file, write from several clients at once, SIGKILL it at a random moment, then
 * inspect what the crash left and restart. Throws, naming the first broken promise and the
 * seed, if an acknowledged event is missing or stored twice, a write is half stored, a
 * refused write left anything, or the store's own invariants break.
 */
export async function runCrashRounds(options: CrashRunOptions): Promise<CrashRunReport> {
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const rng = random(seed);
  const log = options.log ?? (() => undefined);
  const dir = mkdtempSync(join(tmpdir(), 'crash-rounds-'));
  const dbFile = join(dir, 'ledger.db');
  /** Event ids known to be committed (acknowledged, or found after a crash): must stay, once each. */
  const committed = new Map<string, string>();
  const acknowledged = new Set<string>();
  const report = { seed, rounds: 0, inDoubtWrites: 0, inDoubtCommitted: 0, refusedWrites: 0 };
  let server: ServerProcess | undefined;
  let inDoubt: SentWrite[] = [];
  const fail: (message: string) => never = (message) => {
    throw new Error(`Crash round ${report.rounds} (seed ${seed}): ${message}`);
  };

  const settle = (writes: readonly SentWrite[], facts: StoreFacts, when: string) => {
    for (const w of writes) {
      const present = w.eventIds.filter((id) => facts.byEventId.has(id));
      if (w.outcome === 'acknowledged') {
        for (const s of w.stored ?? []) {
          const found = facts.byEventId.get(s.eventId);
          if (!found) fail(`acknowledged event ${s.eventId} (${w.path}) is missing ${when}`);
          if (found.position !== s.position || found.version !== s.version || found.hash !== s.hash) {
            fail(`event ${s.eventId} was acknowledged at position ${s.position}, found at ${found.position}`);
          }
        }
        for (const id of w.eventIds) {
          if (!facts.byEventId.has(id)) fail(`acknowledged event ${id} (${w.path}) is missing ${when}`);
          acknowledged.add(id);
          committed.set(id, w.path);
        }
      } else if (w.outcome === 'refused') {
        report.refusedWrites++;
        if (present.length > 0) fail(`refused write ${w.path} (${w.status}) left ${present.length} event(s)`);
      } else if (present.length > 0 && present.length < w.eventIds.length) {
        fail(`write ${w.path} is half stored: ${present.length} of its ${w.eventIds.length} events`);
      }
    }
  };

  const inspect = async (writes: readonly SentWrite[], when: string) => {
    const facts = await inspectStore(dbFile);
    if (facts.problems.length > 0) fail(facts.problems.join('; '));
    for (const [id, path] of committed) {
      if (!facts.byEventId.has(id)) fail(`committed event ${id} (${path}) is missing ${when}`);
    }
    const known = new Set([...committed.keys(), ...writes.flatMap((w) => w.eventIds)]);
    for (const e of facts.events) if (!known.has(e.eventId)) fail(`event ${e.eventId} was never sent`);
    settle(writes, facts, when);
    return facts;
  };

  try {
    // The agreements the clients write to, created before any crash.
    server = await startServer({ dbFile });
    const agreements = Array.from({ length: 4 }, (_, i) => `crash-${i + 1}`);
    const setup: SentWrite[] = [];
    for (const id of agreements) {
      for (const write of [proposal(id), bringIntoForce(id)]) {
        const result = await send(server.url, { ...write, eventIds: eventIdsOf(write.body) });
        if (result.outcome !== 'acknowledged') fail(`setup write ${write.path} was ${result.outcome}`);
        setup.push(result);
      }
    }
    let proposals = 0;
    for (let round = 1; round <= options.rounds; round++) {
      report.rounds = round;
      // Retry what the last crash cut off, with the same event ids: committed ones come back
      // as they were stored (not a second time), the others are decided now.
      const retried = await Promise.all(inDoubt.map((w) => send(server!.url, w)));
      if (retried.some((w) => w.outcome === 'in-doubt')) fail('a retry after restart got no answer');
      const versions = new Map<string, number>();
      const sent: SentWrite[] = [...(round === 1 ? setup : []), ...retried];
      let stopped = false;
      const clients = Array.from({ length: options.clients ?? 4 }, () =>
        runClient(
          server!.url,
          random(rng.int(0, 2 ** 31)),
          agreements,
          versions,
          () => `crash-new-${++proposals}`,
          () => stopped,
          sent,
        ),
      );
      await new Promise((r) => setTimeout(r, rng.int(20, options.maxLoadMs ?? 600)));
      await server.kill('SIGKILL');
      stopped = true;
      await Promise.all(clients);

      inDoubt = sent.filter((w) => w.outcome === 'in-doubt');
      report.inDoubtWrites += inDoubt.length;
      const facts = await inspect(sent, 'after the crash');
      for (const w of inDoubt) {
        if (w.eventIds.every((id) => facts.byEventId.has(id))) {
          report.inDoubtCommitted += w.eventIds.length;
          for (const id of w.eventIds) committed.set(id, w.path);
        }
      }
      server = await startServer({ dbFile });
      await checkThroughHttp(server.url, facts, rng, fail);
      log(
        `round ${round}: ${sent.length} writes, ${facts.events.length} events stored, ` +
          `${acknowledged.size} acknowledged so far, ${inDoubt.length} in doubt`,
      );
    }
    const retried = await Promise.all(inDoubt.map((w) => send(server!.url, w)));
    const stop = await server.kill('SIGTERM');
    server = undefined;
    if (stop.code !== 0) fail(`the server exited with ${stop.code ?? stop.signal} on SIGTERM`);
    const facts = await inspect(retried, 'at the end');
    await auditVerify(dbFile, fail);
    const found = [...acknowledged].filter((id) => facts.byEventId.has(id)).length;
    return {
      ...report,
      acknowledged: acknowledged.size,
      found,
      lost: acknowledged.size - found,
      storedEvents: facts.events.length,
    };
  } finally {
    await server?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

/** After a restart the server itself serves what folding the stream gives, and its chains verify. */
async function checkThroughHttp(
  url: string,
  facts: StoreFacts,
  rng: ReturnType<typeof random>,
  fail: (message: string) => never,
): Promise<void> {
  const ids = [...new Set(facts.events.map((e) => e.streamId))];
  const sample = ids.filter((id) => id.startsWith('crash-') && !id.startsWith('crash-new-'));
  for (let i = 0; i < 3 && ids.length > 0; i++) sample.push(rng.pick(ids));
  for (const id of sample) {
    const stream = facts.events.filter((e) => e.streamId === id);
    const status = await getJson(url, `/api/agreements/${id}`);
    // A signed agreement with no entry into force on record says so beside its state (not known, not "never").
    const {
      version,
      entryIntoForce: _unknown,
      ...state
    } = status.body as { version: number; entryIntoForce?: string };
    const folded = JSON.parse(JSON.stringify(fold(stream.map((e) => toAgreementEvent(e)!))));
    if (status.status !== 200 || version !== stream.length || !isDeepStrictEqual(state, folded)) {
      fail(
        `after restart GET /api/agreements/${id} (${status.status}) differs from folding its ${stream.length} ` +
          `events: served ${JSON.stringify(status.body)}, folded ${JSON.stringify(folded)}`,
      );
    }
    const verify = await getJson(url, `/api/agreements/${id}/audit/verify`);
    if (verify.body?.valid !== true || verify.body?.checked !== stream.length) {
      fail(`after restart the audit of ${id} answers ${JSON.stringify(verify.body)}`);
    }
  }
}

/** The operator's own check, `node dist/scripts/audit-verify.js`, on the final file. */
async function auditVerify(dbFile: string, fail: (message: string) => never): Promise<void> {
  const script = join(MAIN, '..', '..', 'scripts', 'audit-verify.js');
  try {
    await promisify(execFile)(process.execPath, [script], {
      cwd: ROOT,
      env: { ...process.env, NODE_OPTIONS: '', DATABASE_URL: `sqlite:${dbFile}`, LOG_LEVEL: 'warn' },
    });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    fail(`audit-verify failed: ${stdout ?? ''}${stderr ?? ''}`);
  }
}
