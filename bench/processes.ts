import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** A child process the benchmark started: its output tail is kept to explain a failure. */
export interface Child {
  name: string;
  process: ChildProcess;
  pid: number;
  output(): string;
  exited: Promise<number | null>;
}

const started = new Set<ChildProcess>();
// If the orchestrator dies, it takes only the children it started with it.
process.on('exit', () => {
  for (const child of started) if (child.exitCode === null) child.kill('SIGKILL');
});

/** Starts `command` (node itself unless named) with extra environment variables. */
export function startChild(
  name: string,
  args: string[],
  env: Record<string, string>,
  command = process.execPath,
): Child {
  const child = spawn(command, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`${name} did not start`);
  started.add(child);
  const tail: string[] = [];
  const keep = (chunk: Buffer) => {
    tail.push(chunk.toString());
    if (tail.length > 100) tail.shift();
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      started.delete(child);
      resolve(code);
    }),
  );
  return { name, process: child, pid: child.pid, output: () => tail.join(''), exited };
}

export async function stopChild(child: Child): Promise<void> {
  if (child.process.exitCode !== null) return;
  child.process.kill('SIGTERM');
  const timer = setTimeout(() => child.process.kill('SIGKILL'), 15_000);
  await child.exited;
  clearTimeout(timer);
}

/** Polls `url` until it answers 200, or fails if the child exits or 60 s pass. */
export async function waitUntilReady(child: Child, url: string, headers: Record<string, string> = {}) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.process.exitCode !== null) {
      throw new Error(`${child.name} exited with ${child.process.exitCode}:\n${child.output()}`);
    }
    try {
      const response = await fetch(url, { headers });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${child.name} was not ready in 60 s:\n${child.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * What one process used during one scenario: peak resident memory and CPU time. The peak
 * resets the kernel's high-water mark (/proc/<pid>/clear_refs "5") at the start and reads
 * VmHWM at the end, so no peak between samples is missed; VmRSS is also sampled every 50 ms
 * in case the reset is refused. CPU time (user + system, from /proc/<pid>/stat) is the
 * figure that other processes on a busy machine disturb least.
 */
export class ProcessMeter {
  private peakKb = 0;
  private hwmReset = false;
  private cpuAtStart = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly pid: number) {}

  start(): this {
    try {
      writeFileSync(`/proc/${this.pid}/clear_refs`, '5');
      this.hwmReset = true;
    } catch {
      this.hwmReset = false;
    }
    this.peakKb = 0;
    this.cpuAtStart = cpuMs(this.pid) ?? 0;
    this.sample();
    clearInterval(this.timer);
    // Unref'd: a meter left running never keeps the benchmark from exiting.
    this.timer = setInterval(() => this.sample(), 50).unref();
    return this;
  }

  stop(): { peakRssMB: number; cpuMs: number } {
    clearInterval(this.timer);
    this.sample();
    const hwm = this.hwmReset ? (readStatusKb(this.pid, 'VmHWM') ?? 0) : 0;
    const cpu = cpuMs(this.pid);
    return {
      peakRssMB: Math.round(Math.max(this.peakKb, hwm) / 1024),
      cpuMs: cpu === undefined ? NaN : cpu - this.cpuAtStart,
    };
  }

  private sample(): void {
    this.peakKb = Math.max(this.peakKb, readStatusKb(this.pid, 'VmRSS') ?? 0);
  }
}

/** Linux reports CPU time in clock ticks of 10 ms (USER_HZ = 100 on every mainstream kernel). */
const MS_PER_TICK = 10;

/** A process's CPU time so far (user + system), in ms; undefined once it has gone. */
export function cpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces: count fields after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * MS_PER_TICK;
  } catch {
    return undefined;
  }
}

function readStatusKb(pid: number, field: string): number | undefined {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(
      readFileSync(`/proc/${pid}/status`, 'utf8'),
    );
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}
