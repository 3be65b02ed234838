// Byte-exact writers for the demo files: CSV (UTF-8 or Windows-1252), GeoJSON, JSON, XLSX, zipped Shapefile
// and a hand-written PDF. Every writer is deterministic: no clock, no random source, fixed archive timestamps.
import * as XLSX from '@e965/xlsx';
import shpwrite from '@mapbox/shp-write';
import { unzipSync, zipSync } from 'fflate';
import { mulberry32 } from '../lib/prng';

/** One fixed date for every archive entry and embedded timestamp, so re-running the generator changes no byte. */
const FIXED_DATE = { year: 2025, month: 1, day: 15 };
// fflate writes DOS times from local-time getters; a local-time Date gives the same fields in every time zone.
const ZIP_MTIME = new Date(FIXED_DATE.year, FIXED_DATE.month - 1, FIXED_DATE.day, 9, 0, 0);

// ---------- seeded randomness ----------

/** A small PRNG (mulberry32) seeded from a string: each file gets its own stream, so editing one file moves no other. */
export function rng(seed: string): () => number {
  let h = 2166136261;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 16777619);
  return mulberry32(h);
}

export type Random = () => number;
export const between = (r: Random, min: number, max: number): number => min + r() * (max - min);
export const intBetween = (r: Random, min: number, max: number): number => Math.floor(between(r, min, max + 1));
export function pick<T>(r: Random, items: readonly T[]): T {
  if (items.length === 0) throw new Error('pick() sur une liste vide');
  return items[Math.floor(r() * items.length)] as T;
}
export const round = (n: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
};

/** French number formatting for `;` CSV files: decimal comma, no thousands separator (spreadsheets parse it back). */
export const frNumber = (n: number, digits: number): string => n.toFixed(digits).replace('.', ',');

/** An ISO date (YYYY-MM-DD) `days` after a start date, computed in UTC so no time zone shifts it. */
export function addDays(start: string, days: number): string {
  const d = new Date(`${start}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

// ---------- text encodings ----------

const utf8 = new TextEncoder();
export const utf8Bytes = (s: string): Uint8Array => utf8.encode(s);

// Windows-1252 differs from Latin-1 in 0x80–0x9F; these are the characters French text actually uses there.
const CP1252_EXTRA: Record<string, number> = {
  '€': 0x80, '‚': 0x82, '„': 0x84, '…': 0x85, '‘': 0x91, '’': 0x92, '“': 0x93, '”': 0x94, '•': 0x95, '–': 0x96, '—': 0x97,
  'Œ': 0x8c, 'œ': 0x9c, 'Ÿ': 0x9f,
};

/** Windows-1252 bytes (also PDF's WinAnsiEncoding); throws on a character it cannot represent rather than mangle it. */
export function cp1252Bytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  let i = 0;
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0;
    const extra = CP1252_EXTRA[ch];
    if (extra !== undefined) out[i++] = extra;
    else if (code < 0x80 || (code >= 0xa0 && code <= 0xff)) out[i++] = code;
    else throw new Error(`caractère non représentable en Windows-1252 : ${ch}`);
  }
  return out.slice(0, i);
}

// ---------- CSV ----------

export type Cell = string | number | boolean | null;

export interface CsvOptions {
  separator?: ',' | ';';
  eol?: '\n' | '\r\n';
}

/** RFC 4180 CSV: quote a field only when it holds the separator, a quote or a line break. */
export function csv(header: readonly string[], rows: readonly (readonly Cell[])[], opts: CsvOptions = {}): string {
  const sep = opts.separator ?? ',';
  const eol = opts.eol ?? '\n';
  const field = (c: Cell): string => {
    const s = c === null ? '' : typeof c === 'boolean' ? (c ? 'oui' : 'non') : String(c);
    return /["\r\n]/.test(s) || s.includes(sep) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return [header, ...rows].map((row) => row.map(field).join(sep)).join(eol) + eol;
}

// ---------- JSON and GeoJSON ----------

/** A JSON array with one object per line: small, diff-friendly and still valid JSON. */
export function jsonLines(items: readonly unknown[]): Uint8Array {
  return utf8Bytes(`[\n${items.map((i) => JSON.stringify(i)).join(',\n')}\n]\n`);
}

export type Position = [number, number];
export type Geometry =
  | { type: 'Point'; coordinates: Position }
  | { type: 'LineString'; coordinates: Position[] }
  | { type: 'Polygon'; coordinates: Position[][] };

export interface Feature {
  type: 'Feature';
  properties: Record<string, Cell>;
  geometry: Geometry;
}

export const feature = (properties: Record<string, Cell>, geometry: Geometry): Feature => ({ type: 'Feature', properties, geometry });
export const point = (p: Position): Geometry => ({ type: 'Point', coordinates: p });

/** RFC 7946 FeatureCollection (WGS84 lon/lat), one feature per line. */
export function featureCollection(name: string, features: readonly Feature[]): Uint8Array {
  const body = features.map((f) => JSON.stringify(f)).join(',\n');
  return utf8Bytes(`{"type":"FeatureCollection","name":${JSON.stringify(name)},"features":[\n${body}\n]}\n`);
}

// ---------- ZIP-based formats ----------

/** Re-packs entries with a fixed timestamp: archive bytes then depend on the content only. */
function fixedZip(entries: ReadonlyArray<[string, Uint8Array]>): Uint8Array {
  const files: Record<string, [Uint8Array, { mtime: Date; level: 6 }]> = {};
  for (const [name, data] of entries) files[name] = [data, { mtime: ZIP_MTIME, level: 6 }];
  return zipSync(files);
}

export interface Sheet {
  name: string;
  rows: (string | number | null)[][];
  columnWidths?: number[];
}

/** XLSX workbook; SheetJS stamps the current time on its zip entries, so the archive is re-packed. */
export function xlsx(sheets: readonly Sheet[], title: string): Uint8Array {
  const wb = XLSX.utils.book_new();
  wb.Props = { Title: title, Author: 'Portail de démonstration', Company: 'Catalogue de démonstration' };
  for (const s of sheets) {
    const ws = XLSX.utils.aoa_to_sheet(s.rows);
    if (s.columnWidths) ws['!cols'] = s.columnWidths.map((wch) => ({ wch }));
    XLSX.utils.book_append_sheet(wb, ws, s.name);
  }
  const raw = XLSX.write(wb, { type: 'buffer', bookType: 'xlsx', bookSST: true, compression: true }) as Buffer;
  const entries = Object.entries(unzipSync(new Uint8Array(raw)));
  // Most readers look for [Content_Types].xml first; SheetJS writes it last.
  entries.sort(([a], [b]) => Number(b === '[Content_Types].xml') - Number(a === '[Content_Types].xml'));
  return fixedZip(entries);
}

const WGS84_PRJ = 'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137,298.257223563]],PRIMEM["Greenwich",0],UNIT["Degree",0.017453292519943295]]';

/**
 * Zipped point Shapefile (.shp/.shx/.dbf/.prj/.cpg) in EPSG:4326. shp-write writes DBF text one byte per character
 * (Latin-1), hence the .cpg, and stamps today's date in the DBF header, which is overwritten with the fixed date.
 */
export function pointShapefileZip(layer: string, rows: readonly Record<string, string | number | boolean>[], points: readonly Position[]): Uint8Array {
  for (const row of rows) {
    for (const [k, v] of Object.entries(row)) {
      if (k.length > 10) throw new Error(`nom de champ DBF trop long (10 caractères au plus) : ${k}`);
      if (typeof v === 'string' && /[^\u0000-\u00ff]/.test(v)) throw new Error(`valeur DBF hors Latin-1 : ${v}`);
    }
  }
  let out: { shp: DataView; shx: DataView; dbf: DataView } | undefined;
  shpwrite.write(rows.map((r) => ({ ...r })), 'POINT', points.map((p) => [...p]), (err, files) => {
    if (err) throw err;
    out = files as { shp: DataView; shx: DataView; dbf: DataView };
  });
  if (!out) throw new Error('shp-write n’a rien produit');
  out.dbf.setUint8(1, FIXED_DATE.year - 1900);
  out.dbf.setUint8(2, FIXED_DATE.month);
  out.dbf.setUint8(3, FIXED_DATE.day);
  const bytes = (v: DataView): Uint8Array => new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  return fixedZip([
    [`${layer}.shp`, bytes(out.shp)],
    [`${layer}.shx`, bytes(out.shx)],
    [`${layer}.dbf`, bytes(out.dbf)],
    [`${layer}.prj`, utf8Bytes(WGS84_PRJ)],
    [`${layer}.cpg`, utf8Bytes('ISO-8859-1')],
  ]);
}

// ---------- PDF ----------

export type PdfBlock = { h: string } | { p: string } | { li: string };

const PAGE_W = 595; // A4 in points
const PAGE_H = 842;
const MARGIN = 56;

interface PdfLine {
  text: string;
  font: 'F1' | 'F2';
  size: number;
  x: number;
  gapBefore: number;
}

// Average Helvetica advance is about half the font size; wrapping a little short keeps lines inside the margin.
function wrap(text: string, size: number, width: number): string[] {
  const max = Math.floor(width / (size * 0.53));
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > max) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

function layout(title: string, blocks: readonly PdfBlock[]): PdfLine[][] {
  const width = PAGE_W - 2 * MARGIN;
  const lines: PdfLine[] = wrap(title, 17, width).map((t, i) => ({ text: t, font: 'F2', size: 17, x: MARGIN, gapBefore: i ? 21 : 0 }));
  for (const b of blocks) {
    if ('h' in b) lines.push(...wrap(b.h, 12.5, width).map((t, i): PdfLine => ({ text: t, font: 'F2', size: 12.5, x: MARGIN, gapBefore: i ? 16 : 26 })));
    else if ('p' in b) lines.push(...wrap(b.p, 10.5, width).map((t, i): PdfLine => ({ text: t, font: 'F1', size: 10.5, x: MARGIN, gapBefore: i ? 14 : 19 })));
    else lines.push(...wrap(b.li, 10.5, width - 14).map((t, i): PdfLine => ({ text: i ? t : `•  ${t}`, font: 'F1', size: 10.5, x: i ? MARGIN + 14 : MARGIN, gapBefore: i ? 14 : 16 })));
  }
  const pages: PdfLine[][] = [[]];
  let y = PAGE_H - MARGIN;
  for (const l of lines) {
    const current = pages[pages.length - 1] as PdfLine[];
    if (y - l.gapBefore < MARGIN + 30 && current.length) {
      pages.push([{ ...l, gapBefore: 0 }]);
      y = PAGE_H - MARGIN;
    } else {
      current.push(l);
      y -= l.gapBefore;
    }
  }
  return pages;
}

const pdfString = (s: string): Uint8Array => {
  const raw = cp1252Bytes(s);
  const out: number[] = [0x28];
  for (const b of raw) {
    if (b === 0x28 || b === 0x29 || b === 0x5c) out.push(0x5c);
    out.push(b);
  }
  out.push(0x29);
  return new Uint8Array(out);
};

/** Title for the Info dictionary: UTF-16BE with BOM, as PDF text strings require outside PDFDocEncoding. */
const pdfTextHex = (s: string): string => {
  let hex = 'FEFF';
  for (let i = 0; i < s.length; i++) hex += s.charCodeAt(i).toString(16).padStart(4, '0').toUpperCase();
  return `<${hex}>`;
};

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * A small PDF 1.4 written by hand: Helvetica (standard font, WinAnsiEncoding, so French accents render without
 * embedding a font), uncompressed content streams so text extractors read it, and an exact xref table.
 */
export function pdf(title: string, footer: string, blocks: readonly PdfBlock[]): Uint8Array {
  const pages = layout(title, blocks);
  const contents = pages.map((lines, pageIndex) => {
    const parts: Uint8Array[] = [utf8Bytes(`BT\n${MARGIN} ${PAGE_H - MARGIN} Td\n`)];
    let x = MARGIN;
    for (const l of lines) {
      parts.push(utf8Bytes(`/${l.font} ${l.size} Tf\n${l.x - x} ${-l.gapBefore} Td\n`));
      parts.push(pdfString(l.text), utf8Bytes(' Tj\n'));
      x = l.x;
    }
    parts.push(utf8Bytes('ET\n'));
    const foot = `${footer} — page ${pageIndex + 1} sur ${pages.length}`;
    parts.push(utf8Bytes(`BT\n/F1 8.5 Tf\n${MARGIN} ${MARGIN - 24} Td\n`), pdfString(foot), utf8Bytes(' Tj\nET\n'));
    return concat(parts);
  });

  // Objects: 1 catalog, 2 page tree, 3–4 fonts, 5 info, then a page and its content stream per page.
  const pageIds = pages.map((_, i) => 6 + 2 * i);
  const objects: Uint8Array[] = [
    utf8Bytes('<< /Type /Catalog /Pages 2 0 R /Lang (fr-FR) >>'),
    utf8Bytes(`<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pages.length} >>`),
    utf8Bytes('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>'),
    utf8Bytes('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>'),
    utf8Bytes(`<< /Title ${pdfTextHex(title)} /Author ${pdfTextHex('Portail de démonstration')} /Producer (scripts/demo/make-files.ts) /CreationDate (D:20250115090000+01'00') >>`),
  ];
  contents.forEach((content, i) => {
    objects.push(utf8Bytes(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${PAGE_W} ${PAGE_H}] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents ${pageIds[i]! + 1} 0 R >>`));
    objects.push(concat([utf8Bytes(`<< /Length ${content.length} >>\nstream\n`), content, utf8Bytes('endstream')]));
  });

  // The second line's high bytes tell transfer tools the file is binary (PDF 1.4, §3.4.1).
  const parts: Uint8Array[] = [concat([utf8Bytes('%PDF-1.4\n%'), new Uint8Array([0xe2, 0xe3, 0xcf, 0xd3]), utf8Bytes('\n')])];
  let offset = parts[0]!.length;
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(offset);
    const obj = concat([utf8Bytes(`${i + 1} 0 obj\n`), body, utf8Bytes('\nendobj\n')]);
    parts.push(obj);
    offset += obj.length;
  });
  // Each xref entry is exactly 20 bytes: 10-digit offset, 5-digit generation, type, two-byte end of line.
  const xref = ['xref', `0 ${objects.length + 1}`, '0000000000 65535 f\r', ...offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n\r`)].join('\n');
  parts.push(utf8Bytes(`${xref}\ntrailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info 5 0 R >>\nstartxref\n${offset}\n%%EOF\n`));
  return concat(parts);
}
