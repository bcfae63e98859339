import autocannon, { type AutocannonRequest } from 'autocannon';

/** One request of a load run, built fresh for every request sent. */
export type RequestFactory = () => AutocannonRequest;

export interface LoadOptions {
  url: string;
  connections: number;
  durationS: number;
  headers: Record<string, string>;
  next: RequestFactory;
}

export interface LoadResult {
  connections: number;
  durationS: number;
  /** 2xx responses. */
  requests: number;
  reqPerSec: number;
  /** Milliseconds, from every 2xx response (autocannon's own histogram rounds to whole ms). */
  latency: { mean: number; p50: number; p99: number; max: number };
  non2xx: number;
  errors: number;
  /** Status codes other than 2xx, with counts, to say what went wrong. */
  otherStatuses: Record<string, number>;
}

/** What one run saw, before summarizing: runs of the same scenario can be merged. */
export interface RawLoad {
  connections: number;
  elapsedS: number;
  latencies: number[];
  otherStatuses: Record<string, number>;
  errors: number;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  return summarize([await runLoadRaw(options)]);
}

/** Drives one server with autocannon, from this process, and times every response itself. */
export function runLoadRaw(options: LoadOptions): Promise<RawLoad> {
  const latencies: number[] = [];
  const otherStatuses: Record<string, number> = {};
  let errors = 0;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        duration: options.durationS,
        timeout: 30,
        headers: options.headers,
        requests: [{ setupRequest: (request) => ({ ...request, ...options.next() }) }],
      },
      (error) => {
        if (error) return reject(error);
        const elapsedS = (performance.now() - started) / 1000;
        resolve({ connections: options.connections, elapsedS, latencies, otherStatuses, errors });
      },
    );
    instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
      else otherStatuses[statusCode] = (otherStatuses[statusCode] ?? 0) + 1;
    });
    instance.on('reqError', () => errors++);
  });
}

/** The requests a run got an answer to, 2xx or not. */
export const answeredIn = (raw: RawLoad): number =>
  raw.latencies.length + Object.values(raw.otherStatuses).reduce((a, b) => a + b, 0);

/** Merges runs of one scenario into its figures. */
export function summarize(runs: readonly RawLoad[]): LoadResult {
  const sorted = Float64Array.from(runs.flatMap((r) => r.latencies)).sort();
  const elapsedS = runs.reduce((a, r) => a + r.elapsedS, 0);
  const otherStatuses: Record<string, number> = {};
  for (const r of runs) {
    for (const [code, count] of Object.entries(r.otherStatuses))
      otherStatuses[code] = (otherStatuses[code] ?? 0) + count;
  }
  const at = (q: number) =>
    sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : NaN;
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    connections: runs[0]?.connections ?? 0,
    durationS: round(elapsedS, 2),
    requests: sorted.length,
    reqPerSec: Math.round(sorted.length / elapsedS),
    latency: {
      mean: round(sorted.length ? sum / sorted.length : NaN, 3),
      p50: round(at(0.5), 3),
      p99: round(at(0.99), 3),
      max: round(sorted.length ? sorted[sorted.length - 1]! : NaN, 3),
    },
    non2xx: Object.values(otherStatuses).reduce((a, b) => a + b, 0),
    errors: runs.reduce((a, r) => a + r.errors, 0),
    otherStatuses,
  };
}

export const round = (value: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};
