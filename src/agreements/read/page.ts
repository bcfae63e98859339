/** A page of a keyset-paged list: `next` is the key of the last item when more follow. */
export interface Page<T, K> {
  items: T[];
  next?: K;
}

/** Turns `limit + 1` fetched rows into a page. */
export function toPage<T, K>(rows: T[], limit: number, keyOf: (row: T) => K): Page<T, K> {
  if (rows.length <= limit) return { items: rows };
  const items = rows.slice(0, limit);
  return { items, next: keyOf(items[items.length - 1]!) };
}
