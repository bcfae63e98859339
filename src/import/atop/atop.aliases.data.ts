/**
 * The names well-known ATOP alliances go by (ATOP itself names none: its titles here are made from
 * the founders), and the hand-made records of the same treaties in the demo. Curated by hand; each
 * alliance is identified by its ATOP begin date and founding members (atop-alliance-level.csv).
 */
export const ATOP_ALIASES: Readonly<Record<string, { aliases: readonly string[]; sameAs?: string }>> = {
  '3015': { aliases: ['Arab League', 'Pact of the League of Arab States'] },
  '3075': { aliases: ['Rio Treaty', 'Inter-American Treaty of Reciprocal Assistance', 'TIAR'] },
  '3130': { aliases: ['Brussels Treaty', 'Treaty of Brussels'] },
  '3180': {
    aliases: ['NATO', 'North Atlantic Treaty', 'Washington Treaty'],
    sameAs: 'north-atlantic-treaty-1949',
  },
  '3210': { aliases: ['Mutual Defense Treaty between the Philippines and the United States'] },
  '3215': { aliases: ['ANZUS', 'ANZUS Treaty'] },
  '3240': { aliases: ['Mutual Defense Treaty between the United States and the Republic of Korea'] },
  '3260': { aliases: ['SEATO', 'Manila Pact', 'Southeast Asia Collective Defense Treaty'] },
  '3275': { aliases: ['Baghdad Pact', 'CENTO', 'Central Treaty Organization'] },
  '3285': { aliases: ['Warsaw Pact', 'Treaty of Friendship, Co-operation and Mutual Assistance'] },
  '3375': {
    aliases: ['Treaty of Mutual Cooperation and Security between the United States and Japan', 'Anpo'],
    sameAs: 'usa-jpn-1960',
  },
  '4220': { aliases: ['Collective Security Treaty', 'Tashkent Treaty', 'CSTO'] },
};
