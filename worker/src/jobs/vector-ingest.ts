// Vector ingest: a geographic resource's file becomes a layer version in R2 (FlatGeobuf for features, PMTiles for
// tiles), then the geo_layers row is swapped to it. A failure records a French error and keeps the previous
// version served. Queued whenever a resource's file may have changed (publication, replacement, sync, import).
import type { Env } from '../env';
import { sendJob, type JobMessage } from '../store/queue';
import { buildLayer, layerName } from '../domain/geo-layer-build';
import { GeoError, geoKind, readCsvPoints, readGeojson, readGpx, readKml, readShapefileZip, type GeoRead } from '../domain/geo-sources';
import { writeFlatGeobuf } from '../domain/flatgeobuf-writer';
import { buildTiles } from '../domain/vector-tiles';
import { writePmtiles } from '../domain/pmtiles-writer';
import { crsLabel } from '../domain/geo-crs';
import { readGeopackage } from './geopackage';
import {
  findLayer, layerKeys, markLayerAttempt, removeLayer, saveLayerFailure, saveLayerProgress, saveLayerReady, takenLayerNames,
} from '../store/geo-layers';

/** Largest source file turned into a layer: the job holds the file and its features in a 128 MB isolate. */
export const DEFAULT_MAX_BYTES = 30 * 1024 * 1024;

export async function enqueueVectorIngest(env: Pick<Env, 'JOBS' | 'DB'>, resourceId: string): Promise<void> {
  await sendJob(env, { type: 'vector-ingest', resourceId });
}

export async function handleVectorIngestMessages(messages: readonly Message<JobMessage>[], env: Env): Promise<void> {
  for (const message of messages) {
    if (message.body.type !== 'vector-ingest') continue;
    try {
      await ingestLayer(env, message.body.resourceId);
      message.ack();
    } catch (error) {
      console.error('vector ingest failed', error);
      message.retry({ delaySeconds: 30 });
    }
  }
}

interface SourceResource {
  id: string; title: string; format: string; file_name: string | null; file_key: string | null; sha256: string | null;
  crs: string | null; size_bytes: number | null; organization_id: string;
}

async function readSource(env: Env, kind: NonNullable<ReturnType<typeof geoKind>>, key: string): Promise<GeoRead | null> {
  const object = await env.FILES.get(key);
  if (!object) throw new GeoError('Le fichier de la ressource est introuvable dans le stockage : déposez-le à nouveau.');
  if (kind === 'csv') {
    let first: ReadableStream<Uint8Array> | null = object.body;
    return readCsvPoints(async () => {
      if (first) {
        const stream = first;
        first = null;
        return stream;
      }
      return (await env.FILES.get(key))!.body;
    });
  }
  const bytes = new Uint8Array(await object.arrayBuffer());
  switch (kind) {
    case 'geojson': return readGeojson(bytes);
    case 'shapefile': return readShapefileZip(bytes);
    case 'geopackage': return readGeopackage(bytes);
    case 'kml': return readKml(bytes);
    case 'gpx': return readGpx(bytes);
  }
}

export async function ingestLayer(env: Env, resourceId: string, now = () => new Date()): Promise<void> {
  const resource = await env.DB.prepare(
    `SELECT r.id, r.title, r.format, r.file_name, r.file_key, r.sha256, r.crs, r.size_bytes, d.organization_id
     FROM resources r JOIN datasets d ON d.id = r.dataset_id WHERE r.id = ?`,
  ).bind(resourceId).first<SourceResource>();
  const kind = resource ? geoKind(resource.format, resource.file_name) : null;
  if (!resource || !kind || !resource.file_key) return removeLayer(env.DB, env.FILES, resourceId);
  const existing = await findLayer(env.DB, resourceId);
  if (existing?.versionId && existing.status === 'ready' && existing.sourceSha256 === resource.sha256 && existing.organizationId === resource.organization_id
    && existing.title === resource.title && (!resource.crs || resource.crs === existing.sourceCrs)) return;
  const name = existing?.versionId && existing.organizationId === resource.organization_id
    ? existing.name
    : layerName(resource.title, await takenLayerNames(env.DB, resource.organization_id, resourceId));
  await markLayerAttempt(env.DB, { resourceId, organizationId: resource.organization_id, name, title: resource.title, status: 'running', now: now() });

  try {
    if ((resource.size_bytes ?? 0) > DEFAULT_MAX_BYTES) {
      throw new GeoError(`Le fichier dépasse ${DEFAULT_MAX_BYTES / 1024 / 1024} Mo, la taille maximale d’une couche cartographique.`);
    }
    const read = await readSource(env, kind, resource.file_key);
    // A CSV without coordinate columns is tabular only: no layer.
    if (!read) return removeLayer(env.DB, env.FILES, resourceId);
    const sourceCrs = resource.crs ?? read.crs ?? (kind === 'shapefile' ? null : 'EPSG:4326');
    if (!sourceCrs) {
      throw new GeoError('Le Shapefile n’a pas de fichier .prj : indiquez son système de coordonnées (par exemple EPSG:2154, Lambert 93) dans le formulaire de la ressource.');
    }
    await saveLayerProgress(env.DB, resourceId, 0.25);
    const built = buildLayer(read, sourceCrs);
    const fgb = writeFlatGeobuf({ name, geometryType: built.geometryType, fields: built.fields, features: built.features });
    await saveLayerProgress(env.DB, resourceId, 0.5);
    // Tile features carry the FlatGeobuf id, so a map click and GetFeatureInfo name the same feature.
    const tileSet = buildTiles(name, built.features.map((f, i) => ({ ...f, id: fgb.ids[i] })));
    const fields = Object.fromEntries(built.fields.map((f) => [f.name, f.type === 'string' ? 'String' : f.type === 'boolean' ? 'Boolean' : 'Number']));
    const pmtiles = writePmtiles(tileSet.tiles, {
      minZoom: tileSet.minZoom, maxZoom: tileSet.maxZoom, bounds: fgb.extent,
      metadata: { name, description: resource.title, vector_layers: [{ id: name, fields, minzoom: tileSet.minZoom, maxzoom: tileSet.maxZoom }] },
    });
    await saveLayerProgress(env.DB, resourceId, 0.75);
    const versionId = crypto.randomUUID();
    const keys = layerKeys(resourceId, versionId);
    await env.FILES.put(keys.fgb, fgb.bytes, { httpMetadata: { contentType: 'application/flatgeobuf' } });
    await env.FILES.put(keys.pmtiles, pmtiles, { httpMetadata: { contentType: 'application/vnd.pmtiles' } });
    const previous = await saveLayerReady(env.DB, {
      resourceId, name, sourceCrs: crsLabel(sourceCrs), geometryType: built.geometryType, featureCount: built.features.length,
      bbox: fgb.extent, fields: built.fields, versionId, sourceSha256: resource.sha256,
    }, now());
    if (previous) await env.FILES.delete([previous.fgb, previous.pmtiles]);
  } catch (error) {
    const message = error instanceof GeoError ? error.message : 'Erreur interne pendant la préparation de la couche : l’équipe du portail a été prévenue, réessayez plus tard.';
    if (!(error instanceof GeoError)) console.error('vector ingest error', resourceId, error);
    await saveLayerFailure(env.DB, resourceId, message, now());
  }
}
