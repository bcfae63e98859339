/**
 * CSV files made in the page from what it shows (RFC 4180), downloaded without another request. A
 * cell a spreadsheet would read as a formula (=, +, -, @, tab or CR first) gets a leading ', as the
 * server's exports do: the titles and names come from outside.
 */

const FORMULA_START = /^[=+\-@\t\r]/;

function csvCell(value) {
  const raw = value === undefined || value === null ? '' : String(value);
  const text = FORMULA_START.test(raw) ? `'${raw}` : raw;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export const csvOf = (header, rows) =>
  [header, ...rows].map((cells) => cells.map(csvCell).join(',')).join('\r\n') + '\r\n';

/** A file name from a base and the filters: agreements-party-USA-status-in_force.csv. */
export function fileNameOf(base, params) {
  const parts = [base];
  for (const [name, value] of params) if (value) parts.push(name, value);
  return `${parts
    .join('-')
    .replace(/[^A-Za-z0-9_.-]+/g, '_')
    .slice(0, 180)}.csv`;
}

export function download(name, text, type = 'text/csv;charset=utf-8') {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
