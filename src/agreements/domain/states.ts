import { CURRENT_STATES, HISTORICAL_STATES } from './states.data.js';

/** A state a party code may name: a present one (ISO 3166-1 alpha-3) or a historical one (COW-<abbrev>). */
export interface State {
  code: string;
  name: string;
  historical: boolean;
  /** Its Correlates of War code, for a historical state. */
  cowCode?: number;
  /** The states that took its place, where that is known. */
  successors?: readonly string[];
}

/** Every known state: the present ones by code, then the historical ones (data: states.data.ts). */
export const STATES: readonly State[] = [
  ...CURRENT_STATES.map(([code, name]) => ({ code, name, historical: false })),
  ...HISTORICAL_STATES.map(([code, name, cowCode, successors]) => ({
    code,
    name,
    historical: true,
    cowCode,
    ...(successors ? { successors } : {}),
  })),
];

const BY_CODE = new Map(STATES.map((s) => [s.code, s]));

export const isKnownState = (code: string): boolean => BY_CODE.has(code);

/** The state's English name, or the code itself for one the registry does not know. */
export const stateName = (code: string): string => BY_CODE.get(code)?.name ?? code;
