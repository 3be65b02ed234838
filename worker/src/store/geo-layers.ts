// Geographic layers (table geo_layers): what WMS, WFS, the tiles and the dataset page serve. Visibility is decided
// by can() with the same facts as a download of the resource: a layer shows only to those who may download it.
import { servableBox } from '../domain/map-projection';
import { can, type Actor, type ResourceFacts } from '../domain/permissions';
import type { AccessLevel } from '../domain/vocabulary';

export type LayerStatus = 'pending' | 'running' | 'ready' | 'failed';
export type FieldType = 'string' | 'integer' | 'number' | 'boolean';
export type LayerGeometryType = 'Point' | 'MultiPoint' | 'LineString' | 'MultiLineString' | 'Polygon' | 'MultiPolygon';

export interface LayerField {
  name: string;
  type: FieldType;
}

/** [minx, miny, maxx, maxy] in EPSG:4326, longitude first. */
export type Bbox = [number, number, number, number];

export interface GeoLayer {
  resourceId: string;
  organizationId: string;
  /** OGC name (NCName), unique in the organisation: the WMS layer and WFS type name (prefixed by the org in WFS). */
  name: string;
  title: string;
  status: LayerStatus;
  progress: number;
  error: string | null;
  sourceCrs: string | null;
  geometryType: LayerGeometryType | null;
  featureCount: number;
  bbox: Bbox | null;
  fields: LayerField[];
  fgbKey: string | null;
  pmtilesKey: string | null;
  versionId: string | null;
  sourceSha256: string | null;
  updatedAt: string;
  /** Description and dataset of the resource, for capabilities abstracts and links. */
  abstract: string;
  datasetId: string;
  datasetSlug: string;
  facts: ResourceFacts;
}

/** A layer that has files to serve (a first ingest succeeded). */
export type ServedLayer = GeoLayer & { fgbKey: string; pmtilesKey: string; versionId: string; bbox: Bbox; geometryType: LayerGeometryType };

export const isServed = (layer: GeoLayer): layer is ServedLayer =>
  layer.versionId !== null && layer.fgbKey !== null && layer.pmtilesKey !== null && layer.bbox !== null && layer.geometryType !== null;

/** R2 keys of a layer version's files. */
export const layerKeys = (resourceId: string, versionId: string) => ({
  fgb: `layers/${resourceId}/${versionId}/layer.fgb`,
  pmtiles: `layers/${resourceId}/${versionId}/layer.pmtiles`,
});

export interface Organization {
  id: string;
  slug: string;
  legalName: string;
  description: string;
}

export async function findOrganizationBySlug(db: D1Database, slug: string): Promise<Organization | null> {
  const row = await db.prepare('SELECT id, slug, legal_name, description FROM organizations WHERE slug = ? AND is_active = 1').bind(slug)
    .first<{ id: string; slug: string; legal_name: string; description: string }>();
  return row ? { id: row.id, slug: row.slug, legalName: row.legal_name, description: row.description } : null;
}

interface LayerRow {
  resource_id: string; organization_id: string; name: string; title: string; status: LayerStatus; progress: number; error: string | null;
  source_crs: string | null; geometry_type: LayerGeometryType | null; feature_count: number | null; bbox: string | null; fields: string;
  fgb_key: string | null; pmtiles_key: string | null; version_id: string | null; source_sha256: string | null; updated_at: string;
  description: string; dataset_id: string; dataset_slug: string; access_level: AccessLevel; published: number; creator_user_id: string | null;
  allowed_users: string; allowed_organizations: string;
}

const LAYER_SELECT = `SELECT g.*, r.description, d.id AS dataset_id, d.slug AS dataset_slug, r.access_level, d.published, d.creator_user_id,
    (SELECT json_group_array(user_id) FROM resource_allowed_users WHERE resource_id = r.id) AS allowed_users,
    (SELECT json_group_array(organization_id) FROM resource_allowed_organizations WHERE resource_id = r.id) AS allowed_organizations
  FROM geo_layers g JOIN resources r ON r.id = g.resource_id JOIN datasets d ON d.id = r.dataset_id`;

function toLayer(row: LayerRow): GeoLayer {
  return {
    resourceId: row.resource_id, organizationId: row.organization_id, name: row.name, title: row.title, status: row.status,
    progress: row.progress, error: row.error, sourceCrs: row.source_crs, geometryType: row.geometry_type, featureCount: row.feature_count ?? 0,
    bbox: row.bbox ? servableBox(JSON.parse(row.bbox) as Bbox) : null, fields: JSON.parse(row.fields) as LayerField[], fgbKey: row.fgb_key,
    pmtilesKey: row.pmtiles_key, versionId: row.version_id, sourceSha256: row.source_sha256, updatedAt: row.updated_at,
    abstract: row.description, datasetId: row.dataset_id, datasetSlug: row.dataset_slug,
    facts: {
      accessLevel: row.access_level,
      allowedUserIds: JSON.parse(row.allowed_users) as string[],
      allowedOrganizationIds: JSON.parse(row.allowed_organizations) as string[],
      dataset: { organizationId: row.organization_id, published: row.published === 1, creatorUserId: row.creator_user_id },
    },
  };
}

/** Whether the actor may see (and query, render, download) the layer: the download rule of its resource. */
export const canUseLayer = (actor: Actor, layer: GeoLayer): boolean =>
  can(actor, { action: 'dataset:view', dataset: layer.facts.dataset }) && can(actor, { action: 'resource:download', resource: layer.facts });

/** Served layers of the organisation that the actor may use, by name. */
export async function visibleLayers(db: D1Database, actor: Actor, organizationId: string): Promise<ServedLayer[]> {
  const rows = await db.prepare(`${LAYER_SELECT} WHERE g.organization_id = ? AND g.version_id IS NOT NULL ORDER BY g.name`)
    .bind(organizationId).all<LayerRow>();
  return rows.results.map(toLayer).filter(isServed).filter((l) => canUseLayer(actor, l));
}

/** One layer of an organisation by name, whatever its state (the caller checks canUseLayer and isServed). */
export async function findLayerByName(db: D1Database, organizationId: string, name: string): Promise<GeoLayer | null> {
  const row = await db.prepare(`${LAYER_SELECT} WHERE g.organization_id = ? AND g.name = ?`).bind(organizationId, name).first<LayerRow>();
  return row ? toLayer(row) : null;
}

export async function findLayer(db: D1Database, resourceId: string): Promise<GeoLayer | null> {
  const row = await db.prepare(`${LAYER_SELECT} WHERE g.resource_id = ?`).bind(resourceId).first<LayerRow>();
  return row ? toLayer(row) : null;
}

/** A layer by resource id or by its name in any organisation (tiles URLs accept both). */
export async function findLayerByIdOrName(db: D1Database, idOrName: string): Promise<GeoLayer | null> {
  const row = await db.prepare(`${LAYER_SELECT} WHERE g.resource_id = ?1 OR g.name = ?1 ORDER BY g.resource_id = ?1 DESC LIMIT 1`)
    .bind(idOrName).first<LayerRow>();
  return row ? toLayer(row) : null;
}

/** Names taken by other layers of the organisation, to make a new name unique. */
export async function takenLayerNames(db: D1Database, organizationId: string, resourceId: string): Promise<Set<string>> {
  const rows = await db.prepare('SELECT name FROM geo_layers WHERE organization_id = ? AND resource_id <> ?').bind(organizationId, resourceId)
    .all<{ name: string }>();
  return new Set(rows.results.map((r) => r.name));
}

/** Marks an attempt (queued or running) without touching the served version. Creates the row on first ingest. */
export async function markLayerAttempt(db: D1Database, attempt: { resourceId: string; organizationId: string; name: string; title: string;
  status: 'pending' | 'running'; now: Date }): Promise<void> {
  await db.prepare(
    `INSERT INTO geo_layers (resource_id, organization_id, name, title, status, progress, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6)
     ON CONFLICT (resource_id) DO UPDATE SET status = ?5, progress = 0, error = NULL, title = ?4, organization_id = ?2,
       name = CASE WHEN version_id IS NULL THEN ?3 ELSE name END, updated_at = ?6`,
  ).bind(attempt.resourceId, attempt.organizationId, attempt.name, attempt.title, attempt.status, attempt.now.toISOString()).run();
}

export async function saveLayerProgress(db: D1Database, resourceId: string, progress: number): Promise<void> {
  await db.prepare("UPDATE geo_layers SET progress = ? WHERE resource_id = ? AND status = 'running'").bind(progress, resourceId).run();
}

/** A failed attempt: the French error is kept, the previously served version (if any) stays served. */
export async function saveLayerFailure(db: D1Database, resourceId: string, error: string, now: Date): Promise<void> {
  await db.prepare("UPDATE geo_layers SET status = 'failed', error = ?, updated_at = ? WHERE resource_id = ?")
    .bind(error, now.toISOString(), resourceId).run();
}

export interface ReadyLayer {
  resourceId: string;
  name: string;
  sourceCrs: string;
  geometryType: LayerGeometryType;
  featureCount: number;
  bbox: Bbox;
  fields: LayerField[];
  versionId: string;
  sourceSha256: string | null;
}

/** Swaps in a new version; returns the keys of the version it replaced (to delete) or null. */
export async function saveLayerReady(db: D1Database, ready: ReadyLayer, now: Date): Promise<{ fgb: string; pmtiles: string } | null> {
  const previous = await db.prepare('SELECT fgb_key, pmtiles_key FROM geo_layers WHERE resource_id = ?').bind(ready.resourceId)
    .first<{ fgb_key: string | null; pmtiles_key: string | null }>();
  const keys = layerKeys(ready.resourceId, ready.versionId);
  await db.prepare(
    `UPDATE geo_layers SET status = 'ready', progress = 1, error = NULL, name = ?, source_crs = ?, geometry_type = ?, feature_count = ?, bbox = ?,
       fields = ?, fgb_key = ?, pmtiles_key = ?, version_id = ?, source_sha256 = ?, updated_at = ? WHERE resource_id = ?`,
  ).bind(ready.name, ready.sourceCrs, ready.geometryType, ready.featureCount, JSON.stringify(ready.bbox), JSON.stringify(ready.fields), keys.fgb,
    keys.pmtiles, ready.versionId, ready.sourceSha256, now.toISOString(), ready.resourceId).run();
  return previous?.fgb_key && previous.pmtiles_key ? { fgb: previous.fgb_key, pmtiles: previous.pmtiles_key } : null;
}

/** The resource is gone or no longer geographic: the layer and its files go. */
export async function removeLayer(db: D1Database, bucket: R2Bucket, resourceId: string): Promise<void> {
  await db.prepare('DELETE FROM geo_layers WHERE resource_id = ?').bind(resourceId).run();
  const listed = await bucket.list({ prefix: `layers/${resourceId}/` });
  if (listed.objects.length > 0) await bucket.delete(listed.objects.map((o) => o.key));
}
