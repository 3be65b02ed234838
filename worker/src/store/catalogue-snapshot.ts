// Exports the public catalogue for the static build. Visibility of datasets and files is decided by
// `can()` for an anonymous visitor, so nothing restricted can reach HTML, JSON-LD or the search index.
import { ANONYMOUS, can, type DatasetFacts, type ResourceFacts } from '../domain/permissions';
import {
  SNAPSHOT_SCHEMA_VERSION, type CatalogueSnapshot, type SnapshotDatastore, type SnapshotDataset, type SnapshotLayer, type SnapshotResource,
} from '../domain/snapshot';
import { defaultStyle, geometryKindOf, styleFromJson, validateStyle } from '../domain/style';
import type {
  AccessLevel, DataType, Geocover, Granularity, OrganizationType, ResourceType, ShowcaseType, SourceMode, UpdateFrequency,
} from '../domain/vocabulary';
import { publicFilePath, resourceDownloadPath } from './files';
import { groupBy } from '../domain/group-by';

interface DatasetRow {
  id: string; slug: string; title: string; description: string; organization_id: string; org_slug: string; licence_id: string;
  update_frequency: UpdateFrequency; granularity: Granularity; geocover: Geocover;
  bbox_west: number | null; bbox_south: number | null; bbox_east: number | null; bbox_north: number | null;
  territory_name: string | null; temporal_start: string | null; temporal_end: string | null; data_types: string;
  owner_name: string | null; broadcaster_name: string | null; date_created: string; date_modified: string;
  date_published: string; published: number; updated_at: string;
}

interface ResourceRow {
  id: string; dataset_id: string; title: string; description: string; format: string; resource_type: ResourceType;
  source_mode: SourceMode; source_url: string | null; file_key: string | null; file_name: string | null;
  media_type: string | null; size_bytes: number | null; access_level: AccessLevel; download_count: number;
  created_at: string; modified_at: string;
}

interface OrganizationRow {
  id: string; slug: string; legal_name: string; org_type: OrganizationType; description: string; logo_key: string | null;
  website: string | null; email: string | null; phone: string | null; address: string | null; postcode: string | null;
  city: string | null; territory_code: string | null; territory_name: string | null; created_at: string;
}

interface ShowcaseRow {
  id: string; slug: string; title: string; description: string; url: string | null; image_key: string | null;
  showcase_type: ShowcaseType; author_name: string | null; created_at: string; updated_at: string;
}


async function queryableResources(datastore: D1Database): Promise<Map<string, SnapshotDatastore>> {
  const rows = await datastore.prepare('SELECT resource_id, row_count, fields FROM datastore_resources WHERE table_name IS NOT NULL')
    .all<{ resource_id: string; row_count: number | null; fields: string | null }>();
  return new Map(rows.results.map((r) => [r.resource_id, { rows: r.row_count ?? 0, columns: r.fields ? (JSON.parse(r.fields) as unknown[]).length : 0 }]));
}

function resourceUrl(row: ResourceRow): string | null {
  if (row.file_key && row.file_name) return resourceDownloadPath(row.dataset_id, row.id, row.file_name);
  return row.source_url;
}

interface LayerRow {
  resource_id: string; name: string; title: string; geometry_type: string; feature_count: number; bbox: string; style: string | null;
}

/** Layer facts for the dataset page's map and "API Géo" panel; the style is the saved one or the geometry's default. */
function snapshotLayer(row: LayerRow, organizationSlug: string): SnapshotLayer {
  const saved = row.style ? styleFromJson(JSON.parse(row.style)) : null;
  return {
    name: row.name,
    title: row.title,
    geometryType: row.geometry_type,
    featureCount: row.feature_count,
    bbox: JSON.parse(row.bbox) as SnapshotLayer['bbox'],
    servicePath: `/maps/${encodeURIComponent(organizationSlug)}`,
    tilesPath: `/tiles/${row.resource_id}.pmtiles`,
    style: saved && validateStyle(saved).length === 0 ? saved : defaultStyle(geometryKindOf(row.geometry_type)),
  };
}

/** `datastore`: the DATASTORE database, for the "données requêtables" of each open resource. */
export async function exportSnapshot(db: D1Database, datastore?: D1Database): Promise<CatalogueSnapshot> {
  const queryable = datastore ? await queryableResources(datastore) : new Map<string, SnapshotDatastore>();
  const [licences, themes, orgs, datasets, resources, datasetThemes, datasetTags, allowedOrgs, showcases, showcaseDatasets, lastChange, layers] =
    await db.batch([
      db.prepare('SELECT id, title, url, is_open FROM licences ORDER BY position'),
      db.prepare('SELECT id, slug, title, description, iso_topic FROM themes ORDER BY position'),
      db.prepare('SELECT * FROM organizations WHERE is_active = 1 ORDER BY legal_name'),
      db.prepare(`SELECT d.*, o.slug AS org_slug FROM datasets d JOIN organizations o ON o.id = d.organization_id
                  WHERE o.is_active = 1 ORDER BY d.slug`),
      db.prepare('SELECT * FROM resources ORDER BY dataset_id, position'),
      db.prepare('SELECT dt.dataset_id, t.slug FROM dataset_themes dt JOIN themes t ON t.id = dt.theme_id ORDER BY t.position'),
      db.prepare('SELECT dt.dataset_id, t.name FROM dataset_tags dt JOIN tags t ON t.id = dt.tag_id ORDER BY t.name'),
      db.prepare('SELECT resource_id, organization_id FROM resource_allowed_organizations'),
      db.prepare('SELECT * FROM showcases WHERE published = 1 ORDER BY created_at DESC'),
      db.prepare('SELECT sd.showcase_id, d.slug FROM showcase_datasets sd JOIN datasets d ON d.id = sd.dataset_id ORDER BY d.slug'),
      db.prepare('SELECT COALESCE(MAX(id), 0) AS id FROM catalogue_changes'),
      db.prepare(`SELECT g.resource_id, g.name, g.title, g.geometry_type, g.feature_count, g.bbox, s.style FROM geo_layers g
                  LEFT JOIN layer_styles s ON s.resource_id = g.resource_id WHERE g.version_id IS NOT NULL AND g.bbox IS NOT NULL`),
    ]);

  const resourcesByDataset = groupBy(resources!.results as unknown as ResourceRow[], (r) => r.dataset_id);
  const themesByDataset = groupBy(datasetThemes!.results as { dataset_id: string; slug: string }[], (r) => r.dataset_id);
  const tagsByDataset = groupBy(datasetTags!.results as { dataset_id: string; name: string }[], (r) => r.dataset_id);
  const allowedOrgsByResource = groupBy(allowedOrgs!.results as { resource_id: string; organization_id: string }[], (r) => r.resource_id);
  const datasetsByShowcase = groupBy(showcaseDatasets!.results as { showcase_id: string; slug: string }[], (r) => r.showcase_id);

  const layersByResource = new Map((layers!.results as unknown as LayerRow[]).map((l) => [l.resource_id, l]));
  const publicDatasets: SnapshotDataset[] = [];
  for (const d of datasets!.results as unknown as DatasetRow[]) {
    const facts: DatasetFacts = { organizationId: d.organization_id, published: d.published === 1 };
    if (!can(ANONYMOUS, { action: 'dataset:view', dataset: facts })) continue;
    const snapshotResources: SnapshotResource[] = (resourcesByDataset.get(d.id) ?? []).map((r) => {
      const resourceFacts: ResourceFacts = {
        accessLevel: r.access_level,
        allowedUserIds: [],
        allowedOrganizationIds: (allowedOrgsByResource.get(r.id) ?? []).map((a) => a.organization_id),
        dataset: facts,
      };
      const open = can(ANONYMOUS, { action: 'resource:download', resource: resourceFacts });
      return {
        id: r.id,
        title: r.title,
        description: r.description,
        format: r.format,
        resourceType: r.resource_type,
        sourceMode: r.source_mode,
        accessLevel: r.access_level,
        restricted: !open,
        url: open ? resourceUrl(r) : null,
        fileName: open ? r.file_name : null,
        sizeBytes: r.size_bytes,
        mediaType: r.media_type,
        downloadCount: r.download_count,
        createdAt: r.created_at,
        modifiedAt: r.modified_at,
        datastore: open ? (queryable.get(r.id) ?? null) : null,
        ...(open && layersByResource.has(r.id) ? { layer: snapshotLayer(layersByResource.get(r.id)!, d.org_slug) } : {}),
      };
    });
    const hasBbox = d.bbox_west !== null && d.bbox_south !== null && d.bbox_east !== null && d.bbox_north !== null;
    publicDatasets.push({
      id: d.id,
      slug: d.slug,
      title: d.title,
      description: d.description,
      organization: d.org_slug,
      licence: d.licence_id,
      updateFrequency: d.update_frequency,
      granularity: d.granularity,
      geocover: d.geocover,
      bbox: hasBbox ? [d.bbox_west!, d.bbox_south!, d.bbox_east!, d.bbox_north!] : null,
      territoryName: d.territory_name,
      temporalStart: d.temporal_start,
      temporalEnd: d.temporal_end,
      dataTypes: JSON.parse(d.data_types) as DataType[],
      themes: (themesByDataset.get(d.id) ?? []).map((t) => t.slug),
      tags: (tagsByDataset.get(d.id) ?? []).map((t) => t.name),
      ownerName: d.owner_name,
      broadcasterName: d.broadcaster_name,
      dateCreated: d.date_created,
      dateModified: d.date_modified,
      datePublished: d.date_published,
      metadataModified: d.updated_at,
      downloadCount: snapshotResources.reduce((n, r) => n + r.downloadCount, 0),
      hasRestrictedResources: snapshotResources.some((r) => r.restricted),
      resources: snapshotResources,
    });
  }

  const countBy = (key: (d: SnapshotDataset) => string[]) => {
    const counts = new Map<string, number>();
    for (const d of publicDatasets) for (const k of key(d)) counts.set(k, (counts.get(k) ?? 0) + 1);
    return counts;
  };
  const perTheme = countBy((d) => d.themes);
  const perOrg = countBy((d) => [d.organization]);
  const visibleSlugs = new Set(publicDatasets.map((d) => d.slug));

  return {
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    generatedAt: new Date().toISOString(),
    lastChangeId: Number((lastChange!.results[0] as { id: number }).id),
    licences: (licences!.results as { id: string; title: string; url: string | null; is_open: number }[])
      .map((l) => ({ id: l.id, title: l.title, url: l.url, isOpen: l.is_open === 1 })),
    themes: (themes!.results as { id: string; slug: string; title: string; description: string; iso_topic: string }[])
      .map((t) => ({ id: t.id, slug: t.slug, title: t.title, description: t.description, isoTopic: t.iso_topic, datasetCount: perTheme.get(t.slug) ?? 0 })),
    organizations: (orgs!.results as unknown as OrganizationRow[]).map((o) => ({
      id: o.id,
      slug: o.slug,
      legalName: o.legal_name,
      orgType: o.org_type,
      description: o.description,
      logoUrl: o.logo_key ? publicFilePath(o.logo_key) : null,
      website: o.website,
      email: o.email,
      phone: o.phone,
      address: o.address,
      postcode: o.postcode,
      city: o.city,
      territoryCode: o.territory_code,
      territoryName: o.territory_name,
      datasetCount: perOrg.get(o.slug) ?? 0,
      createdAt: o.created_at,
    })),
    datasets: publicDatasets,
    showcases: (showcases!.results as unknown as ShowcaseRow[]).map((s) => ({
      id: s.id,
      slug: s.slug,
      title: s.title,
      description: s.description,
      url: s.url,
      imageUrl: s.image_key ? publicFilePath(s.image_key) : null,
      showcaseType: s.showcase_type,
      authorName: s.author_name,
      datasets: (datasetsByShowcase.get(s.id) ?? []).map((x) => x.slug).filter((slug) => visibleSlugs.has(slug)),
      createdAt: s.created_at,
      updatedAt: s.updated_at,
    })),
  };
}

/** Latest catalogue change, so the local runtime can tell whether the built site is stale. */
export async function catalogueStatus(db: D1Database): Promise<{ lastChangeId: number; datasets: number }> {
  const row = await db.prepare(
    'SELECT (SELECT COALESCE(MAX(id), 0) FROM catalogue_changes) AS lastChangeId, (SELECT COUNT(*) FROM datasets) AS datasets',
  ).first<{ lastChangeId: number; datasets: number }>();
  return { lastChangeId: Number(row?.lastChangeId ?? 0), datasets: Number(row?.datasets ?? 0) };
}
