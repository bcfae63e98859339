/**
 * Schema evolution: an upcaster turns the data of one event type from one schema
 * version into the next. They are applied on read, in sequence, so old events are
 * never rewritten (their hashes stay valid) and the domain only sees the latest shape.
 */
export interface Upcaster {
  type: string;
  fromVersion: number;
  upcast(data: Record<string, unknown>): Record<string, unknown>;
}

export const UPCASTERS = Symbol('Upcasters');

export class UpcasterChain {
  private readonly byKey = new Map<string, Upcaster>();

  constructor(upcasters: readonly Upcaster[] = []) {
    for (const u of upcasters) this.byKey.set(`${u.type}@${u.fromVersion}`, u);
  }

  apply<T extends { type: string; schemaVersion: number; data: Record<string, unknown> }>(event: T): T {
    if (this.byKey.size === 0) return event;
    let { schemaVersion, data } = event;
    for (
      let u = this.byKey.get(`${event.type}@${schemaVersion}`);
      u;
      u = this.byKey.get(`${event.type}@${schemaVersion}`)
    ) {
      data = u.upcast(data);
      schemaVersion++;
    }
    return schemaVersion === event.schemaVersion ? event : { ...event, schemaVersion, data };
  }
}
