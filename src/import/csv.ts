/**
 * A small RFC 4180 reader: comma-separated fields, double-quoted fields may hold commas,
 * line breaks and doubled quotes (""), records end with CRLF or LF. Each record keeps the
 * 1-based line it starts on (the header is line 1), so a warning can point at the file.
 */

export interface CsvRecord {
  /** The physical line the record starts on (header = 1). */
  line: number;
  values: string[];
}

export interface CsvTable {
  file: string;
  header: string[];
  records: CsvRecord[];
}

export class CsvError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    message: string,
  ) {
    super(`${file}:${line}: ${message}`);
    this.name = 'CsvError';
  }
}

/** Splits CSV text into records; throws CsvError on an unterminated quote or a stray quote. */
export function parseCsvRecords(text: string, file = 'input.csv'): CsvRecord[] {
  const records: CsvRecord[] = [];
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  let line = 1;
  let recordLine = 1;
  let field = '';
  let values: string[] = [];
  let quoted = false;
  let afterQuote = false;
  let quoteLine = 1;

  const endRecord = () => {
    values.push(field);
    // A blank line (one empty field) is not a record.
    if (!(values.length === 1 && values[0] === '')) records.push({ line: recordLine, values });
    values = [];
    field = '';
    afterQuote = false;
  };

  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (quoted) {
      if (c === '"') {
        if (body[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          quoted = false;
          afterQuote = true;
        }
      } else {
        if (c === '\n') line++;
        field += c;
      }
      continue;
    }
    if (c === ',') {
      values.push(field);
      field = '';
      afterQuote = false;
    } else if (c === '\n' || (c === '\r' && body[i + 1] === '\n')) {
      if (c === '\r') i++;
      endRecord();
      line++;
      recordLine = line;
    } else if (c === '"') {
      if (field !== '' || afterQuote) throw new CsvError(file, line, 'a quote inside an unquoted field');
      quoted = true;
      quoteLine = line;
    } else {
      if (afterQuote) throw new CsvError(file, line, 'text after a closing quote');
      field += c;
    }
  }
  if (quoted) throw new CsvError(file, quoteLine, 'a quoted field is never closed');
  if (field !== '' || values.length > 0 || afterQuote) endRecord();
  return records;
}

/** Parses a CSV file with a header row; checks every record has the header's width. */
export function parseCsv(text: string, file: string): CsvTable {
  const [head, ...records] = parseCsvRecords(text, file);
  if (!head) throw new CsvError(file, 1, 'the file is empty (no header row)');
  for (const r of records) {
    if (r.values.length !== head.values.length) {
      throw new CsvError(file, r.line, `has ${r.values.length} fields, the header has ${head.values.length}`);
    }
  }
  return { file, header: head.values.map((h) => h.trim()), records };
}

/** Named access to a table's columns; a missing required column is an error naming the file. */
export function columns<const K extends string>(
  table: CsvTable,
  names: readonly K[],
): (record: CsvRecord, name: K) => string {
  const index = new Map<string, number>();
  for (const name of names) {
    const i = table.header.indexOf(name);
    if (i < 0) throw new CsvError(table.file, 1, `has no column "${name}"`);
    index.set(name, i);
  }
  return (record, name) => (record.values[index.get(name)!] ?? '').trim();
}
