// Tabular sources: CSV/TSV streamed and decoded chunk by chunk; Excel (last sheet unless one is chosen), JSON
// arrays of objects and GeoJSON FeatureCollections read whole (they cannot be streamed by their libraries). Every
// source yields rows of text cells (or NULL) and can be read twice: once to infer types, once to load.
import { read, utils, type WorkSheet } from '@e965/xlsx';
import { CsvParser, sniffDelimiter, sniffEncoding, TabularError, type Delimiter, type TextEncodingName } from './datastore-text';
import type { Notice } from './datastore-types';

export type TabularKind = 'csv' | 'excel' | 'json' | 'geojson';

export interface SourceRow {
  cells: Array<string | null>;
  /** Line (CSV) or row number (Excel) or item number (JSON) for the report. */
  line: number;
}

export interface TabularSource {
  titles: string[];
  notices: Notice[];
  /** Index of the GeoJSON geometry column, typed `geometry` whatever its values. */
  geometryColumn: number | null;
  details: { encoding?: TextEncodingName; delimiter?: Delimiter; sheet?: string };
  rows(): AsyncIterable<SourceRow[]>;
  /** The total row count as far as it can be told while reading (exact for sources read whole), for progress. */
  estimateRows(rowsSoFar: number): number | null;
  /** After an EncodingMismatch: switches to Windows-1252 (false when already there). */
  fallbackEncoding?: () => boolean;
}

/** Thrown when a file sniffed as UTF-8 turns out not to be: the reader starts again in Windows-1252. */
export class EncodingMismatch extends Error {}

/** The tabular kind of a catalogue format and file name, or null when it is not indexable. */
export function tabularKind(format: string, fileName: string | null): TabularKind | null {
  const ext = fileName?.toLowerCase().split('.').pop() ?? '';
  const f = format.toUpperCase();
  if (f === 'CSV' || f === 'TSV' || ext === 'csv' || ext === 'tsv') return 'csv';
  if (f === 'XLSX' || f === 'XLS' || ext === 'xlsx' || ext === 'xls') return 'excel';
  if (f === 'GEOJSON' || ext === 'geojson') return 'geojson';
  if (f === 'JSON' || ext === 'json') return 'json';
  return null;
}

const SAMPLE_BYTES = 64 * 1024;

async function readSample(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const reader = stream.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  while (size < SAMPLE_BYTES) {
    const { value, done } = await reader.read();
    if (done) break;
    parts.push(value);
    size += value.byteLength;
  }
  await reader.cancel();
  const sample = new Uint8Array(Math.min(size, SAMPLE_BYTES));
  let offset = 0;
  for (const part of parts) {
    const take = Math.min(part.byteLength, sample.byteLength - offset);
    sample.set(part.subarray(0, take), offset);
    offset += take;
    if (offset === sample.byteLength) break;
  }
  return sample;
}

/** CSV or TSV read from a stream opened anew for each pass; `totalBytes` (the file's size) drives the row estimate. */
export async function csvSource(open: () => Promise<ReadableStream<Uint8Array>>, totalBytes: number | null = null): Promise<TabularSource> {
  const sample = await readSample(await open());
  if (sample.byteLength === 0) throw new TabularError({ key: 'datastore.error.empty' });
  const guess = sniffEncoding(sample);
  const notices: Notice[] = [];
  let encoding = guess.encoding;
  const decode = (bytes: Uint8Array) => new TextDecoder(encoding, { fatal: encoding === 'utf-8', ignoreBOM: true }).decode(bytes.subarray(guess.bomLength), { stream: true });
  let text: string;
  try {
    text = decode(sample);
  } catch {
    encoding = 'windows-1252';
    text = decode(sample);
  }
  const delimiter = sniffDelimiter(text);
  let titles: string[] | null = null;
  const headerParser = new CsvParser(delimiter, (cells) => {
    titles ??= cells;
  });
  headerParser.push(text);
  if (sample.byteLength < SAMPLE_BYTES) headerParser.end();
  if (!titles) throw new TabularError({ key: 'datastore.error.empty' });

  let bytesRead = 0;
  const source: TabularSource = {
    titles,
    notices,
    geometryColumn: null,
    details: { encoding, delimiter },
    estimateRows: (rowsSoFar) => (totalBytes && bytesRead > 0 ? Math.max(rowsSoFar, Math.round(rowsSoFar * totalBytes / bytesRead)) : null),
    async *rows() {
      bytesRead = 0;
      const decoder = new TextDecoder(encoding, { fatal: encoding === 'utf-8', ignoreBOM: false });
      let pending: SourceRow[] = [];
      let header = true;
      const parser = new CsvParser(delimiter, (cells, line) => {
        if (header) {
          header = false;
          return;
        }
        pending.push({ cells, line });
      });
      const reader = (await open()).getReader();
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          bytesRead += value.byteLength;
          let chunk: string;
          try {
            chunk = decoder.decode(value, { stream: true });
          } catch {
            throw new EncodingMismatch();
          }
          parser.push(chunk);
          if (pending.length > 0) {
            yield pending;
            pending = [];
          }
        }
        parser.push(decoder.decode());
        parser.end();
      } finally {
        reader.releaseLock();
      }
      if (parser.unterminatedQuoteLine !== null && !notices.some((n) => n.key === 'datastore.warning.unterminatedQuote')) {
        notices.push({ key: 'datastore.warning.unterminatedQuote', params: { line: parser.unterminatedQuoteLine } });
      }
      if (pending.length > 0) yield pending;
    },
  };
  source.fallbackEncoding = () => {
    if (encoding !== 'utf-8') return false;
    encoding = 'windows-1252';
    source.details.encoding = encoding;
    notices.push({ key: 'datastore.warning.encodingFallback' });
    return true;
  };
  return source;
}

const cellText = (value: unknown): string | null => {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (value instanceof Date) {
    const iso = value.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.slice(0, 19);
  }
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
};

/** A source over rows already in memory, yielded in slices. */
function memorySource(titles: string[], rows: SourceRow[], notices: Notice[], details: TabularSource['details'], geometryColumn: number | null = null): TabularSource {
  return {
    titles, notices, details, geometryColumn,
    estimateRows: () => rows.length,
    async *rows() {
      for (let i = 0; i < rows.length; i += 1000) yield rows.slice(i, i + 1000);
    },
  };
}

export type ExcelSource = TabularSource | { skipped: Notice };

/** The chosen sheet, or the last one; an empty last sheet means "do not index" (OPenIG's documented convention). */
export function excelSource(bytes: ArrayBuffer, chosenSheet: string | null): ExcelSource {
  let workbook;
  try {
    workbook = read(new Uint8Array(bytes), { type: 'array', cellDates: true, cellFormula: true, dense: false });
  } catch (error) {
    throw new TabularError({ key: 'datastore.error.excel', params: { detail: (error as Error).message } });
  }
  const names = workbook.SheetNames;
  if (names.length === 0) throw new TabularError({ key: 'datastore.error.excel', params: { detail: 'aucune feuille' } });
  const name = chosenSheet ?? names[names.length - 1]!;
  const sheet: WorkSheet | undefined = workbook.Sheets[name];
  if (!sheet) throw new TabularError({ key: 'datastore.error.sheetMissing', params: { sheet: name, sheets: names.join(', ') } });
  const matrix = utils.sheet_to_json<unknown[]>(sheet, { header: 1, raw: true, defval: null, blankrows: false });
  if (matrix.length === 0) {
    if (chosenSheet === null) return { skipped: { key: 'datastore.skipped.emptyLastSheet', params: { sheet: name } } };
    throw new TabularError({ key: 'datastore.error.empty' });
  }
  const notices: Notice[] = [];
  if (names.length > 1) notices.push({ key: 'datastore.warning.otherSheets', params: { count: names.length, sheet: name } });
  const merges = sheet['!merges']?.length ?? 0;
  if (merges > 0) notices.push({ key: 'datastore.warning.mergedCells', params: { count: merges } });
  let formulas = 0;
  for (const [address, cell] of Object.entries(sheet)) if (!address.startsWith('!') && (cell as { f?: string }).f) formulas++;
  if (formulas > 0) notices.push({ key: 'datastore.warning.formulas', params: { count: formulas } });
  const [header, ...body] = matrix;
  const width = Math.max(...matrix.map((r) => r.length));
  const titles = Array.from({ length: width }, (_, i) => cellText(header![i]) ?? '');
  const rows = body.map((r) => ({
    cells: r.map(cellText),
    line: ((r as unknown as { __rowNum__?: number }).__rowNum__ ?? 0) + 1,
  }));
  return memorySource(titles, rows, notices, { sheet: name });
}

function parseJson(bytes: ArrayBuffer): unknown {
  const view = new Uint8Array(bytes);
  if (view.byteLength === 0) throw new TabularError({ key: 'datastore.error.empty' });
  const guess = sniffEncoding(view.subarray(0, SAMPLE_BYTES));
  try {
    return JSON.parse(new TextDecoder(guess.encoding).decode(view.subarray(guess.bomLength)));
  } catch (error) {
    throw new TabularError({ key: 'datastore.error.jsonInvalid', params: { detail: (error as Error).message } });
  }
}

const describe = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'un tableau' : typeof value === 'object' ? 'un objet' : `une valeur ${typeof value}`);

/** Rows from objects: columns are the keys in order of first appearance. */
function objectRows(items: Array<Record<string, unknown>>, extra?: (item: number) => string | null): { titles: string[]; rows: SourceRow[]; nested: Set<string> } {
  const index = new Map<string, number>();
  const nested = new Set<string>();
  for (const item of items) for (const key of Object.keys(item)) if (!index.has(key)) index.set(key, index.size);
  const rows = items.map((item, i) => {
    const cells: Array<string | null> = new Array(index.size).fill(null);
    for (const [key, value] of Object.entries(item)) {
      if (typeof value === 'object' && value !== null) nested.add(key);
      cells[index.get(key)!] = cellText(value);
    }
    if (extra) cells.push(extra(i));
    return { cells, line: i + 1 };
  });
  return { titles: [...index.keys()], rows, nested };
}

export function jsonSource(bytes: ArrayBuffer): TabularSource {
  const data = parseJson(bytes);
  if (!Array.isArray(data)) throw new TabularError({ key: 'datastore.error.jsonNotArray', params: { found: describe(data) } });
  data.forEach((item, i) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw new TabularError({ key: 'datastore.error.jsonRowNotObject', params: { index: i + 1 } });
    }
  });
  const { titles, rows, nested } = objectRows(data as Array<Record<string, unknown>>);
  if (titles.length === 0) throw new TabularError({ key: 'datastore.error.empty' });
  const notices: Notice[] = [...nested].map((column) => ({ key: 'datastore.warning.nestedValues', params: { column } }));
  return memorySource(titles, rows, notices, {});
}

export function geojsonSource(bytes: ArrayBuffer): TabularSource {
  const data = parseJson(bytes) as { type?: unknown; features?: unknown };
  if (typeof data !== 'object' || data === null || data.type !== 'FeatureCollection' || !Array.isArray(data.features)) {
    const found = typeof data === 'object' && data !== null && typeof data.type === 'string' ? data.type : describe(data);
    throw new TabularError({ key: 'datastore.error.geojsonNotCollection', params: { found } });
  }
  const features = data.features as Array<{ properties?: Record<string, unknown> | null; geometry?: { type?: string } | null }>;
  const geometryTypes = new Map<string, number>();
  for (const f of features) {
    const type = f?.geometry?.type;
    if (type) geometryTypes.set(type, (geometryTypes.get(type) ?? 0) + 1);
  }
  const { titles, rows, nested } = objectRows(features.map((f) => f?.properties ?? {}), (i) => cellText(features[i]?.geometry ?? null));
  const notices: Notice[] = [...nested].map((column) => ({ key: 'datastore.warning.nestedValues', params: { column } }));
  if (geometryTypes.size > 1) {
    notices.push({ key: 'datastore.warning.geometryTypes', params: { types: [...geometryTypes].map(([t, n]) => `${t} (${n})`).join(', ') } });
  }
  return memorySource([...titles, 'geometry'], rows, notices, {}, titles.length);
}
