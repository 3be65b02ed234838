// FlatGeobuf with a packed Hilbert R-tree. The flatgeobuf package writes files without the spatial index
// (index_node_size 0), so features are sorted along a Hilbert curve and the tree is written here, following the
// format's packedrtree layout; feature and header encoding stay the package's own (docs/decisions.md).
import * as flatbuffers from 'flatbuffers';
import type { Feature as GeoJsonFeature, Geometry } from 'geojson';
import { buildFeature } from 'flatgeobuf/lib/mjs/generic/feature.js';
import { parseGeometry } from 'flatgeobuf/lib/mjs/geojson/geometry.js';
import { Column } from 'flatgeobuf/lib/mjs/flat-geobuf/column.js';
import { ColumnType } from 'flatgeobuf/lib/mjs/flat-geobuf/column-type.js';
import { Crs } from 'flatgeobuf/lib/mjs/flat-geobuf/crs.js';
import { GeometryType } from 'flatgeobuf/lib/mjs/flat-geobuf/geometry-type.js';
import { Header } from 'flatgeobuf/lib/mjs/flat-geobuf/header.js';
import type { HeaderMeta } from 'flatgeobuf/lib/mjs/header-meta.js';
import type { ColumnMeta } from 'flatgeobuf/lib/mjs/column-meta.js';

export const NODE_SIZE = 16;
const NODE_BYTES = 40;
const MAGIC = new Uint8Array([0x66, 0x67, 0x62, 0x03, 0x66, 0x67, 0x62, 0x00]);

export type FieldKind = 'string' | 'integer' | 'number' | 'boolean';
export type Box = [number, number, number, number];

const COLUMN_TYPES: Record<FieldKind, ColumnType> = {
  string: ColumnType.String, integer: ColumnType.Long, number: ColumnType.Double, boolean: ColumnType.Bool,
};

const GEOMETRY_TYPES: Record<string, GeometryType> = {
  Point: GeometryType.Point, MultiPoint: GeometryType.MultiPoint, LineString: GeometryType.LineString,
  MultiLineString: GeometryType.MultiLineString, Polygon: GeometryType.Polygon, MultiPolygon: GeometryType.MultiPolygon,
};

/** Bounding box of a geometry's coordinates. */
export function geometryBox(geometry: Geometry): Box {
  const box: Box = [Infinity, Infinity, -Infinity, -Infinity];
  const visit = (c: unknown): void => {
    if (typeof (c as number[])[0] === 'number') {
      const [x, y] = c as [number, number];
      if (x < box[0]) box[0] = x;
      if (y < box[1]) box[1] = y;
      if (x > box[2]) box[2] = x;
      if (y > box[3]) box[3] = y;
      return;
    }
    for (const child of c as unknown[]) visit(child);
  };
  if (geometry.type !== 'GeometryCollection') visit(geometry.coordinates);
  return box;
}

/** Hilbert index of a point on a 2^16 grid (the reference implementation's bit-twiddling version). */
function hilbert(x: number, y: number): number {
  let a = x ^ y;
  let b = 0xffff ^ a;
  let c = 0xffff ^ (x | y);
  let d = x & (y ^ 0xffff);
  let A = a | (b >>> 1);
  let B = (a >>> 1) ^ a;
  let C = ((c >>> 1) ^ (b & (d >>> 1))) ^ c;
  let D = ((a & (c >>> 1)) ^ (d >>> 1)) ^ d;
  a = A; b = B; c = C; d = D;
  A = (a & (a >>> 2)) ^ (b & (b >>> 2));
  B = (a & (b >>> 2)) ^ (b & ((a ^ b) >>> 2));
  C ^= (a & (c >>> 2)) ^ (b & (d >>> 2));
  D ^= (b & (c >>> 2)) ^ ((a ^ b) & (d >>> 2));
  a = A; b = B; c = C; d = D;
  A = (a & (a >>> 4)) ^ (b & (b >>> 4));
  B = (a & (b >>> 4)) ^ (b & ((a ^ b) >>> 4));
  C ^= (a & (c >>> 4)) ^ (b & (d >>> 4));
  D ^= (b & (c >>> 4)) ^ ((a ^ b) & (d >>> 4));
  a = A; b = B; c = C; d = D;
  C ^= (a & (c >>> 8)) ^ (b & (d >>> 8));
  D ^= (b & (c >>> 8)) ^ ((a ^ b) & (d >>> 8));
  a = C ^ (C >>> 1);
  b = D ^ (D >>> 1);
  let i0 = x ^ y;
  let i1 = b | (0xffff ^ (i0 | a));
  i0 = (i0 | (i0 << 8)) & 0x00ff00ff;
  i0 = (i0 | (i0 << 4)) & 0x0f0f0f0f;
  i0 = (i0 | (i0 << 2)) & 0x33333333;
  i0 = (i0 | (i0 << 1)) & 0x55555555;
  i1 = (i1 | (i1 << 8)) & 0x00ff00ff;
  i1 = (i1 | (i1 << 4)) & 0x0f0f0f0f;
  i1 = (i1 | (i1 << 2)) & 0x33333333;
  i1 = (i1 | (i1 << 1)) & 0x55555555;
  return ((i1 << 1) | i0) >>> 0;
}

/** Level ranges of the packed tree, leaves first (as the reader computes them). */
function levelBounds(count: number): Array<[number, number]> {
  const sizes = [count];
  let n = count;
  let total = n;
  do {
    n = Math.ceil(n / NODE_SIZE);
    total += n;
    sizes.push(n);
  } while (n !== 1);
  const bounds: Array<[number, number]> = [];
  let end = total;
  for (const size of sizes) {
    bounds.push([end - size, end]);
    end -= size;
  }
  return bounds;
}

function buildHeader(meta: { geometryType: GeometryType; columns: ColumnMeta[]; count: number; extent: Box; name: string }): Uint8Array {
  const builder = new flatbuffers.Builder(1024);
  const columnOffsets = meta.columns.map((c) => {
    const name = builder.createString(c.name);
    Column.startColumn(builder);
    Column.addName(builder, name);
    Column.addType(builder, c.type);
    return Column.endColumn(builder);
  });
  const columns = Header.createColumnsVector(builder, columnOffsets);
  const envelope = Header.createEnvelopeVector(builder, meta.extent);
  const name = builder.createString(meta.name);
  Crs.startCrs(builder);
  Crs.addCode(builder, 4326);
  const crs = Crs.endCrs(builder);
  Header.startHeader(builder);
  Header.addName(builder, name);
  Header.addEnvelope(builder, envelope);
  Header.addGeometryType(builder, meta.geometryType);
  Header.addColumns(builder, columns);
  Header.addFeaturesCount(builder, BigInt(meta.count));
  Header.addIndexNodeSize(builder, NODE_SIZE);
  Header.addCrs(builder, crs);
  builder.finishSizePrefixed(Header.endHeader(builder));
  return builder.asUint8Array();
}

export interface FgbInput {
  name: string;
  geometryType: keyof typeof GEOMETRY_TYPES;
  fields: ReadonlyArray<{ name: string; type: FieldKind }>;
  /** 2D geometries in EPSG:4326 and properties holding every field (null when absent). */
  features: ReadonlyArray<GeoJsonFeature<Geometry, Record<string, unknown>>>;
}

/**
 * Writes the FlatGeobuf. Features are stored in Hilbert order of their box centres, so a feature's id (its
 * position in the file) is stable for a given file. Returns the bytes, the layer's extent and each input feature's id.
 */
export function writeFlatGeobuf(input: FgbInput): { bytes: Uint8Array; extent: Box; ids: number[] } {
  const count = input.features.length;
  if (count === 0) throw new Error('empty layer');
  const boxes = input.features.map((f) => geometryBox(f.geometry));
  const extent: Box = [Infinity, Infinity, -Infinity, -Infinity];
  for (const b of boxes) {
    extent[0] = Math.min(extent[0], b[0]); extent[1] = Math.min(extent[1], b[1]);
    extent[2] = Math.max(extent[2], b[2]); extent[3] = Math.max(extent[3], b[3]);
  }
  const width = extent[2] - extent[0] || 1;
  const height = extent[3] - extent[1] || 1;
  const order = boxes.map((b, i) => ({
    i,
    h: hilbert(Math.floor((0xffff * ((b[0] + b[2]) / 2 - extent[0])) / width), Math.floor((0xffff * ((b[1] + b[3]) / 2 - extent[1])) / height)),
  })).sort((a, b) => a.h - b.h || a.i - b.i);

  const geometryType = GEOMETRY_TYPES[input.geometryType]!;
  const columns: ColumnMeta[] = input.fields.map((f) => ({
    name: f.name, type: COLUMN_TYPES[f.type], title: null, description: null, width: -1, precision: -1, scale: -1,
    nullable: true, unique: false, primary_key: false,
  }));
  const headerMeta: HeaderMeta = {
    geometryType, columns, envelope: null, featuresCount: count, indexNodeSize: NODE_SIZE, crs: null, title: null, description: null, metadata: null,
  };
  const encoded: Uint8Array[] = [];
  const offsets: number[] = [];
  let featureBytes = 0;
  for (const { i } of order) {
    const feature = input.features[i]!;
    const bytes = buildFeature(parseGeometry(feature.geometry as never), feature.properties as never, headerMeta);
    offsets.push(featureBytes);
    encoded.push(bytes);
    featureBytes += bytes.length;
  }

  // The packed tree: leaves hold each feature's box and byte offset, parents their children's union and the
  // index of their first child node.
  const bounds = levelBounds(count);
  const nodeCount = bounds[0]![1];
  const tree = new ArrayBuffer(nodeCount * NODE_BYTES);
  const view = new DataView(tree);
  const setNode = (index: number, box: Box, offset: number) => {
    const at = index * NODE_BYTES;
    view.setFloat64(at, box[0], true);
    view.setFloat64(at + 8, box[1], true);
    view.setFloat64(at + 16, box[2], true);
    view.setFloat64(at + 24, box[3], true);
    view.setBigUint64(at + 32, BigInt(offset), true);
  };
  const nodeBox = (index: number): Box => {
    const at = index * NODE_BYTES;
    return [view.getFloat64(at, true), view.getFloat64(at + 8, true), view.getFloat64(at + 16, true), view.getFloat64(at + 24, true)];
  };
  const leafStart = bounds[0]![0];
  order.forEach(({ i }, position) => setNode(leafStart + position, boxes[i]!, offsets[position]!));
  for (let level = 0; level < bounds.length - 1; level++) {
    const [start, end] = bounds[level]!;
    let parent = bounds[level + 1]![0];
    for (let child = start; child < end; child += NODE_SIZE, parent++) {
      const box: Box = [Infinity, Infinity, -Infinity, -Infinity];
      for (let c = child; c < Math.min(child + NODE_SIZE, end); c++) {
        const b = nodeBox(c);
        box[0] = Math.min(box[0], b[0]); box[1] = Math.min(box[1], b[1]);
        box[2] = Math.max(box[2], b[2]); box[3] = Math.max(box[3], b[3]);
      }
      setNode(parent, box, child);
    }
  }

  const header = buildHeader({ geometryType, columns, count, extent, name: input.name });
  const out = new Uint8Array(MAGIC.length + header.length + tree.byteLength + featureBytes);
  out.set(MAGIC, 0);
  out.set(header, MAGIC.length);
  out.set(new Uint8Array(tree), MAGIC.length + header.length);
  let at = MAGIC.length + header.length + tree.byteLength;
  for (const bytes of encoded) {
    out.set(bytes, at);
    at += bytes.length;
  }
  // ids[i]: the id (file position) of input feature i.
  const ids = new Array<number>(count);
  order.forEach(({ i }, position) => { ids[i] = position; });
  return { bytes: out, extent, ids };
}
