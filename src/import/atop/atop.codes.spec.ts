import { describe, expect, it } from '@jest/globals';
import { PARTY_PATTERN } from '../../agreements/domain/agreement.values.js';
import { ISO_BY_COW, partyResolver } from './atop.codes.js';

const resolve = partyResolver([
  { code: 2, abbreviation: 'USA', name: 'United States of America' },
  { code: 245, abbreviation: 'BAV', name: 'Bavaria' },
  { code: 255, abbreviation: 'GMY', name: 'Germany' },
  { code: 260, abbreviation: 'GFR', name: 'German Federal Republic' },
  { code: 265, abbreviation: 'GDR', name: 'German Democratic Republic' },
  { code: 300, abbreviation: 'AUH', name: 'Austria-Hungary' },
  { code: 305, abbreviation: 'AUS', name: 'Austria' },
  { code: 365, abbreviation: 'RUS', name: 'Russia' },
  { code: 713, abbreviation: 'TAW', name: 'Taiwan' },
  { code: 732, abbreviation: 'ROK', name: 'South Korea' },
  { code: 900, abbreviation: 'AUL', name: 'Australia' },
]);

describe('COW state codes → party codes', () => {
  it.each([
    [2, 'USA'],
    [713, 'TWN'],
    [732, 'KOR'],
    [365, 'RUS'],
    [255, 'DEU'],
    [260, 'DEU'],
    [305, 'AUT'],
    [900, 'AUS'],
  ])('COW %i is the modern state %s', (code, party) => {
    expect(resolve(code)).toMatchObject({ known: true, party });
  });

  it.each([
    [245, 'COW-BAV'],
    [265, 'COW-GDR'],
    [300, 'COW-AUH'],
  ])('COW %i, a state with no successor holding its code, stays %s', (code, party) => {
    expect(resolve(code)).toMatchObject({ known: true, party });
  });

  it('keeps a code in no table visibly as COW-<code>, never a guessed state', () => {
    expect(resolve(8152)).toEqual({ known: false, party: 'COW-8152', name: 'COW state 8152' });
  });

  it('names states by their COW name, with a short name for the United States', () => {
    expect(resolve(2).name).toBe('United States');
    expect(resolve(300).name).toBe('Austria-Hungary');
  });

  it('maps only to codes the domain accepts, and each ISO code to at most one COW code but Germany', () => {
    const codes = Object.values(ISO_BY_COW);
    for (const code of codes) expect(code).toMatch(PARTY_PATTERN);
    const repeated = codes.filter((c, i) => codes.indexOf(c) !== i);
    expect(repeated).toEqual(['DEU']);
  });
});
