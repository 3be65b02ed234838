// What a stored file is, judged from its content: magic bytes, the listing of a zip archive (read from its central
// directory, see docs/decisions.md), the shape of text. The extension only settles what the content cannot (XLS or
// DOC in an OLE2 file); a content that contradicts the extension is refused, so a catalogue format is never a lie.
import { FORMATS } from './vocabulary';

/** Bytes read from the start of a file to judge it. */
export const HEAD_BYTES = 64 * 1024;

export interface ZipEntry {
  name: string;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

export type ZipProblem = 'zip_invalid' | 'zip_too_many_entries' | 'zip_traversal' | 'zip_bomb';

export interface Detection {
  /** A code of FORMATS, or null when the content is not one the portal recognises. */
  format: string | null;
  /** Text encoding for text formats (`UTF-8` or `ISO-8859-1`). */
  encoding: string | null;
}

// Limits on what an archive may declare; downstream tools (GDAL, the extractor) would otherwise unpack it blindly.
export const ZIP_MAX_ENTRIES = 10_000;
export const ZIP_MAX_UNCOMPRESSED = 2 * 1024 ** 3;
/** Deflate rarely exceeds ~100:1 on real data; bombs reach 1000:1 and more. Small entries may compress better. */
export const ZIP_MAX_RATIO = 200;
const RATIO_FLOOR = 1024 * 1024;

const startsWith = (bytes: Uint8Array, signature: readonly number[], at = 0) =>
  signature.every((b, i) => bytes[at + i] === b);
const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

export const isZip = (head: Uint8Array) => startsWith(head, [0x50, 0x4b, 0x03, 0x04]) || startsWith(head, [0x50, 0x4b, 0x05, 0x06]);

export function extensionOf(fileName: string): string {
  const base = fileName.slice(fileName.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

// ---- Zip central directory -------------------------------------------------------------------------------------

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL_HEADER = 0x02014b50;
/** The end record (22 bytes) plus the longest comment (65 535) and the zip64 locator and record. */
export const ZIP_TAIL_BYTES = 22 + 65_535 + 20 + 56;

export interface CentralDirectoryLocation {
  offset: number;
  size: number;
  entries: number;
}

const u64 = (view: DataView, at: number) => view.getUint32(at, true) + view.getUint32(at + 4, true) * 2 ** 32;

/** Finds the central directory from the last bytes of an archive (`tail` starts at file offset `tailOffset`). */
export function locateCentralDirectory(tail: Uint8Array, tailOffset: number): CentralDirectoryLocation | null {
  const view = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  for (let at = tail.length - 22; at >= 0; at--) {
    if (view.getUint32(at, true) !== EOCD) continue;
    if (at + 22 + view.getUint16(at + 20, true) !== tail.length) continue; // the comment must end the file
    let location = { entries: view.getUint16(at + 10, true), size: view.getUint32(at + 12, true), offset: view.getUint32(at + 16, true) };
    const zip64 = location.entries === 0xffff || location.size === 0xffffffff || location.offset === 0xffffffff;
    if (zip64) {
      if (at < 20 || view.getUint32(at - 20, true) !== ZIP64_LOCATOR) return null;
      const recordAt = u64(view, at - 12) - tailOffset;
      if (recordAt < 0 || recordAt + 56 > tail.length || view.getUint32(recordAt, true) !== ZIP64_EOCD) return null;
      location = { entries: u64(view, recordAt + 32), size: u64(view, recordAt + 40), offset: u64(view, recordAt + 48) };
    }
    return location;
  }
  return null;
}

/** Reads the entries of a central directory (`bytes` is exactly the directory). Null if it is malformed. */
export function parseCentralDirectory(bytes: Uint8Array, expectedEntries: number): ZipEntry[] | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const decoder = new TextDecoder('utf-8');
  const entries: ZipEntry[] = [];
  let at = 0;
  while (at + 46 <= bytes.length && entries.length < expectedEntries) {
    if (view.getUint32(at, true) !== CENTRAL_HEADER) return null;
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    if (at + 46 + nameLength + extraLength + commentLength > bytes.length) return null;
    const entry: ZipEntry = {
      name: decoder.decode(bytes.subarray(at + 46, at + 46 + nameLength)),
      compressedSize: view.getUint32(at + 20, true),
      uncompressedSize: view.getUint32(at + 24, true),
      localHeaderOffset: view.getUint32(at + 42, true),
    };
    // Zip64 extra field (id 1): the 64-bit values, in this order, for those saturated above.
    let extra = at + 46 + nameLength;
    const extraEnd = extra + extraLength;
    while (extra + 4 <= extraEnd) {
      const id = view.getUint16(extra, true);
      const size = view.getUint16(extra + 2, true);
      if (id === 1) {
        let field = extra + 4;
        for (const key of ['uncompressedSize', 'compressedSize', 'localHeaderOffset'] as const) {
          if (entry[key] === 0xffffffff && field + 8 <= extra + 4 + size) {
            entry[key] = u64(view, field);
            field += 8;
          }
        }
      }
      extra += 4 + size;
    }
    entries.push(entry);
    at = extraEnd + commentLength;
  }
  return entries.length === expectedEntries ? entries : null;
}

function unsafeEntryName(name: string): boolean {
  const normalised = name.replace(/\\/g, '/');
  if (normalised.startsWith('/') || /^[a-z]:/i.test(normalised)) return true;
  return normalised.split('/').some((part) => part === '..') || /[\u0000-\u001f]/.test(name);
}

/** Refuses archives that would escape a folder when unpacked, or unpack to far more than they weigh. */
export function checkZipEntries(entries: readonly ZipEntry[], fileSize: number): ZipProblem | null {
  if (entries.length > ZIP_MAX_ENTRIES) return 'zip_too_many_entries';
  if (entries.some((e) => unsafeEntryName(e.name))) return 'zip_traversal';
  let total = 0;
  for (const e of entries) {
    total += e.uncompressedSize;
    if (e.localHeaderOffset + e.compressedSize > fileSize) return 'zip_invalid';
    if (e.uncompressedSize > RATIO_FLOOR && e.uncompressedSize > ZIP_MAX_RATIO * Math.max(e.compressedSize, 1)) return 'zip_bomb';
  }
  if (total > ZIP_MAX_UNCOMPRESSED) return 'zip_bomb';
  // Overlapping entries (many directory entries sharing one compressed stream) multiply the output without limit.
  const byOffset = [...entries].sort((a, b) => a.localHeaderOffset - b.localHeaderOffset);
  for (let i = 1; i < byOffset.length; i++) {
    const previous = byOffset[i - 1]!;
    if (previous.localHeaderOffset + 30 + previous.compressedSize > byOffset[i]!.localHeaderOffset) return 'zip_bomb';
  }
  return null;
}

function zipFormat(entries: readonly ZipEntry[], head: Uint8Array, extension: string): string {
  const names = entries.map((e) => e.name.toLowerCase().replace(/\\/g, '/'));
  const extensions = new Set(names.map((n) => extensionOf(n)));
  const has = (...exts: string[]) => exts.every((x) => extensions.has(x));
  if (has('shp', 'shx', 'dbf')) return 'SHP';
  if (has('mif', 'mid')) return 'MIF';
  if (has('tab', 'dat')) return 'TAB';
  if (names.includes('[content_types].xml')) {
    if (names.some((n) => n.startsWith('xl/'))) return 'XLSX';
    if (names.some((n) => n.startsWith('word/'))) return 'DOCX';
  }
  // OpenDocument stores its media type uncompressed as the first entry: it is in the head.
  const headText = new TextDecoder('latin1').decode(head.subarray(0, 200));
  if (headText.includes('mimetypeapplication/vnd.oasis.opendocument.spreadsheet')) return 'ODS';
  if (headText.includes('mimetypeapplication/vnd.oasis.opendocument.text')) return 'ODT';
  const base = new Set(names.map((n) => n.slice(n.lastIndexOf('/') + 1)));
  if (['stops.txt', 'routes.txt', 'trips.txt', 'stop_times.txt'].every((n) => base.has(n))) return 'GTFS';
  return extension === 'gtfs' ? 'GTFS' : 'ZIP';
}

// ---- Text --------------------------------------------------------------------------------------------------------

const GEOJSON_TYPES = /"type"\s*:\s*"(FeatureCollection|Feature)"/;

function textOf(head: Uint8Array): { text: string; encoding: string } | null {
  if (head.includes(0)) return null;
  let bytes = head;
  if (startsWith(bytes, [0xef, 0xbb, 0xbf])) bytes = bytes.subarray(3);
  try {
    // A multi-byte character may be cut at the end of the head: drop up to 3 trailing bytes before judging.
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes.subarray(0, Math.max(0, bytes.length - trailingPartial(bytes))));
    return { text, encoding: 'UTF-8' };
  } catch {
    const text = new TextDecoder('latin1').decode(bytes);
    // Latin-1 text still has no control characters other than tab, CR and LF.
    return /[\u0001-\u0008\u000b\u000e-\u001f\u007f]/.test(text) ? null : { text, encoding: 'ISO-8859-1' };
  }
}

function trailingPartial(bytes: Uint8Array): number {
  for (let i = 1; i <= Math.min(3, bytes.length); i++) {
    const b = bytes[bytes.length - i]!;
    if ((b & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead byte
    if ((b & 0xc0) === 0xc0) {
      const needed = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
      return needed > i ? i : 0;
    }
    return 0;
  }
  return 0;
}

/** A delimiter that splits every line (but a possibly cut last one) into the same number of fields. */
function looksLikeCsv(text: string, complete: boolean): boolean {
  const lines = text.split(/\r?\n/);
  if (!complete) lines.pop();
  const rows = lines.filter((l) => l.trim() !== '').slice(0, 50);
  if (rows.length === 0) return false;
  const fields = (line: string, delimiter: string) => line.replace(/"[^"]*"/g, '""').split(delimiter).length;
  return [';', ',', '\t', '|'].some((d) => {
    const first = fields(rows[0]!, d);
    return first > 1 && rows.every((r) => fields(r, d) === first);
  });
}

function textFormat(text: string, complete: boolean): string {
  const start = text.trimStart();
  if (start.startsWith('{') || start.startsWith('[')) {
    if (complete) {
      try {
        const value = JSON.parse(start) as { type?: unknown } | unknown[];
        return !Array.isArray(value) && (value.type === 'FeatureCollection' || value.type === 'Feature') ? 'GeoJSON' : 'JSON';
      } catch {
        // not JSON after all: judged as plain text below
      }
    } else {
      return start.startsWith('{') && GEOJSON_TYPES.test(start) ? 'GeoJSON' : 'JSON';
    }
  }
  if (start.startsWith('<')) {
    const lower = start.slice(0, 4096).toLowerCase();
    if (/<kml[\s>]/.test(lower)) return 'KML';
    if (/<gpx[\s>]/.test(lower)) return 'GPX';
    if (lower.startsWith('<!doctype html') || /<html[\s>]/.test(lower)) return 'HTML';
    if (lower.startsWith('<?xml') || /^<[a-z_][\w:.-]*[\s>/]/.test(lower)) return 'XML';
  }
  return looksLikeCsv(text, complete) ? 'CSV' : 'TXT';
}

// ---- Detection ---------------------------------------------------------------------------------------------------

/**
 * Judges a file. `head` is its first bytes (HEAD_BYTES or the whole file), `size` its full size, `zipEntries` the
 * listing when `head` starts like a zip archive.
 */
export function detectFormat(input: { fileName: string; head: Uint8Array; size: number; zipEntries?: readonly ZipEntry[] }): Detection {
  const { head, fileName } = input;
  const extension = extensionOf(fileName);
  const none = (format: string | null): Detection => ({ format, encoding: null });
  if (startsWith(head, ascii('%PDF-'))) return none('PDF');
  if (isZip(head)) return none(zipFormat(input.zipEntries ?? [], head, extension));
  if (startsWith(head, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return none(extension === 'doc' ? 'DOC' : 'XLS');
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return none('PNG');
  if (startsWith(head, [0xff, 0xd8, 0xff])) return none('JPEG');
  if (startsWith(head, ascii('II*\u0000')) || startsWith(head, ascii('MM\u0000*'))) return none('GeoTIFF');
  if (startsWith(head, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c])) return none('7Z');
  if (startsWith(head, ascii('SQLite format 3\u0000'))) return none('GPKG');
  if (head.length === 0) return none(null);
  const text = textOf(head);
  if (!text) return none(null);
  return { format: textFormat(text.text, input.size <= head.length), encoding: text.encoding };
}

/** Formats one content may honestly be labelled as (what the user may pick instead of the detected one). */
const FAMILIES: readonly (readonly string[])[] = [
  ['SHP', 'MIF', 'TAB', 'GTFS', 'ZIP'],
  ['GeoJSON', 'JSON'],
  ['CSV', 'TXT'],
  ['XML', 'KML', 'GPX', 'HTML'],
  ['XLS', 'DOC'],
];

export function compatibleFormats(detected: string | null): string[] {
  if (detected === null) return FORMATS.map((f) => f.code);
  return [...(FAMILIES.find((family) => family.includes(detected)) ?? [detected])];
}

/**
 * Whether the file's extension announces something else than its content. Unknown extensions announce nothing;
 * a known extension on content the portal cannot recognise is a contradiction (every known format is recognisable).
 */
export function contradictsExtension(fileName: string, detected: string | null): boolean {
  const extension = extensionOf(fileName);
  const announced = FORMATS.filter((f) => f.extensions.includes(extension)).map((f) => f.code);
  if (announced.length === 0) return false;
  if (detected === null) return true;
  return !announced.some((code) => compatibleFormats(code).includes(detected));
}
