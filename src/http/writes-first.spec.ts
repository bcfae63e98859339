import { describe, expect, it } from '@jest/globals';
import { fewPerTurn } from './writes-first.js';

/** The turn of the event loop each item ran in, counted by a ticker that runs once a turn. */
async function turnsOf(items: number, perTurn: number): Promise<number[]> {
  const later = fewPerTurn(perTurn);
  const ranIn: number[] = [];
  let turn = 0;
  let ticking = true;
  const tick = () => {
    turn += 1;
    if (ticking) setImmediate(tick);
  };
  setImmediate(tick);
  await new Promise<void>((resolve) => {
    for (let i = 0; i < items; i++) {
      later(() => {
        ranIn.push(turn);
        if (ranIn.length === items) resolve();
      });
    }
  });
  ticking = false;
  return ranIn;
}

describe('fewPerTurn: reads a few per turn of the event loop', () => {
  it('runs every item in arrival order, at most perTurn of them a turn, each turn after the last', async () => {
    const ranIn = await turnsOf(20, 8);
    expect(ranIn).toHaveLength(20);
    const perTurn = new Map<number, number>();
    for (const t of ranIn) perTurn.set(t, (perTurn.get(t) ?? 0) + 1);
    expect([...perTurn.values()]).toEqual([8, 8, 4]);
    const turns = [...perTurn.keys()];
    expect(turns).toEqual([turns[0], turns[0]! + 1, turns[0]! + 2]);
  });
});
