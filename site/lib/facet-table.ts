// The facet table: which facet values each public dataset has, in the order of Pagefind's pages, so that the search
// island counts facets and filters by tallying over Pagefind's result ids instead of loading Pagefind's filter
// indexes (222 kB at 10 k datasets, against ~90 kB for this table once gzipped). The title order is a second,
// smaller file loaded only when a visitor sorts by title, so Pagefind's index needs no sort keys (47 kB less to
// load on every search). Format and reasons: docs/decisions.md.
// Imported by the browser bundle: only import-free modules.
import { FACETS, type Facet } from './search';

/** Digits of the codes: JSON-safe, no escaping, and one character holds 64 values. */
const DIGITS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_';
/** Between the rows of a multi-valued facet (not a digit). */
const ROW_SEPARATOR = '.';

export const FACET_TABLE_VERSION = 1;

export interface EncodedFacet {
  /** Values as shown (labels), most used first. */
  values: string[];
  /** URL code of each value (slug, id, format code); absent when the labels are their own codes (keywords). */
  codes?: string[];
  /** Characters per value code. */
  width: number;
  /** Every row holds exactly one value: codes follow each other without separators. */
  single: boolean;
  rows: string;
}

export interface EncodedFacetTable {
  version: number;
  count: number;
  /** FNV-1a of Pagefind's page ids in row order: the island checks it reads the rows in Pagefind's order. */
  check: string;
  facets: Record<Facet, EncodedFacet>;
  /** Only after an incremental build (scripts/lib/incremental-build.ts): the rows are the main bundle's pages
   * followed by the delta bundle's, `delta` is where the island merges the delta bundle from, `hidden` lists the main
   * rows the delta supersedes or removes, and `deltaDateSlots` places the delta rows in the date order (main rows
   * are in it already): for each delta row, how many main rows come before it, newest first. */
  delta?: string;
  hidden?: number[];
  deltaDateSlots?: number[];
  /** First delta row, and the delta's words the main bundle does not have: see `FacetTable.freshWords`. */
  deltaStart?: number;
  freshWords?: string[];
}

export interface EncodedRanks {
  width: number;
  /** Each row's rank, `width` characters each. */
  ranks: string;
}

export interface EncodedTitleOrder extends EncodedRanks {
  /** The facet table's check: both files come from the same build. */
  check: string;
}

/** One dataset's values, given by the build in Pagefind's page order. */
export interface FacetRow {
  values: Record<Facet, string[]>;
  titleKey: string;
}

export function fnv1a(texts: readonly string[]): string {
  let h = 0x811c9dc5;
  for (const text of texts) {
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
    h = Math.imul(h ^ 10, 0x01000193);
  }
  return (h >>> 0).toString(16);
}

function widthFor(count: number): number {
  let width = 1;
  while (DIGITS.length ** width < count) width++;
  return width;
}

function encodeNumber(n: number, width: number): string {
  let out = '';
  for (let i = 0; i < width; i++) {
    out = DIGITS[n % DIGITS.length] + out;
    n = Math.floor(n / DIGITS.length);
  }
  return out;
}

const DIGIT_VALUE = new Map([...DIGITS].map((c, i) => [c, i]));

function decodeNumber(text: string, from: number, width: number): number {
  let n = 0;
  for (let i = from; i < from + width; i++) n = n * DIGITS.length + (DIGIT_VALUE.get(text[i]!) ?? 0);
  return n;
}

export function encodeFacetTable(rows: readonly FacetRow[], pageIds: readonly string[], codes: Partial<Record<Facet, Map<string, string>>>,
  keep: (facet: Facet, value: string, uses: number) => boolean = () => true): EncodedFacetTable {
  const facets = {} as Record<Facet, EncodedFacet>;
  for (const facet of FACETS) {
    const uses = new Map<string, number>();
    for (const row of rows) for (const v of row.values[facet]) uses.set(v, (uses.get(v) ?? 0) + 1);
    const values = [...uses].filter(([v, n]) => keep(facet, v, n))
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([v]) => v);
    const index = new Map(values.map((v, i) => [v, i]));
    const width = widthFor(values.length);
    const coded = rows.map((row) => row.values[facet].flatMap((v) => index.get(v) ?? []).sort((a, b) => a - b));
    const single = coded.every((c) => c.length === 1);
    const rowText = coded.map((c) => c.map((n) => encodeNumber(n, width)).join(''));
    const byCode = codes[facet];
    facets[facet] = {
      values,
      ...(byCode ? { codes: values.map((v) => byCode.get(v) ?? v) } : {}),
      width,
      single,
      rows: rowText.join(single ? '' : ROW_SEPARATOR),
    };
  }
  return { version: FACET_TABLE_VERSION, count: rows.length, check: fnv1a(pageIds), facets };
}

/** Each key's rank in ascending order, ties in row order. */
function encodeRanks(keys: readonly string[]): EncodedRanks {
  const sorted = keys.map((key, i) => ({ key, i })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.i - b.i));
  const ranks = new Array<number>(keys.length);
  sorted.forEach(({ i }, rank) => (ranks[i] = rank));
  const width = widthFor(keys.length);
  return { width, ranks: ranks.map((r) => encodeNumber(r, width)).join('') };
}

export function encodeTitleOrder(rows: readonly FacetRow[], check: string): EncodedTitleOrder {
  return { check, ...encodeRanks(rows.map((row) => row.titleKey)) };
}

function decodeRanks(encoded: EncodedRanks, count: number): Uint32Array {
  const ranks = new Uint32Array(count);
  for (let r = 0; r < count; r++) ranks[r] = decodeNumber(encoded.ranks, r * encoded.width, encoded.width);
  return ranks;
}

/** The decoded table: for each facet, each row's value indexes as a slice of `indexes`. */
export interface FacetColumn {
  values: string[];
  codes: string[];
  /** Label → value index. */
  index: Map<string, number>;
  /** Row r's values are indexes[starts[r]] … indexes[starts[r + 1] - 1]. */
  starts: Uint32Array;
  indexes: Uint32Array;
}

export interface FacetTable {
  count: number;
  check: string;
  columns: Record<Facet, FacetColumn>;
  /** 1 for the rows a delta supersedes or removes: never a result, never counted. */
  hidden: Uint8Array;
  /** Each row's rank newest first, when that is not the row order (after an incremental build). */
  dateRanks: Uint32Array | null;
  /** The delta Pagefind bundle to merge, if any. */
  delta: string | null;
  /** Rows from here on are the delta's. */
  deltaStart: number;
  /** Words only the delta's pages have. Pagefind answers a word its index lacks with loose matches (prefixes,
   * near spellings); a full index, having the word, would return only the pages containing it. So a query with
   * such a word keeps only delta rows. */
  freshWords: Set<string>;
}

export function decodeFacetTable(encoded: EncodedFacetTable): FacetTable {
  if (encoded.version !== FACET_TABLE_VERSION) throw new Error(`facet table version ${encoded.version}`);
  const { count } = encoded;
  const columns = {} as Record<Facet, FacetColumn>;
  for (const facet of FACETS) {
    const { values, codes, width, single, rows } = encoded.facets[facet];
    const starts = new Uint32Array(count + 1);
    const indexes: number[] = [];
    if (single) {
      for (let r = 0; r < count; r++) {
        starts[r] = r;
        indexes.push(decodeNumber(rows, r * width, width));
      }
      starts[count] = count;
    } else {
      let at = 0;
      for (let r = 0; r < count; r++) {
        starts[r] = indexes.length;
        while (at < rows.length && rows[at] !== ROW_SEPARATOR) {
          indexes.push(decodeNumber(rows, at, width));
          at += width;
        }
        at++;
      }
      starts[count] = indexes.length;
    }
    columns[facet] = { values, codes: codes ?? values, index: new Map(values.map((v, i) => [v, i])), starts, indexes: Uint32Array.from(indexes) };
  }
  const hidden = new Uint8Array(count);
  for (const row of encoded.hidden ?? []) if (row < count) hidden[row] = 1;
  const deltaStart = encoded.deltaStart ?? count;
  return {
    count, check: encoded.check, columns, hidden, dateRanks: encoded.deltaDateSlots ? dateRanks(encoded.deltaDateSlots, deltaStart, count) : null,
    delta: encoded.delta ?? null, deltaStart, freshWords: new Set(encoded.freshWords ?? []),
  };
}

/** Each row's rank newest first: main rows keep their order, delta row j (in date order too) goes after
 * `slots[j]` main rows. */
function dateRanks(slots: readonly number[], deltaStart: number, count: number): Uint32Array {
  const ranks = new Uint32Array(count);
  let j = 0;
  for (let row = 0; row < deltaStart; row++) {
    while (j < slots.length && slots[j]! <= row) {
      ranks[deltaStart + j] = slots[j]! + j;
      j++;
    }
    ranks[row] = row + j;
  }
  for (; j < slots.length; j++) ranks[deltaStart + j] = slots[j]! + j;
  return ranks;
}

/** Each row's rank in title order. */
export function decodeTitleOrder(encoded: EncodedTitleOrder, table: FacetTable): Uint32Array {
  if (encoded.check !== table.check) throw new Error('the title order and the facet table come from different builds');
  return decodeRanks(encoded, table.count);
}

export interface FacetSearch {
  /** The rows passing every facet, in the candidates' order. */
  rows: number[];
  /** Per facet, label → number of rows passing every other facet that have it (labels with none are left out). */
  counts: Record<Facet, Record<string, number>>;
}

/**
 * Filters candidate rows by the selected labels (OR within a facet, AND across facets) and counts each facet's
 * values over the rows passing every other facet: a row failing exactly one facet still counts for that one, so a
 * facet's counts ignore its own selection. `scope` is a fixed filter (an organisation's or a theme's page);
 * `rareKeywords` gives the rows of selected keywords the table leaves out (found through Pagefind's filter).
 */
export function filterAndCount(table: FacetTable, candidates: Iterable<number>, selected: Record<Facet, readonly string[]>,
  scope: { facet: Facet; value: string } | null = null, rareKeywords: ReadonlyMap<string, ReadonlySet<number>> = new Map()): FacetSearch {
  const { columns } = table;
  const active = FACETS.filter((f) => selected[f].length > 0);
  const wanted = new Map(active.map((f) => [f, new Set(selected[f].flatMap((v) => columns[f].index.get(v) ?? []))]));
  const rare = [...rareKeywords];
  const tallies = new Map(FACETS.map((f) => [f, new Uint32Array(columns[f].values.length)]));
  const rareTallies = new Map(rare.map(([keyword]) => [keyword, 0]));
  const scopeColumn = scope ? columns[scope.facet] : null;
  const scopeIndex = scope ? (columns[scope.facet].index.get(scope.value) ?? -1) : -1;
  const has = (column: FacetColumn, row: number, test: (index: number) => boolean) => {
    for (let i = column.starts[row]!; i < column.starts[row + 1]!; i++) if (test(column.indexes[i]!)) return true;
    return false;
  };
  const tally = (facet: Facet, row: number) => {
    const column = columns[facet];
    const counts = tallies.get(facet)!;
    for (let i = column.starts[row]!; i < column.starts[row + 1]!; i++) counts[column.indexes[i]!]!++;
    if (facet === 'keyword') for (const [keyword, rows] of rare) if (rows.has(row)) rareTallies.set(keyword, rareTallies.get(keyword)! + 1);
  };

  const rows: number[] = [];
  for (const row of candidates) {
    if (table.hidden[row]) continue;
    if (scopeColumn && !has(scopeColumn, row, (i) => i === scopeIndex)) continue;
    let failed: Facet | null = null;
    let failures = 0;
    for (const facet of active) {
      const set = wanted.get(facet)!;
      const pass = has(columns[facet], row, (i) => set.has(i)) || (facet === 'keyword' && rare.some(([, r]) => r.has(row)));
      if (!pass) {
        failures++;
        failed = facet;
      }
    }
    if (failures === 0) {
      rows.push(row);
      for (const facet of FACETS) tally(facet, row);
    } else if (failures === 1) {
      tally(failed!, row);
    }
  }

  const counts = Object.fromEntries(FACETS.map((facet) => {
    const byLabel: Record<string, number> = {};
    const counted = tallies.get(facet)!;
    columns[facet].values.forEach((label, i) => {
      if (counted[i]! > 0) byLabel[label] = counted[i]!;
    });
    if (facet === 'keyword') for (const [keyword, n] of rareTallies) byLabel[keyword] = n;
    return [facet, byLabel];
  })) as Record<Facet, Record<string, number>>;
  return { rows, counts };
}
