// Type inference for tabular columns. Each value is classified into the set of readings it allows (a bit
// mask); a column's type is the best reading every non-null value allows. Null markers never break a typed
// column, and a column whose values genuinely disagree falls back to text with examples for the report.
import type { MessageKey, Params } from '../i18n';

/** A message for the ingest report, rendered in French when stored. */
export interface Notice {
  key: MessageKey;
  params?: Params;
}

export type ColumnType = 'integer' | 'decimal' | 'boolean' | 'date' | 'datetime' | 'text' | 'geometry';

/** How values of a column are read: the type plus the number style it was inferred from. */
export type Reading = 'integer' | 'integer_grouped' | 'decimal_dot' | 'decimal_comma' | 'boolean' | 'date' | 'datetime' | 'text' | 'geometry';

const INT = 1; // 42, -7 (no leading zero: "01234" is a code, kept as text)
const DEC_DOT = 2; // 3.14, 1e5, and integers
const INT_GROUPED = 4; // 1 234, 1.234 (thousands separators), and integers
const DEC_COMMA = 8; // 3,14, 1 234,5, 1.234,5, and integers
const BOOL = 16;
const DATE = 32; // 2024-03-01, 01/03/2024
const DATETIME = 64; // 2024-03-01T10:00:00, 01/03/2024 10:00, and dates
const ALL = INT | DEC_DOT | INT_GROUPED | DEC_COMMA | BOOL | DATE | DATETIME;
/** Digits with a leading zero (01, 011, 01001): a code, so a column of them is text, and not a mixed one. */
const CODE = 128;

/** Readings in order of preference and the bit that allows each. */
const READINGS: ReadonlyArray<[number, Reading]> = [
  [INT, 'integer'], [DEC_DOT, 'decimal_dot'], [INT_GROUPED, 'integer_grouped'], [DEC_COMMA, 'decimal_comma'],
  [BOOL, 'boolean'], [DATE, 'date'], [DATETIME, 'datetime'],
];

export const READING_TYPE: Record<Reading, ColumnType> = {
  integer: 'integer', integer_grouped: 'integer', decimal_dot: 'decimal', decimal_comma: 'decimal', boolean: 'boolean',
  date: 'date', datetime: 'datetime', text: 'text', geometry: 'geometry',
};

/** Written for "no value" by spreadsheets and exports; read as NULL in typed columns. */
export const NULL_MARKERS: ReadonlySet<string> = new Set(['', 'n/a', 'na', '-', '#n/a', 'null']);

const RE_INT = /^[+-]?(?:0|[1-9]\d{0,14})$/;
const RE_DEC_DOT = /^[+-]?(?:\d+\.\d+|\d+(?:\.\d+)?[eE][+-]?\d+|\.\d+)$/;
const RE_GROUPED = /^[+-]?\d{1,3}(?:([ \u00a0\u202f.])\d{3})(?:\1\d{3})*$/;
const RE_DEC_COMMA = /^[+-]?(?:\d+|\d{1,3}(?:([ \u00a0\u202f.])\d{3})(?:\1\d{3})*),\d+$/;
const RE_CODE = /^0\d+$/;
const RE_ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const RE_FR_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;
const RE_ISO_DATETIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/;
const RE_FR_DATETIME = /^(\d{1,2})\/(\d{1,2})\/(\d{4})[ T](\d{1,2})[:h](\d{2})(?::(\d{2}))?$/;
const BOOLEANS: Record<string, boolean> = { true: true, false: false, vrai: true, faux: false, oui: true, non: false };

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function validDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const leap = m === 2 && (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0));
  return d <= MONTH_DAYS[m - 1]! + (leap ? 1 : 0);
}

/** The shape of an ISO date (`2024-03-01`), checked before the number patterns, none of which it can match. */
const isoDateShape = (value: string) => value.length === 10 && value.charCodeAt(4) === 45 && value.charCodeAt(7) === 45;

const pad = (n: number | string, width = 2) => String(n).padStart(width, '0');

/** The readings a trimmed, non-null value allows. */
export function classify(value: string): number {
  const c = value.charCodeAt(0);
  const numeric = (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46;
  if (numeric) {
    if (isoDateShape(value)) {
      const m = RE_ISO_DATE.exec(value);
      if (m) return validDate(+m[1]!, +m[2]!, +m[3]!) ? DATE | DATETIME : 0;
    }
    if (RE_INT.test(value)) return INT | DEC_DOT | INT_GROUPED | DEC_COMMA;
    if (RE_DEC_DOT.test(value)) return DEC_DOT | (RE_GROUPED.test(value) ? INT_GROUPED | DEC_COMMA : 0);
    if (RE_GROUPED.test(value)) return INT_GROUPED | DEC_COMMA;
    if (RE_DEC_COMMA.test(value)) return DEC_COMMA;
    if (RE_CODE.test(value)) return CODE;
    let m = RE_ISO_DATE.exec(value);
    if (m) return validDate(+m[1]!, +m[2]!, +m[3]!) ? DATE | DATETIME : 0;
    m = RE_FR_DATE.exec(value);
    if (m) return validDate(+m[3]!, +m[2]!, +m[1]!) ? DATE | DATETIME : 0;
    m = RE_ISO_DATETIME.exec(value);
    if (m) return validDate(+m[1]!, +m[2]!, +m[3]!) && +m[4]! < 24 && +m[5]! < 60 ? DATETIME : 0;
    m = RE_FR_DATETIME.exec(value);
    if (m) return validDate(+m[3]!, +m[2]!, +m[1]!) && +m[4]! < 24 && +m[5]! < 60 ? DATETIME : 0;
    return 0;
  }
  return value.length <= 5 && value.toLowerCase() in BOOLEANS ? BOOL : 0;
}

export interface Example {
  line: number;
  value: string;
}

/** What reading the rows learns about one column. */
export class ColumnStats {
  mask = ALL;
  nonNull = 0;
  /** Non-empty null markers seen (N/A, -, …): counted for the report. */
  markers = 0;
  markerExamples: Example[] = [];
  /** Values per reading pattern (the bit mask classify() gives): few patterns occur, so counting them is cheap. */
  private readonly patterns = new Int32Array((ALL | CODE) + 1);
  private readonly patternExamples: Example[][] = [];
  /** Distinct values up to a cap: few distinct values make a column worth an index. */
  distinct: Set<string> | null = new Set();

  add(raw: string | null, line: number): void {
    const value = raw === null ? '' : raw.length > 0 && (raw.charCodeAt(0) <= 32 || raw.charCodeAt(raw.length - 1) <= 32) ? raw.trim() : raw;
    if (value.length <= 4 && NULL_MARKERS.has(value.toLowerCase())) {
      if (value !== '') {
        this.markers++;
        if (this.markerExamples.length < 3) this.markerExamples.push({ line, value });
      }
      return;
    }
    this.nonNull++;
    const bits = classify(value);
    this.mask &= bits;
    if (this.patterns[bits]!++ < 3) {
      (this.patternExamples[bits] ??= []).push({ line, value: value.length > 40 ? `${value.slice(0, 40)}…` : value });
    }
    if (this.distinct) {
      this.distinct.add(value);
      if (this.distinct.size > DISTINCT_CAP) this.distinct = null;
    }
  }

  reading(): Reading {
    for (const [bit, reading] of READINGS) if (this.nonNull > 0 && this.mask & bit) return reading;
    return 'text';
  }

  /** When most values share a reading the others break, the majority reading and the breaking examples. */
  mixed(): { reading: Reading; examples: Example[] } | null {
    if (this.reading() !== 'text' || this.nonNull === 0) return null;
    let best: [number, Reading, number] | null = null;
    for (const [bit, reading] of READINGS) {
      let count = 0;
      this.patterns.forEach((n, pattern) => {
        if (pattern & bit) count += n;
      });
      if (!best || count > best[2]) best = [bit, reading, count];
    }
    if (!best || best[2] < this.nonNull / 2) return null;
    const bit = best[0];
    // Numbers beside codes with leading zeros (chapters 011, 65…) are codes too: text, rightly, without a warning.
    if (bit & (INT | DEC_DOT | INT_GROUPED | DEC_COMMA) && this.patterns.every((n, pattern) => n === 0 || pattern & bit || pattern === CODE)) return null;
    const examples = this.patternExamples.flatMap((list, pattern) => (list && !(pattern & bit) ? list : []))
      .sort((a, b) => a.line - b.line).slice(0, 3);
    return { reading: best[1], examples };
  }
}

const DISTINCT_CAP = 1000;

const GROUP_SEPARATORS = /[ \u00a0\u202f.]/g;

/** The stored value of a cell for its column's reading (NULL for null markers in typed columns). */
export function convert(raw: unknown, reading: Reading): string | number | null {
  if (raw === null || raw === undefined) return null;
  if (reading === 'text' || reading === 'geometry') {
    const text = typeof raw === 'string' ? raw : typeof raw === 'object' ? JSON.stringify(raw) : String(raw);
    return text === '' ? null : text;
  }
  const text = String(raw);
  const value = text.length > 0 && (text.charCodeAt(0) <= 32 || text.charCodeAt(text.length - 1) <= 32) ? text.trim() : text;
  if (value.length <= 4 && NULL_MARKERS.has(value.toLowerCase())) return null;
  switch (reading) {
    case 'integer':
    case 'decimal_dot':
      return Number(value);
    case 'integer_grouped':
      return Number(value.replace(GROUP_SEPARATORS, ''));
    case 'decimal_comma':
      return Number(value.replace(GROUP_SEPARATORS, '').replace(',', '.'));
    case 'boolean':
      return BOOLEANS[value.toLowerCase()] ? 1 : 0;
    case 'date':
    case 'datetime':
      return isoDate(value, reading === 'datetime');
  }
}

/** SQL literal for a value of a load statement (D1 binds at most 100 values, so rows are written inline). */
export function sqlLiteral(value: string | number | null): string {
  if (value === null) return 'NULL';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'NULL';
  let text = value.includes('\u0000') ? value.replace(/\u0000/g, '') : value;
  if (text.includes("'")) text = text.replace(/'/g, "''");
  return `'${text}'`;
}

/**
 * A plain number SQLite reads to the same value as `Number()` does: at most 15 characters (so 15 significant digits
 * at most: the double is exact both ways), no exponent, no leading plus or zero, not a negative zero.
 */
const RE_VERBATIM_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?$/;

/** The SQL literal of a cell for its column's reading: `sqlLiteral(convert(…))`, with plain numbers and ISO dates written as they are. */
export function cellLiteral(raw: string | null, reading: Reading): string {
  if ((reading === 'integer' || reading === 'decimal_dot') && raw !== null && raw.length <= 15 && RE_VERBATIM_NUMBER.test(raw)
    && (raw.charCodeAt(0) !== 45 || /[1-9]/.test(raw))) {
    return raw;
  }
  if (reading === 'date' && raw !== null && isoDateShape(raw) && RE_ISO_DATE.test(raw)) return `'${raw}'`;
  return sqlLiteral(convert(raw, reading));
}

/**
 * ISO 8601 text for a date or date-time value (DD/MM/YYYY is French day-first); null for a value that is neither
 * (the one-pass load converts with the first rows' types before the whole file has been checked).
 */
function isoDate(value: string, withTime: boolean): string | null {
  let m = RE_ISO_DATE.exec(value) ?? RE_FR_DATE.exec(value);
  if (m) {
    const date = m[0].includes('/') ? `${m[3]}-${pad(m[2]!)}-${pad(m[1]!)}` : value;
    return withTime ? `${date}T00:00:00` : date;
  }
  m = RE_ISO_DATETIME.exec(value);
  if (m) return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? '00'}${m[7] ?? ''}${m[8] ?? ''}`;
  m = RE_FR_DATETIME.exec(value);
  if (!m) return null;
  return `${m[3]}-${pad(m[2]!)}-${pad(m[1]!)}T${pad(m[4]!)}:${m[5]}:${m[6] ?? '00'}`;
}

/** SQLite declared type of a column. */
export function sqlType(type: ColumnType): string {
  return type === 'integer' || type === 'boolean' ? 'INTEGER' : type === 'decimal' ? 'REAL' : 'TEXT';
}

/** CKAN's type names, as datastore clients expect them. */
export const CKAN_TYPE: Record<ColumnType, string> = {
  integer: 'int', decimal: 'numeric', boolean: 'bool', date: 'date', datetime: 'timestamp', text: 'text', geometry: 'geometry',
};

/** A value given for a column of this type (a filter, say) as stored, or undefined when it cannot be one. */
export function readAs(raw: string | number | boolean, type: ColumnType): string | number | undefined {
  if (typeof raw === 'number') return type === 'integer' || type === 'decimal' ? raw : type === 'text' ? String(raw) : undefined;
  if (typeof raw === 'boolean') return type === 'boolean' ? (raw ? 1 : 0) : undefined;
  if (type === 'text' || type === 'geometry') return raw;
  const value = raw.trim();
  const bits = classify(value);
  const pick = (...pairs: Array<[number, Reading]>) => {
    for (const [bit, reading] of pairs) if (bits & bit) return convert(value, reading) ?? undefined;
    return undefined;
  };
  switch (type) {
    case 'integer': return pick([INT, 'integer'], [INT_GROUPED, 'integer_grouped']);
    case 'decimal': return pick([DEC_DOT, 'decimal_dot'], [DEC_COMMA, 'decimal_comma']);
    case 'boolean': return value === '1' || value === '0' ? Number(value) : pick([BOOL, 'boolean']);
    case 'date': return pick([DATE, 'date']);
    case 'datetime': return pick([DATE, 'datetime'], [DATETIME, 'datetime']);
  }
}
