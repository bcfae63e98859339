import type { Agreement } from '../../domain/agreement.state.js';

export interface CachedState {
  state: Agreement;
  /** The milestone facts last written for it, as JSON: unchanged facts need no write. */
  milestones?: string;
}

/**
 * Recently folded agreement states, least recently used evicted first. Only for a
 * rebuild, which alone writes its tables: live tables can change under another process
 * (a second instance, a rebuild's swap), so the inline projections always read the row.
 */
export class StateCache {
  private readonly entries = new Map<string, CachedState>();

  constructor(private readonly capacity = 100_000) {}

  get(id: string): CachedState | undefined {
    const entry = this.entries.get(id);
    if (entry) {
      this.entries.delete(id);
      this.entries.set(id, entry);
    }
    return entry;
  }

  set(id: string, entry: CachedState): void {
    this.entries.delete(id);
    this.entries.set(id, entry);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }
}
