import { h, replace, s } from './dom.js';
import { dayNumber, eventLabel, formatDate, formatMonth, LANES, laneOf, todayIso } from './format.js';

/**
 * The visual timeline: an SVG with a date axis and one lane per kind of event. Events close
 * together in a lane merge into one marker (with a count) until the reader zooms in. The
 * markers are one keyboard stop: arrow keys move between them, +/− zoom, and focus or hover
 * shows the details. The same events are listed as text under the chart.
 */

const AXIS_HEIGHT = 40;
const LANE_HEIGHT = 46;
const EDGE = 24;
const MARKER_GAP = 24;
const ZOOMS = [1, 2, 4, 8, 16, 32, 64];

const ENDING = new Set(['AgreementTerminated']);
const SIGNING = new Set([
  'AgreementSigned',
  'AgreementEnteredIntoForce',
  'AgreementRatified',
  'PartyAcceded',
]);

/** Year or month ticks, as far apart as the width allows. */
function ticks(start, end, width) {
  const pxPerDay = width / Math.max(end - start, 1);
  const pxPerYear = pxPerDay * 365.25;
  const first = new Date(start * 86_400_000);
  const out = [];
  if (pxPerYear / 12 >= 64 || pxPerYear / 4 >= 64 || pxPerYear / 2 >= 64) {
    const stepMonths = pxPerYear / 12 >= 64 ? 1 : pxPerYear / 4 >= 64 ? 3 : 6;
    let y = first.getUTCFullYear();
    let m = Math.ceil(first.getUTCMonth() / stepMonths) * stepMonths;
    for (;;) {
      if (m >= 12) {
        y += Math.floor(m / 12);
        m %= 12;
      }
      const day = Date.UTC(y, m, 1) / 86_400_000;
      if (day > end) break;
      if (day >= start) out.push({ day, label: m === 0 ? String(y) : formatMonth(y, m), major: m === 0 });
      m += stepMonths;
    }
    return out;
  }
  const step = [1, 2, 5, 10, 20, 25, 50, 100, 200].find((years) => pxPerYear * years >= 64) ?? 500;
  for (let y = Math.ceil(first.getUTCFullYear() / step) * step; ; y += step) {
    const day = Date.UTC(y, 0, 1) / 86_400_000;
    if (day > end) break;
    if (day >= start) out.push({ day, label: String(y), major: true });
  }
  return out;
}

/**
 * Groups a lane's events (sorted by date) so that no two markers overlap: neighbours closer
 * than MARKER_GAP merge, and the group sits at the mean of its events.
 */
function clusters(entries, x) {
  const groups = [];
  for (const entry of entries) {
    groups.push({ entries: [entry], sum: x(entry.day) });
    for (;;) {
      const last = groups[groups.length - 1];
      const before = groups[groups.length - 2];
      if (!before || last.sum / last.entries.length - before.sum / before.entries.length >= MARKER_GAP) break;
      groups.pop();
      before.entries.push(...last.entries);
      before.sum += last.sum;
    }
  }
  return groups.map((g) => ({ entries: g.entries, x: g.sum / g.entries.length }));
}

function describe(entries) {
  const first = entries[0];
  if (entries.length === 1) {
    return `${formatDate(first.occurredOn)}: ${eventLabel(first.type)}. ${first.summary}`;
  }
  const last = entries[entries.length - 1];
  const when =
    first.occurredOn === last.occurredOn
      ? formatDate(first.occurredOn)
      : `${formatDate(first.occurredOn)} to ${formatDate(last.occurredOn)}`;
  return `${entries.length} events, ${when}: ${entries.map((e) => e.summary).join('; ')}`;
}

function shapeFor(entries, lane) {
  const types = new Set(entries.map((e) => e.type));
  const cls = ['marker-shape', `lane-${lane.id}`];
  if (types.has('AgreementWithdrawn') || types.has('AgreementTerminated')) cls.push('is-ending');
  const size = entries.length > 1 ? 9 : 7;
  if ([...types].some((t) => ENDING.has(t) || t === 'AgreementWithdrawn')) {
    return s('rect', { class: cls.join(' '), x: -size, y: -size, width: size * 2, height: size * 2, rx: 2 });
  }
  if ([...types].every((t) => SIGNING.has(t))) {
    return s('path', {
      class: cls.join(' '),
      d: `M0 ${-size - 2} L${size + 2} 0 L0 ${size + 2} L${-size - 2} 0 Z`,
    });
  }
  return s('circle', { class: cls.join(' '), r: size });
}

export function createTimeline(root) {
  const labels = root.querySelector('.lane-labels');
  const scroller = root.querySelector('.chart-scroll');
  const chart = root.querySelector('.chart-svg');
  const tooltip = root.querySelector('.tooltip');
  let zoomIndex = 0;
  let data = { entries: [], agreement: undefined, fresh: new Set() };
  let markers = [];
  let active = 0;
  /** The event under the keyboard cursor, found again after zooming or a live redraw regroups the markers. */
  let activePosition;
  let lastWidth = 0;

  function hideTooltip() {
    tooltip.hidden = true;
  }

  function showTooltip(marker) {
    const entries = marker.entries;
    replace(
      tooltip,
      entries
        .slice(0, 6)
        .map((e) =>
          h(
            'div',
            { class: 'tip-event' },
            h(
              'div',
              { class: 'tip-head' },
              h('strong', {}, formatDate(e.occurredOn)),
              ' · ',
              eventLabel(e.type),
            ),
            h('div', {}, e.summary),
            e.actor ? h('div', { class: 'muted' }, `recorded by ${e.actor}`) : null,
          ),
        ),
      entries.length > 6
        ? h('div', { class: 'muted' }, `and ${entries.length - 6} more: zoom in to separate them`)
        : null,
    );
    tooltip.hidden = false;
    const box = root.getBoundingClientRect();
    const at = marker.node.getBoundingClientRect();
    const width = tooltip.offsetWidth;
    const left = Math.min(Math.max(at.left + at.width / 2 - box.left - width / 2, 4), box.width - width - 4);
    tooltip.style.left = `${left}px`;
    const below = at.bottom - box.top + 8;
    tooltip.style.top = `${below}px`;
  }

  function focusMarker(index, { scroll = true } = {}) {
    if (markers.length === 0) return;
    active = Math.max(0, Math.min(index, markers.length - 1));
    activePosition = markers[active].entries[0].position;
    markers.forEach((m, i) => m.node.setAttribute('tabindex', i === active ? '0' : '-1'));
    const marker = markers[active];
    marker.node.focus({ preventScroll: true });
    if (scroll) {
      const left = marker.x - scroller.clientWidth / 2;
      if (marker.x < scroller.scrollLeft + 20 || marker.x > scroller.scrollLeft + scroller.clientWidth - 20) {
        scroller.scrollLeft = left;
      }
    }
    showTooltip(marker);
  }

  function nearestInLane(laneIndex) {
    const current = markers[active];
    let best = -1;
    markers.forEach((m, i) => {
      if (m.lane !== laneIndex) return;
      if (best < 0 || Math.abs(m.x - current.x) < Math.abs(markers[best].x - current.x)) best = i;
    });
    return best;
  }

  function onKey(event) {
    const current = markers[active];
    switch (event.key) {
      case 'ArrowRight':
        focusMarker(active + 1);
        break;
      case 'ArrowLeft':
        focusMarker(active - 1);
        break;
      case 'Home':
        focusMarker(0);
        break;
      case 'End':
        focusMarker(markers.length - 1);
        break;
      case 'ArrowDown':
      case 'ArrowUp': {
        const step = event.key === 'ArrowDown' ? 1 : -1;
        for (let lane = current.lane + step; lane >= 0 && lane < LANES.length; lane += step) {
          const found = nearestInLane(lane);
          if (found >= 0) {
            focusMarker(found);
            break;
          }
        }
        break;
      }
      case '+':
      case '=':
        zoom(1);
        break;
      case '-':
        zoom(-1);
        break;
      case '0':
        zoom(-ZOOMS.length);
        break;
      case 'Escape':
        hideTooltip();
        break;
      default:
        return;
    }
    event.preventDefault();
  }

  function render() {
    const { entries, agreement, fresh } = data;
    const viewWidth = Math.max(scroller.clientWidth, 240);
    lastWidth = scroller.clientWidth;
    const width = Math.round(viewWidth * ZOOMS[zoomIndex]);
    const narrow = root.clientWidth < 560;
    const lanes = LANES.filter((lane) => !lane.optional || entries.some((e) => lane.types.includes(e.type)));
    const height = AXIS_HEIGHT + lanes.length * LANE_HEIGHT;

    const placed = entries.map((e) => ({ ...e, day: dayNumber(e.occurredOn) }));
    const today = dayNumber(todayIso());
    const endedOn = agreement?.endedOn ? dayNumber(agreement.endedOn) : undefined;
    const days = placed.map((e) => e.day);
    let start = days.length ? Math.min(...days) : today - 365;
    let end = Math.max(days.length ? Math.max(...days) : today, endedOn ?? today);
    const pad = Math.max((end - start) * 0.03, 20);
    start -= pad;
    end += pad;
    const x = (day) => EDGE + ((day - start) / (end - start)) * (width - 2 * EDGE);

    // Lane names stay put while the chart scrolls under them.
    const labelWidth = narrow ? 88 : 196;
    labels.setAttribute('width', String(labelWidth));
    labels.setAttribute('height', String(height));
    labels.setAttribute('viewBox', `0 0 ${labelWidth} ${height}`);
    replace(
      labels,
      lanes.map((lane, i) =>
        s(
          'text',
          { class: 'lane-label', x: 8, y: AXIS_HEIGHT + i * LANE_HEIGHT + LANE_HEIGHT / 2 + 4 },
          narrow ? lane.short : lane.label,
        ),
      ),
    );

    chart.setAttribute('width', String(width));
    chart.setAttribute('height', String(height));
    chart.setAttribute('viewBox', `0 0 ${width} ${height}`);
    const layers = [];

    layers.push(
      lanes.map((lane, i) =>
        s('rect', {
          class: `lane-bg${i % 2 ? ' odd' : ''}`,
          x: 0,
          y: AXIS_HEIGHT + i * LANE_HEIGHT,
          width,
          height: LANE_HEIGHT,
        }),
      ),
    );

    const tickMarks = ticks(start, end, width);
    layers.push(
      s(
        'g',
        { class: 'axis', 'aria-hidden': 'true' },
        s('line', { class: 'axis-line', x1: 0, x2: width, y1: AXIS_HEIGHT - 0.5, y2: AXIS_HEIGHT - 0.5 }),
        tickMarks.map((t) => [
          s('line', {
            class: t.major ? 'grid major' : 'grid',
            x1: x(t.day),
            x2: x(t.day),
            y1: AXIS_HEIGHT - 6,
            y2: height,
          }),
          s('text', { class: 'tick-label', x: x(t.day) + 4, y: AXIS_HEIGHT - 10 }, t.label),
        ]),
      ),
    );

    // The period the agreement has been binding: signed, then in force, up to its end or today.
    const lifecycle = lanes.findIndex((lane) => lane.id === 'lifecycle');
    const laneY = (i) => AXIS_HEIGHT + i * LANE_HEIGHT + LANE_HEIGHT / 2;
    if (agreement?.signedOn) {
      const until = endedOn ?? today;
      const from = dayNumber(agreement.signedOn);
      layers.push(
        s('rect', {
          class: 'band band-signed',
          x: x(from),
          y: laneY(lifecycle) - 3,
          width: Math.max(x(until) - x(from), 1),
          height: 6,
          rx: 3,
        }),
      );
      if (agreement.inForceOn) {
        const inForce = dayNumber(agreement.inForceOn);
        layers.push(
          s('rect', {
            class: 'band band-in-force',
            x: x(inForce),
            y: laneY(lifecycle) - 3,
            width: Math.max(x(until) - x(inForce), 1),
            height: 6,
            rx: 3,
          }),
        );
      }
    }

    // Signature and end are marked across every lane.
    const rules = [];
    if (agreement?.signedOn)
      rules.push({ day: dayNumber(agreement.signedOn), label: 'Signed', cls: 'rule-signed' });
    if (agreement?.endedOn) {
      const label =
        agreement.status === 'withdrawn'
          ? 'Withdrawn'
          : agreement.status === 'terminated'
            ? 'Terminated'
            : 'Ended';
      rules.push({ day: endedOn, label, cls: 'rule-ended' });
    }
    if (today > start && today < end && !agreement?.endedOn)
      rules.push({ day: today, label: 'Today', cls: 'rule-today' });
    layers.push(
      rules.map((r) =>
        s(
          'g',
          { class: `rule ${r.cls}`, 'aria-hidden': 'true' },
          s('line', { x1: x(r.day), x2: x(r.day), y1: 4, y2: height }),
          // Near the right edge the label goes on the left of its line.
          x(r.day) > width - 64
            ? s('text', { x: x(r.day) - 4, y: 14, class: 'rule-label', 'text-anchor': 'end' }, r.label)
            : s('text', { x: x(r.day) + 4, y: 14, class: 'rule-label' }, r.label),
        ),
      ),
    );

    markers = [];
    lanes.forEach((lane, laneIndex) => {
      const inLane = placed
        .filter((e) => laneOf(e.type).id === lane.id)
        .sort((a, b) => a.day - b.day || a.position - b.position);
      for (const group of clusters(inLane, x)) {
        const label = describe(group.entries);
        const isFresh = group.entries.some((e) => fresh.has(e.position));
        const node = s(
          'g',
          {
            class: `marker${isFresh ? ' is-new' : ''}`,
            transform: `translate(${group.x.toFixed(1)} ${laneY(laneIndex)})`,
            tabindex: '-1',
            role: 'img',
            'aria-label': label,
            dataset: {
              positions: group.entries.map((e) => e.position).join(' '),
              date: group.entries[0].occurredOn,
              dates: group.entries.map((e) => e.occurredOn).join(' '),
              lane: lane.id,
            },
          },
          s('title', {}, label),
          s('circle', { class: 'hit', r: 14 }),
          shapeFor(group.entries, lane),
          group.entries.length > 1
            ? s('text', { class: 'marker-count', y: 3.5 }, String(group.entries.length))
            : null,
        );
        markers.push({ node, x: group.x, lane: laneIndex, entries: group.entries });
      }
    });
    markers.sort((a, b) => a.x - b.x || a.lane - b.lane);
    const found = markers.findIndex((m) => m.entries.some((e) => e.position === activePosition));
    active = found >= 0 ? found : Math.min(active, Math.max(markers.length - 1, 0));
    markers.forEach((m, i) => {
      m.node.setAttribute('tabindex', i === active ? '0' : '-1');
      m.node.addEventListener('focus', () => {
        active = i;
        activePosition = m.entries[0].position;
        markers.forEach((o, j) => o.node.setAttribute('tabindex', j === i ? '0' : '-1'));
        showTooltip(m);
      });
      m.node.addEventListener('blur', hideTooltip);
      m.node.addEventListener('mouseenter', () => showTooltip(m));
      m.node.addEventListener('mouseleave', () => {
        if (document.activeElement !== m.node) hideTooltip();
      });
      m.node.addEventListener('keydown', onKey);
      m.node.addEventListener('click', () => focusMarker(i, { scroll: false }));
    });
    layers.push(
      s(
        'g',
        { class: 'markers' },
        markers.map((m) => m.node),
      ),
    );
    replace(chart, layers);
    root.querySelector('.zoom-level').textContent = `${ZOOMS[zoomIndex]}×`;
  }

  function zoom(step) {
    const next = Math.max(0, Math.min(ZOOMS.length - 1, zoomIndex + step));
    if (next === zoomIndex) return;
    // Keep the middle of the view where it is.
    const middle = (scroller.scrollLeft + scroller.clientWidth / 2) / Math.max(chart.clientWidth || 1, 1);
    const hadFocus = chart.contains(document.activeElement);
    zoomIndex = next;
    render();
    scroller.scrollLeft = middle * chart.clientWidth - scroller.clientWidth / 2;
    hideTooltip();
    if (hadFocus && markers.length) focusMarker(active, { scroll: true });
  }

  root.querySelector('.zoom-in').addEventListener('click', () => zoom(1));
  root.querySelector('.zoom-out').addEventListener('click', () => zoom(-1));
  root.querySelector('.zoom-fit').addEventListener('click', () => zoom(-ZOOMS.length));
  scroller.addEventListener('scroll', hideTooltip, { passive: true });
  new ResizeObserver(() => {
    if (scroller.clientWidth !== lastWidth) render();
  }).observe(scroller);

  return {
    /** Draws the entries (timeline read model rows); `fresh` positions get a highlight. */
    show(entries, agreement, fresh = new Set()) {
      // A live update redraws the chart: whoever was reading a marker keeps their place.
      const hadFocus = chart.contains(document.activeElement);
      data = { entries, agreement, fresh };
      render();
      if (hadFocus) focusMarker(active, { scroll: false });
    },
  };
}
