// Features of a served layer, read from its FlatGeobuf in R2 (features in EPSG:4326, Hilbert-packed R-tree).
// Shared by WFS GetFeature, WMS rendering and GetFeatureInfo. Files of a layer version never change, so small
// files are kept whole in the isolate's memory; larger ones are read by range through the spatial index.
import type { Feature, Geometry } from 'geojson';
import { ArrayReader } from 'flatgeobuf/lib/mjs/array-reader.js';
import { HttpReader, type RangeClient } from 'flatgeobuf/lib/mjs/http-reader.js';
import { fromFeature } from 'flatgeobuf/lib/mjs/geojson/feature.js';
import { deserialize } from 'flatgeobuf/lib/mjs/geojson.js';
import type { Bbox, ServedLayer } from './geo-layers';

/** A feature with its id: its position in the layer's file (stable for a layer version). */
export type LayerFeature = Feature<Geometry, Record<string, unknown>> & { id: number };

export interface FeatureQuery {
  /** Only features whose box intersects this one (EPSG:4326, lon/lat). */
  bbox?: Bbox;
  /** Only these feature ids. */
  ids?: readonly number[];
  /** Any further condition (attribute filters, exact geometry tests). */
  filter?: (feature: LayerFeature) => boolean;
  /** Matching features skipped before the first one returned. */
  offset?: number;
  /** Most features returned (all when absent). */
  limit?: number;
  /** Count every matching feature (`matched`), even past `limit`. */
  countAll?: boolean;
}

export interface FeatureResult {
  features: LayerFeature[];
  /** Number of matching features, when counted (countAll, or when the scan reached the end). */
  matched: number | null;
}

/** Files up to this size are read whole and kept in memory (per isolate). */
export const WHOLE_FILE_BYTES = 8 * 1024 * 1024;
// A Worker isolate has 128 MB: the cache keeps well under it.
const CACHE_BYTES = 32 * 1024 * 1024;
const cache = new Map<string, Uint8Array>();
let cachedBytes = 0;

async function wholeFile(bucket: R2Bucket, key: string): Promise<Uint8Array | null> {
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const object = await bucket.get(key);
  if (!object) return null;
  const bytes = new Uint8Array(await object.arrayBuffer());
  cache.set(key, bytes);
  cachedBytes += bytes.byteLength;
  for (const [oldKey, old] of cache) {
    if (cachedBytes <= CACHE_BYTES || oldKey === key) break;
    cache.delete(oldKey);
    cachedBytes -= old.byteLength;
  }
  return bytes;
}

/** The flatgeobuf reader's range client over R2 `get(key, { range })`. */
export function r2RangeClient(bucket: R2Bucket, key: string, size: number): RangeClient {
  return {
    async getRange(begin: number, length: number): Promise<ArrayBuffer> {
      const clamped = Math.max(0, Math.min(length, size - begin));
      if (clamped === 0) return new ArrayBuffer(0);
      const object = await bucket.get(key, { range: { offset: begin, length: clamped } });
      if (!object) throw new Error(`layer file missing: ${key}`);
      return object.arrayBuffer();
    },
  };
}

const WORLD = { minX: -Infinity, minY: -Infinity, maxX: Infinity, maxY: Infinity };

type Source = AsyncIterable<LayerFeature>;

async function openSource(bucket: R2Bucket, layer: ServedLayer, bbox: Bbox | undefined, wholeFileBytes: number): Promise<Source> {
  const rect = bbox ? { minX: bbox[0], minY: bbox[1], maxX: bbox[2], maxY: bbox[3] } : null;
  const head = cache.has(layer.fgbKey) ? null : await bucket.head(layer.fgbKey);
  if (!cache.has(layer.fgbKey) && !head) throw new Error(`layer file missing: ${layer.fgbKey}`);
  if (head === null || head.size <= wholeFileBytes) {
    const bytes = (await wholeFile(bucket, layer.fgbKey))!;
    if (!rect) return deserialize(bytes) as Source;
    const reader = ArrayReader.open(bytes);
    return (async function* () {
      for await (const { id, feature } of reader.selectBbox(rect)) yield fromFeature(id, feature, reader.header) as LayerFeature;
    })();
  }
  const reader = await HttpReader.openSource(r2RangeClient(bucket, layer.fgbKey, head.size));
  return (async function* () {
    for await (const { id, feature } of reader.selectBbox(rect ?? WORLD)) yield fromFeature(id, feature, reader.header) as LayerFeature;
  })();
}

/**
 * Reads the layer's features in file order. With `bbox` the R-tree selects candidates by box; `filter` decides
 * the rest. Paging counts matching features only, so page n+1 starts where page n ended.
 */
export async function readFeatures(env: { FILES: R2Bucket }, layer: ServedLayer, query: FeatureQuery = {},
  wholeFileBytes = WHOLE_FILE_BYTES): Promise<FeatureResult> {
  const offset = Math.max(0, query.offset ?? 0);
  const limit = query.limit ?? Infinity;
  const ids = query.ids ? new Set(query.ids) : null;
  const features: LayerFeature[] = [];
  let matched = 0;
  let complete = true;
  const source = await openSource(env.FILES, layer, query.bbox, wholeFileBytes);
  for await (const feature of source) {
    if (ids && !ids.has(feature.id)) continue;
    if (query.filter && !query.filter(feature)) continue;
    matched++;
    if (matched > offset && features.length < limit) features.push(feature);
    if (features.length >= limit && !query.countAll) {
      complete = false;
      break;
    }
    if (ids && matched === ids.size && !query.countAll) break;
  }
  return { features, matched: complete ? matched : null };
}
