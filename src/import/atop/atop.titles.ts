/** The English an import writes: agreement titles, renewal notes and amendment summaries. */
import type { Provision } from '../../agreements/domain/agreement.values.js';
import { type Phase, type Terms } from './atop.rows.js';
/** "United States – Japan alliance (1960)"; more than three founders: the first three and a count. */
export function titleOf(founders: readonly { name: string }[], begin: string): string {
  const names = [...new Set(founders.map((f) => f.name))];
  const year = begin.slice(0, 4);
  const who =
    names.length <= 3 ? names.join(' – ') : `${names.slice(0, 3).join(', ')} and ${names.length - 3} others`;
  const title = `${who} alliance (${year})`;
  return title.length <= 300 ? title : `${title.slice(0, 280)}… alliance (${year})`;
}

const PROVISION_TEXT: Partial<Record<Provision, string>> = { non_aggression: 'non-aggression' };
const provisionText = (list: readonly Provision[]) =>
  list.length === 0
    ? 'no listed obligations'
    : list.map((p) => PROVISION_TEXT[p] ?? p.replace(/_/g, ' ')).join(', ');

export function amendmentSummary(p: Phase, before: Terms): string {
  const term = p.terms.termMonths !== undefined ? `; minimum duration ${p.terms.termMonths} months` : '';
  const same =
    p.terms.provisions.join() === before.provisions.join() && p.terms.termMonths === before.termMonths;
  const note = same ? ' (provisions and duration unchanged; other clauses or members changed)' : '';
  return `ATOP phase ${p.phase} (${p.label}): ${provisionText(p.terms.provisions)}${term}${note}`;
}
