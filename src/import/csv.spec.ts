import { describe, expect, it } from '@jest/globals';
import { columns, CsvError, parseCsv, parseCsvRecords } from './csv.js';

describe('parseCsvRecords (RFC 4180)', () => {
  it('splits plain fields and keeps empty ones', () => {
    expect(parseCsvRecords('a,b,c\n1,,3\n').map((r) => r.values)).toEqual([
      ['a', 'b', 'c'],
      ['1', '', '3'],
    ]);
  });

  it('reads quoted fields with commas, doubled quotes and line breaks', () => {
    const records = parseCsvRecords('name,note\r\n"Paris, Treaty of","say ""yes""\r\nand go"\r\nx,y\r\n');
    expect(records.map((r) => r.values)).toEqual([
      ['name', 'note'],
      ['Paris, Treaty of', 'say "yes"\r\nand go'],
      ['x', 'y'],
    ]);
  });

  it('numbers each record by the line it starts on, counting line breaks inside quotes', () => {
    const records = parseCsvRecords('h1,h2\n"a\nb",c\nd,e\n\nf,g');
    expect(records.map((r) => r.line)).toEqual([1, 2, 4, 6]);
  });

  it('reads a last record without a final line break, and ignores a byte order mark', () => {
    expect(parseCsvRecords('\uFEFFa,b\n1,2').map((r) => r.values)).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
  });

  it('refuses an unterminated quote, naming the line it opened on', () => {
    expect(() => parseCsvRecords('a,b\n1,"open\n\n', 'x.csv')).toThrow(
      'x.csv:2: a quoted field is never closed',
    );
  });

  it('refuses a quote inside an unquoted field and text after a closing quote', () => {
    expect(() => parseCsvRecords('a,b"c\n')).toThrow(CsvError);
    expect(() => parseCsvRecords('"a"b,c\n')).toThrow(CsvError);
  });
});

describe('parseCsv', () => {
  it('refuses a record wider or narrower than the header, naming file and line', () => {
    expect(() => parseCsv('a,b\n1,2\n3\n', 't.csv')).toThrow('t.csv:3: has 1 fields, the header has 2');
  });

  it('gives named, trimmed access to columns and names a missing one', () => {
    const table = parseCsv('id, name \n7, Bavaria \n', 't.csv');
    const get = columns(table, ['id', 'name']);
    expect(get(table.records[0]!, 'name')).toBe('Bavaria');
    expect(() => columns(table, ['code'])).toThrow('t.csv:1: has no column "code"');
  });
});
