import type { AgreementState } from '../domain/agreement.state.js';

export interface VersionedState {
  state: AgreementState;
  version: number;
}

/**
 * The state each agreement was left in by this instance's own last append to it, with the
 * version it is the state of: deciding the next command needs no read. It can be stale (another
 * process or instance appended since), which is safe: the append carries the version it was
 * decided against, the store refuses it when the stream has moved on, and the handler then drops
 * the entry and decides again on the row it reads. Least recently written evicted first.
 */
export class RecentStates {
  private readonly entries = new Map<string, VersionedState>();

  constructor(private readonly capacity = 10_000) {}

  get(id: string): VersionedState | undefined {
    return this.entries.get(id);
  }

  set(id: string, entry: VersionedState): void {
    this.entries.delete(id);
    this.entries.set(id, entry);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  delete(id: string): void {
    this.entries.delete(id);
  }
}
