// Served geographic layers for the WMS and style tests: a geo_layers row with its FlatGeobuf in R2, as a finished
// vector ingest leaves them (the PMTiles key is recorded but not needed by these tests).
import { env } from 'cloudflare:test';
import type { Feature, Geometry } from 'geojson';
import { writeFlatGeobuf } from '../../worker/src/domain/flatgeobuf-writer';
import { layerKeys, type LayerGeometryType } from '../../worker/src/store/geo-layers';

export interface LayerOptions {
  organizationId: string;
  datasetId: string;
  name: string;
  title?: string;
  geometryType: LayerGeometryType;
  fields: Array<{ name: string; type: 'string' | 'integer' | 'number' | 'boolean' }>;
  features: Array<Feature<Geometry, Record<string, unknown>>>;
  accessLevel?: string;
}

export async function createServedLayer(options: LayerOptions): Promise<string> {
  const resourceId = crypto.randomUUID();
  const versionId = crypto.randomUUID();
  const now = new Date().toISOString();
  const { bytes, extent } = writeFlatGeobuf({ name: options.name, geometryType: options.geometryType, fields: options.fields, features: options.features });
  const keys = layerKeys(resourceId, versionId);
  await env.FILES.put(keys.fgb, bytes);
  await env.DB.batch([
    env.DB.prepare(
      `INSERT INTO resources (id, dataset_id, title, format, source_mode, access_level, created_at, modified_at) VALUES (?, ?, ?, 'GeoJSON', 'upload', ?, ?, ?)`,
    ).bind(resourceId, options.datasetId, options.title ?? options.name, options.accessLevel ?? 'public', now, now),
    env.DB.prepare(
      `INSERT INTO geo_layers (resource_id, organization_id, name, title, status, progress, source_crs, geometry_type, feature_count, bbox, fields, fgb_key, pmtiles_key, version_id, updated_at)
       VALUES (?, ?, ?, ?, 'ready', 1, 'EPSG:4326', ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).bind(resourceId, options.organizationId, options.name, options.title ?? options.name, options.geometryType, options.features.length, JSON.stringify(extent),
      JSON.stringify(options.fields), keys.fgb, keys.pmtiles, versionId, now),
  ]);
  return resourceId;
}

export const squareFeature = (lon: number, lat: number, size: number, properties: Record<string, unknown>): Feature<Geometry, Record<string, unknown>> => ({
  type: 'Feature',
  properties,
  geometry: { type: 'Polygon', coordinates: [[[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]] },
});
