/**
 * Serialized timeline pages of single agreements, each valid for one stream version.
 *
 * An agreement's timeline rows are written only by appends to its own stream (the inline
 * projection, in the append's transaction), so the page read at stream version V stays the
 * page for as long as the stream is at V; any append moves the version and misses the cache.
 * Reading a 200-entry page costs about 200 row reads and 40 KB of JSON; a hit costs a map
 * lookup. Pages are kept as UTF-8 bytes, so a hit is not encoded again for every response.
 * Least recently used pages go first once the byte budget is spent.
 */
export class TimelinePageCache {
  private readonly pages = new Map<string, { version: number; body: Buffer }>();
  private bytes = 0;

  constructor(private readonly maxBytes = 16 * 1024 * 1024) {}

  get(key: string, version: number): Buffer | undefined {
    const page = this.pages.get(key);
    if (page === undefined || page.version !== version) return undefined;
    // Map keeps insertion order: moving the page to the end marks it recently used.
    this.pages.delete(key);
    this.pages.set(key, page);
    return page.body;
  }

  set(key: string, version: number, body: Buffer): void {
    this.drop(key);
    if (body.length > this.maxBytes / 8) return;
    this.pages.set(key, { version, body });
    this.bytes += body.length;
    for (const oldest of this.pages.keys()) {
      if (this.bytes <= this.maxBytes) break;
      this.drop(oldest);
    }
  }

  private drop(key: string): void {
    const page = this.pages.get(key);
    if (page === undefined) return;
    this.pages.delete(key);
    this.bytes -= page.body.length;
  }
}
