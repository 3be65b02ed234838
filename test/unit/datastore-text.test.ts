import { describe, expect, it } from 'vitest';
import { CsvParser, sniffDelimiter, sniffEncoding, TabularError } from '../../worker/src/domain/datastore-text';

function parseInChunks(text: string, delimiter: string, size: number): Array<[string[], number]> {
  const rows: Array<[string[], number]> = [];
  const parser = new CsvParser(delimiter, (cells, line) => rows.push([cells, line]));
  for (let i = 0; i < text.length; i += size) parser.push(text.slice(i, i + size));
  parser.end();
  return rows;
}

describe('CSV parser', () => {
  const text = 'id,commentaire\r\n1,"Première ligne\nseconde"\r\n2,"Avec ""guillemets"", et virgule"\r\n\r\n3,\n4,fin';

  it('reads quoted newlines, doubled quotes, CRLF and blank lines, whatever the chunk size', () => {
    const expected = [
      [['id', 'commentaire'], 1], [['1', 'Première ligne\nseconde'], 2], [['2', 'Avec "guillemets", et virgule'], 4],
      [['3', ''], 6], [['4', 'fin'], 7],
    ];
    for (const size of [1, 2, 3, 7, 1000]) expect(parseInChunks(text, ',', size), `chunks of ${size}`).toEqual(expected);
  });

  it('reads an unterminated quote to the end of input and remembers where it started', () => {
    const rows: string[][] = [];
    const parser = new CsvParser(';', (cells) => rows.push(cells));
    parser.push('a;b\n1;"ouvert\n2;3\n');
    parser.end();
    expect(rows).toEqual([['a', 'b'], ['1', 'ouvert\n2;3\n']]);
    expect(parser.unterminatedQuoteLine).toBe(2);
  });
});

describe('encoding and delimiter sniffing', () => {
  it('tells UTF-8 (with or without BOM) from Windows-1252', () => {
    expect(sniffEncoding(new TextEncoder().encode('\ufeffcode;libellé'))).toEqual({ encoding: 'utf-8', bomLength: 3 });
    expect(sniffEncoding(new TextEncoder().encode('code;libellé'))).toEqual({ encoding: 'utf-8', bomLength: 0 });
    expect(sniffEncoding(Uint8Array.from([0x4e, 0xee, 0x6d, 0x65, 0x73]))).toEqual({ encoding: 'windows-1252', bomLength: 0 });
  });

  it('refuses binary bytes', () => {
    expect(() => sniffEncoding(Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00]))).toThrow(TabularError);
  });

  it.each([
    ['a,b,c\n1,2,3\n', ','],
    ['a;b;c\n1,5;2,5;3\n', ';'],
    ['a\tb\n1\t2\n', '\t'],
    ['a|b\n1|2\n', '|'],
    ['nom\nNîmes\n', ','],
  ])('finds the delimiter of %j', (sample, delimiter) => {
    expect(sniffDelimiter(sample)).toBe(delimiter);
  });
});
