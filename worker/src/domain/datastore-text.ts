// Reading tabular text: encoding and delimiter sniffing, and a streaming CSV parser fed chunk by chunk
// (RFC 4180 quoting, CRLF/LF/CR line ends, quoted newlines), so files far beyond memory-sized strings load.
import type { Notice } from './datastore-types';

export type TextEncodingName = 'utf-8' | 'windows-1252' | 'utf-16le' | 'utf-16be';

export interface EncodingGuess {
  encoding: TextEncodingName;
  /** Bytes to skip at the start (byte order mark). */
  bomLength: number;
}

export class TabularError extends Error {
  constructor(readonly notice: Notice) {
    super(notice.key);
  }
}

/** Decides the encoding from the first bytes; throws when they are not text at all. */
export function sniffEncoding(sample: Uint8Array): EncodingGuess {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return { encoding: 'utf-8', bomLength: 3 };
  if (sample[0] === 0xff && sample[1] === 0xfe) return { encoding: 'utf-16le', bomLength: 2 };
  if (sample[0] === 0xfe && sample[1] === 0xff) return { encoding: 'utf-16be', bomLength: 2 };
  let controls = 0;
  for (const byte of sample) {
    // NUL never occurs in 8-bit text; other control bytes (except tab, CR, LF, form feed) are rare.
    if (byte === 0) throw new TabularError({ key: 'datastore.error.binary' });
    if (byte < 32 && byte !== 9 && byte !== 10 && byte !== 13 && byte !== 12) controls++;
  }
  if (controls > sample.length / 100) throw new TabularError({ key: 'datastore.error.binary' });
  try {
    // stream: true lets a multi-byte sequence cut at the end of the sample pass.
    new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(sample, { stream: true });
    return { encoding: 'utf-8', bomLength: 0 };
  } catch {
    return { encoding: 'windows-1252', bomLength: 0 };
  }
}

export const DELIMITERS = [',', ';', '\t', '|'] as const;
export type Delimiter = (typeof DELIMITERS)[number];

/** The delimiter giving the most columns consistently over the sample's first lines (`,` when none splits). */
export function sniffDelimiter(sample: string): Delimiter {
  let best: { delimiter: Delimiter; score: number } = { delimiter: ',', score: 0 };
  for (const delimiter of DELIMITERS) {
    const counts: number[] = [];
    const parser = new CsvParser(delimiter, (cells) => {
      if (counts.length < 50) counts.push(cells.length);
    });
    parser.push(sample.length > 65536 ? sample.slice(0, 65536) : sample);
    if (counts.length > 1 && sample.length > 65536) counts.pop(); // the last line of a cut sample may be partial
    if (counts.length === 0) continue;
    const header = counts[0]!;
    if (header < 2) continue;
    const consistent = counts.filter((n) => n === header).length / counts.length;
    const score = header * consistent * consistent;
    if (score > best.score) best = { delimiter, score };
  }
  return best.delimiter;
}

const QUOTE = 34;
const LF = 10;
const CR = 13;

/** Index of the delimiter or line break ending an unquoted stretch of a cell, or the text's length. */
function cellEnd(s: string, from: number, delimiter: number): number {
  let e = from;
  while (e < s.length) {
    const c = s.charCodeAt(e);
    if (c === delimiter || c === LF || c === CR) break;
    e++;
  }
  return e;
}
/** A single record longer than this without its closing quote is a broken file, not a long field. */
const MAX_PENDING = 8 * 1024 * 1024;

/**
 * Push parser: `push()` text chunks, `end()` at the end of input. `onRow` gets each record's cells and the
 * physical line where it starts. Blank lines are skipped.
 */
export class CsvParser {
  private buffer = '';
  private line = 1;
  private readonly delimiter: number;
  unterminatedQuoteLine: number | null = null;

  constructor(delimiter: string, private readonly onRow: (cells: string[], line: number) => void) {
    this.delimiter = delimiter.charCodeAt(0);
  }

  push(text: string): void {
    this.buffer = this.buffer.length > 0 ? this.buffer + text : text;
    this.parse(false);
    if (this.buffer.length > MAX_PENDING) throw new TabularError({ key: 'datastore.error.unterminatedQuote', params: { line: this.line } });
  }

  end(): void {
    this.parse(true);
    this.buffer = '';
  }

  private parse(final: boolean): void {
    const s = this.buffer;
    const n = s.length;
    const d = this.delimiter;
    let pos = 0;
    rows: while (pos < n) {
      const cells: string[] = [];
      let p = pos;
      let newlines = 0;
      for (;;) {
        if (p < n && s.charCodeAt(p) === QUOTE) {
          let value = '';
          let q = p + 1;
          for (;;) {
            const close = s.indexOf('"', q);
            if (close === -1 || (close + 1 === n && !final)) {
              if (!final) break rows;
              if (close === -1) {
                this.unterminatedQuoteLine ??= this.line;
                value += s.slice(q);
                p = n;
              } else {
                value += s.slice(q, close);
                p = close + 1;
              }
              break;
            }
            if (s.charCodeAt(close + 1) === QUOTE) {
              value += s.slice(q, close + 1);
              q = close + 2;
              continue;
            }
            value += s.slice(q, close);
            p = close + 1;
            break;
          }
          // Lenient: text after a closing quote and before the delimiter is kept (`"a"b` reads `ab`).
          const e = cellEnd(s, p, d);
          if (e === n && !final) break rows;
          if (e > p) value += s.slice(p, e);
          p = e;
          for (let i = value.indexOf('\n'); i !== -1; i = value.indexOf('\n', i + 1)) newlines++;
          cells.push(value);
        } else {
          const e = cellEnd(s, p, d);
          if (e === n && !final) break rows;
          cells.push(s.slice(p, e));
          p = e;
        }
        if (p >= n) {
          this.emit(cells, newlines);
          pos = n;
          break rows;
        }
        const c = s.charCodeAt(p);
        if (c === d) {
          p++;
          if (p === n) {
            if (!final) break rows;
            cells.push('');
            this.emit(cells, newlines);
            pos = n;
            break rows;
          }
          continue;
        }
        if (c === CR) {
          if (p + 1 === n && !final) break rows;
          p += s.charCodeAt(p + 1) === LF ? 2 : 1;
        } else {
          p++;
        }
        this.emit(cells, newlines + 1);
        pos = p;
        continue rows;
      }
    }
    this.buffer = pos === 0 ? s : s.slice(pos);
  }

  private emit(cells: string[], lines: number): void {
    const start = this.line;
    this.line += lines;
    if (cells.length === 1 && cells[0] === '') return;
    this.onRow(cells, start);
  }
}
