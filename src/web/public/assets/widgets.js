import { h, replace } from './dom.js';
import { MILESTONE_STATUS_LABELS, partyName, statusLabel } from './format.js';

/** Small pieces shared by the pages. */

export function statusBadge(status) {
  return h('span', { class: `badge status-${status}` }, statusLabel(status));
}

export function milestoneBadge(status) {
  return h('span', { class: `badge milestone-${status}` }, MILESTONE_STATUS_LABELS[status] ?? status);
}

export function partyLink(code) {
  const name = partyName(code);
  return h('a', { class: 'party', href: `/parties/${encodeURIComponent(code)}`, title: name ?? code }, code);
}

/** Party codes as links; past `max` the rest are summarised as "+ N more". */
export function partyChips(codes, { max = Infinity } = {}) {
  const shown = codes.slice(0, max);
  return h(
    'span',
    { class: 'parties' },
    shown.map(partyLink),
    codes.length > shown.length
      ? h('span', { class: 'muted more-parties' }, `+ ${codes.length - shown.length} more`)
      : null,
  );
}

/** Shows (or, with no message, hides) a notice box. */
export function showNotice(element, message, tone = 'error') {
  element.hidden = !message;
  element.className = `notice notice-${tone}`;
  replace(element, message ?? '');
}
