// PMTiles v3 writer (the `pmtiles` package only reads). Layout: 127-byte header, root directory, JSON metadata,
// leaf directories, tile data; directories gzip-compressed, tiles stored uncompressed (MVT), ordered by tile id
// (clustered), identical tiles stored once. Spec: the PMTiles v3 specification (header fields, varint directories).
import { gzipSync } from 'fflate';
import { zxyToTileId } from 'pmtiles';

export interface TileInput {
  z: number;
  x: number;
  y: number;
  data: Uint8Array;
}

export interface ArchiveInfo {
  minZoom: number;
  maxZoom: number;
  /** [west, south, east, north] in degrees. */
  bounds: [number, number, number, number];
  metadata: Record<string, unknown>;
}

interface Entry {
  tileId: number;
  offset: number;
  length: number;
  runLength: number;
}

const HEADER_BYTES = 127;
/** The spec's limit for the header plus the root directory (one first request fetches both). */
const ROOT_LIMIT = 16_384 - HEADER_BYTES;

class Bytes {
  private chunks: number[] = [];
  varint(value: number): void {
    let v = value;
    while (v >= 0x80) {
      this.chunks.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    this.chunks.push(v);
  }
  finish(): Uint8Array {
    return Uint8Array.from(this.chunks);
  }
}

function serializeDirectory(entries: readonly Entry[]): Uint8Array {
  const out = new Bytes();
  out.varint(entries.length);
  let last = 0;
  for (const e of entries) {
    out.varint(e.tileId - last);
    last = e.tileId;
  }
  for (const e of entries) out.varint(e.runLength);
  for (const e of entries) out.varint(e.length);
  entries.forEach((e, i) => {
    const previous = entries[i - 1];
    out.varint(i > 0 && previous && e.offset === previous.offset + previous.length ? 0 : e.offset + 1);
  });
  return gzipSync(out.finish(), { mtime: 0 });
}

/** Root and leaf directories: everything in the root when it fits, otherwise leaves of growing size. */
function buildDirectories(entries: readonly Entry[]): { root: Uint8Array; leaves: Uint8Array } {
  const root = serializeDirectory(entries);
  if (root.length <= ROOT_LIMIT) return { root, leaves: new Uint8Array(0) };
  for (let leafSize = 4096; ; leafSize *= 2) {
    const rootEntries: Entry[] = [];
    const leafParts: Uint8Array[] = [];
    let offset = 0;
    for (let i = 0; i < entries.length; i += leafSize) {
      const leaf = serializeDirectory(entries.slice(i, i + leafSize));
      rootEntries.push({ tileId: entries[i]!.tileId, offset, length: leaf.length, runLength: 0 });
      leafParts.push(leaf);
      offset += leaf.length;
    }
    const rootBytes = serializeDirectory(rootEntries);
    if (rootBytes.length <= ROOT_LIMIT) return { root: rootBytes, leaves: concat(leafParts) };
  }
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((v, i) => v === b[i]);

function fnv(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return `${h >>> 0}:${bytes.length}`;
}

export function writePmtiles(tiles: readonly TileInput[], info: ArchiveInfo): Uint8Array {
  const sorted = tiles.map((t) => ({ id: zxyToTileId(t.z, t.x, t.y), data: t.data })).sort((a, b) => a.id - b.id);
  const entries: Entry[] = [];
  const dataParts: Uint8Array[] = [];
  const stored = new Map<string, Array<{ offset: number; data: Uint8Array }>>();
  let dataLength = 0;
  let contents = 0;
  for (const tile of sorted) {
    const key = fnv(tile.data);
    let offset = stored.get(key)?.find((s) => sameBytes(s.data, tile.data))?.offset;
    if (offset === undefined) {
      offset = dataLength;
      stored.set(key, [...(stored.get(key) ?? []), { offset, data: tile.data }]);
      dataParts.push(tile.data);
      dataLength += tile.data.length;
      contents++;
    }
    const last = entries[entries.length - 1];
    if (last && last.offset === offset && last.tileId + last.runLength === tile.id) last.runLength++;
    else entries.push({ tileId: tile.id, offset, length: tile.data.length, runLength: 1 });
  }
  const { root, leaves } = buildDirectories(entries);
  const metadata = gzipSync(new TextEncoder().encode(JSON.stringify(info.metadata)), { mtime: 0 });

  const rootOffset = HEADER_BYTES;
  const metadataOffset = rootOffset + root.length;
  const leavesOffset = metadataOffset + metadata.length;
  const dataOffset = leavesOffset + leaves.length;
  const header = new DataView(new ArrayBuffer(HEADER_BYTES));
  const magic = new TextEncoder().encode('PMTiles');
  magic.forEach((b, i) => header.setUint8(i, b));
  header.setUint8(7, 3);
  const u64 = (at: number, value: number) => header.setBigUint64(at, BigInt(value), true);
  u64(8, rootOffset); u64(16, root.length);
  u64(24, metadataOffset); u64(32, metadata.length);
  u64(40, leavesOffset); u64(48, leaves.length);
  u64(56, dataOffset); u64(64, dataLength);
  u64(72, sorted.length); u64(80, entries.length); u64(88, contents);
  header.setUint8(96, 1); // clustered
  header.setUint8(97, 2); // internal compression: gzip
  header.setUint8(98, 1); // tile compression: none
  header.setUint8(99, 1); // tile type: MVT
  header.setUint8(100, info.minZoom);
  header.setUint8(101, info.maxZoom);
  const [west, south, east, north] = info.bounds;
  const e7 = (v: number) => Math.round(v * 1e7);
  header.setInt32(102, e7(west), true);
  header.setInt32(106, e7(south), true);
  header.setInt32(110, e7(east), true);
  header.setInt32(114, e7(north), true);
  header.setUint8(118, Math.min(info.maxZoom, Math.max(info.minZoom, Math.round((info.minZoom + info.maxZoom) / 2))));
  header.setInt32(119, e7((west + east) / 2), true);
  header.setInt32(123, e7((south + north) / 2), true);
  return concat([new Uint8Array(header.buffer), root, metadata, leaves, ...dataParts]);
}
