/** Prepares the server's data over HTTP before the measured runs: the real write path. */

export const BENCH_KEY = 'tl_bench_admin_key_0123456789abcdef';
export const authHeaders = { authorization: `Bearer ${BENCH_KEY}` };

/** The event the append scenarios record, again and again. */
export const consultation = (occurredOn?: string) => ({
  type: 'ConsultationHeld',
  ...(occurredOn ? { occurredOn } : {}),
  data: { level: 'working', topics: ['logistics'] },
});

async function post(base: string, path: string, body: unknown): Promise<void> {
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { ...authHeaders, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
  await response.arrayBuffer();
}

export async function getJson<T>(base: string, path: string): Promise<T> {
  const response = await fetch(`${base}${path}`, { headers: authHeaders });
  if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** Runs `work` over `items`, at most `limit` at a time. */
export async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Proposes an agreement between USA and JPN and has both sign it: 3 events, status `signed`. */
export async function createSignedAgreement(base: string, id: string): Promise<void> {
  await post(base, '/api/agreements', {
    id,
    title: `Benchmark agreement ${id}`,
    parties: ['USA', 'JPN'],
    provisions: ['consultation', 'joint_exercises'],
    occurredOn: '2020-01-01',
  });
  await post(base, `/api/agreements/${id}/events`, [
    { type: 'AgreementSigned', occurredOn: '2020-01-02', data: { party: 'USA' } },
    { type: 'AgreementSigned', occurredOn: '2020-01-03', data: { party: 'JPN' } },
  ]);
}

/** Grows a signed agreement to `total` events, 100 per request. */
export async function growTo(base: string, id: string, total: number): Promise<void> {
  for (let have = 3; have < total; have += 100) {
    const n = Math.min(100, total - have);
    await post(
      base,
      `/api/agreements/${id}/events`,
      Array.from({ length: n }, () => consultation('2021-06-01')),
    );
  }
}
