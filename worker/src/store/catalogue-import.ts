// Writes a validated catalogue import into D1 and R2. Files go to R2 first (new version keys, nothing
// overwritten); then every row is written in one D1 batch, which D1 runs as a single transaction, so a
// failed import leaves the previous catalogue served.
import type { CatalogueImport, ImportResource, ImportResult } from '../domain/import-schema';
import { organizationLogoKey, resourceFileKey, sha256Hex, showcaseImageKey } from './files';
import { formatInfo } from '../domain/vocabulary';
import { t, type MessageKey, type Params } from '../i18n';
import { tabularKind } from '../domain/datastore-sources';
import { enqueueIngest } from '../jobs/ingest';
import { enqueueVectorIngest } from '../jobs/vector-ingest';
import { geoKind } from '../domain/geo-sources';
import type { Env } from '../env';

const m = (key: MessageKey, params?: Params) => t('fr', key, params);

export interface ImportFile {
  name: string;
  type: string;
  bytes: ArrayBuffer;
}

export class ImportError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
  }
}

interface StoredFile {
  key: string;
  fileName: string;
  mediaType: string;
  size: number;
  sha256: string;
  versionId: string | null; // null when the same bytes were already the current version
}

const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/** Checks references the schema cannot see: organisations, licences, themes, files, slugs taken by other ids. */
async function crossCheck(db: D1Database, data: CatalogueImport, files: Map<string, ImportFile>): Promise<void> {
  const problems: string[] = [];
  const [licences, themes, orgs, datasetSlugs] = await Promise.all([
    db.prepare('SELECT id FROM licences').all<{ id: string }>(),
    db.prepare('SELECT slug FROM themes').all<{ slug: string }>(),
    db.prepare('SELECT id, slug FROM organizations').all<{ id: string; slug: string }>(),
    db.prepare('SELECT id, slug FROM datasets').all<{ id: string; slug: string }>(),
  ]);
  const licenceIds = new Set(licences.results.map((l) => l.id));
  const themeSlugs = new Set(themes.results.map((t) => t.slug));
  const orgSlugs = new Set([...orgs.results.map((o) => o.slug), ...data.organizations.map((o) => o.slug)]);
  const slugOwner = new Map(datasetSlugs.results.map((d) => [d.slug, d.id]));
  const allDatasetSlugs = new Set([...slugOwner.keys(), ...data.datasets.map((d) => d.slug)]);
  const seen = new Set<string>();

  for (const o of data.organizations) {
    const owner = orgs.results.find((x) => x.slug === o.slug);
    if (owner && owner.id !== o.id) problems.push(m('import.slugTaken', { where: m('import.where.organization', { slug: o.slug }) }));
    if (o.logo && !files.has(o.logo)) problems.push(m('import.missingFile', { where: m('import.where.organization', { slug: o.slug }), path: o.logo }));
  }
  for (const d of data.datasets) {
    const where = m('import.where.dataset', { slug: d.slug });
    if (seen.has(d.slug)) problems.push(m('import.duplicate', { where }));
    seen.add(d.slug);
    const owner = slugOwner.get(d.slug);
    if (owner && owner !== d.id) problems.push(m('import.slugTaken', { where }));
    if (!orgSlugs.has(d.organization)) problems.push(m('import.unknownOrganization', { where, slug: d.organization }));
    if (!licenceIds.has(d.licence)) problems.push(m('import.unknownLicence', { where, id: d.licence }));
    for (const t of d.themes) if (!themeSlugs.has(t)) problems.push(m('import.unknownTheme', { where, slug: t }));
    for (const r of d.resources) {
      if (r.file && !files.has(r.file)) problems.push(m('import.missingFile', { where: m('import.where.resource', { slug: d.slug, title: r.title }), path: r.file }));
      for (const org of r.allowedOrganizations) {
        if (!orgSlugs.has(org)) problems.push(m('import.unknownAllowedOrganization', { where: m('import.where.resource', { slug: d.slug, title: r.title }), slug: org }));
      }
    }
  }
  for (const s of data.showcases) {
    for (const slug of s.datasets) {
      if (!allDatasetSlugs.has(slug)) problems.push(m('import.unknownDataset', { where: m('import.where.showcase', { slug: s.slug }), slug }));
    }
    if (s.image && !files.has(s.image)) problems.push(m('import.missingFile', { where: m('import.where.showcase', { slug: s.slug }), path: s.image }));
  }
  if (problems.length > 0) throw new ImportError(problems);
}

async function storeFile(bucket: R2Bucket, file: ImportFile, key: (versionId: string) => string, current: { sha256: string | null; key: string | null }): Promise<StoredFile> {
  const sha256 = await sha256Hex(file.bytes);
  const fileName = baseName(file.name);
  if (current.sha256 === sha256 && current.key) {
    return { key: current.key, fileName, mediaType: file.type, size: file.bytes.byteLength, sha256, versionId: null };
  }
  const versionId = crypto.randomUUID();
  const objectKey = key(versionId);
  await bucket.put(objectKey, file.bytes, { httpMetadata: { contentType: file.type }, sha256 });
  return { key: objectKey, fileName, mediaType: file.type, size: file.bytes.byteLength, sha256, versionId };
}

function mediaTypeFor(resource: ImportResource, file: ImportFile): string {
  return formatInfo(resource.format)?.mediaType ?? (file.type || 'application/octet-stream');
}

/** `jobs`, when given, receives an ingest for each tabular resource whose file changed or that the import removed. */
export async function importCatalogue(db: D1Database, bucket: R2Bucket, data: CatalogueImport, files: Map<string, ImportFile>, reason: string,
  jobs?: Pick<Env, 'JOBS' | 'DATASTORE' | 'DB'>): Promise<ImportResult> {
  await crossCheck(db, data, files);
  const now = new Date().toISOString();
  const statements: D1PreparedStatement[] = [];
  let filesStored = 0;
  const changedTabular: string[] = [];
  // Every geographic resource of the import: the layer job skips those whose served layer is already up to date.
  const geographic: string[] = [];

  const currentFiles = new Map(
    (await db.prepare('SELECT id, file_key, sha256 FROM resources').all<{ id: string; file_key: string | null; sha256: string | null }>())
      .results.map((r) => [r.id, r]),
  );

  for (const o of data.organizations) {
    let logoKey: string | null = null;
    if (o.logo) {
      const file = files.get(o.logo)!;
      logoKey = organizationLogoKey(o.id, baseName(o.logo));
      await bucket.put(logoKey, file.bytes, { httpMetadata: { contentType: file.type } });
      filesStored++;
    }
    statements.push(db.prepare(
      `INSERT INTO organizations (id, slug, legal_name, org_type, description, logo_key, website, email, phone, address, postcode, city,
         territory_code, territory_name, email_domains, is_active, created_at, updated_at)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, 1, ?16, ?16)
       ON CONFLICT (id) DO UPDATE SET slug = ?2, legal_name = ?3, org_type = ?4, description = ?5, logo_key = ?6, website = ?7,
         email = ?8, phone = ?9, address = ?10, postcode = ?11, city = ?12, territory_code = ?13, territory_name = ?14,
         email_domains = ?15, updated_at = ?16`,
    ).bind(o.id, o.slug, o.legalName, o.orgType, o.description, logoKey, o.website ?? null, o.email ?? null, o.phone ?? null,
      o.address ?? null, o.postcode ?? null, o.city ?? null, o.territoryCode ?? null, o.territoryName ?? null,
      JSON.stringify(o.emailDomains), now));
  }

  for (const d of data.datasets) {
    const [west, south, east, north] = d.bbox ?? [null, null, null, null];
    statements.push(db.prepare(
      `INSERT INTO datasets (id, slug, title, description, organization_id, licence_id, update_frequency, granularity, geocover,
         bbox_west, bbox_south, bbox_east, bbox_north, territory_code, territory_name, temporal_start, temporal_end, data_types,
         owner_name, owner_email, broadcaster_name, broadcaster_email, date_created, date_modified, date_published, published,
         created_at, updated_at)
       VALUES (?1, ?2, ?3, ?4, (SELECT id FROM organizations WHERE slug = ?5), ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
         ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?27)
       ON CONFLICT (id) DO UPDATE SET slug = ?2, title = ?3, description = ?4, organization_id = (SELECT id FROM organizations WHERE slug = ?5),
         licence_id = ?6, update_frequency = ?7, granularity = ?8, geocover = ?9, bbox_west = ?10, bbox_south = ?11, bbox_east = ?12,
         bbox_north = ?13, territory_code = ?14, territory_name = ?15, temporal_start = ?16, temporal_end = ?17, data_types = ?18,
         owner_name = ?19, owner_email = ?20, broadcaster_name = ?21, broadcaster_email = ?22, date_created = ?23, date_modified = ?24,
         date_published = ?25, published = ?26, updated_at = ?27`,
    ).bind(d.id, d.slug, d.title, d.description, d.organization, d.licence, d.updateFrequency, d.granularity, d.geocover,
      west, south, east, north, d.territoryCode ?? null, d.territoryName ?? null, d.temporalStart ?? null, d.temporalEnd ?? null,
      JSON.stringify(d.dataTypes), d.ownerName ?? null, d.ownerEmail ?? null, d.broadcasterName ?? null, d.broadcasterEmail ?? null,
      d.dateCreated, d.dateModified, d.datePublished, d.published ? 1 : 0, now));

    statements.push(db.prepare('DELETE FROM dataset_themes WHERE dataset_id = ?').bind(d.id));
    for (const theme of d.themes) {
      statements.push(db.prepare('INSERT INTO dataset_themes (dataset_id, theme_id) SELECT ?, id FROM themes WHERE slug = ?').bind(d.id, theme));
    }
    statements.push(db.prepare('DELETE FROM dataset_tags WHERE dataset_id = ?').bind(d.id));
    for (const tag of new Set(d.tags.map((t) => t.trim()))) {
      statements.push(db.prepare('INSERT INTO tags (name) VALUES (?) ON CONFLICT (name) DO NOTHING').bind(tag));
      statements.push(db.prepare('INSERT OR IGNORE INTO dataset_tags (dataset_id, tag_id) SELECT ?, id FROM tags WHERE name = ?').bind(d.id, tag));
    }

    const keptIds = d.resources.map((r) => r.id);
    statements.push(db.prepare(`DELETE FROM resources WHERE dataset_id = ? AND id NOT IN (SELECT value FROM json_each(?))`)
      .bind(d.id, JSON.stringify(keptIds)));
    for (const [position, r] of d.resources.entries()) {
      let stored: StoredFile | null = null;
      if (r.file) {
        const file = files.get(r.file)!;
        const current = currentFiles.get(r.id);
        stored = await storeFile(bucket, { ...file, type: mediaTypeFor(r, file) },
          (versionId) => resourceFileKey(r.id, versionId, baseName(r.file!)),
          { sha256: current?.sha256 ?? null, key: current?.file_key ?? null });
        if (stored.versionId) filesStored++;
        if (stored.versionId && tabularKind(r.format, stored.fileName)) changedTabular.push(r.id);
        if (geoKind(r.format, stored.fileName)) geographic.push(r.id);
      }
      statements.push(db.prepare(
        `INSERT INTO resources (id, dataset_id, position, title, description, format, resource_type, source_mode, source_url,
           file_key, file_name, media_type, size_bytes, sha256, access_level, sync_frequency, download_count, created_at, modified_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?18)
         ON CONFLICT (id) DO UPDATE SET dataset_id = ?2, position = ?3, title = ?4, description = ?5, format = ?6, resource_type = ?7,
           source_mode = ?8, source_url = ?9, file_key = ?10, file_name = ?11, media_type = ?12, size_bytes = ?13, sha256 = ?14,
           access_level = ?15, sync_frequency = ?16, download_count = MAX(download_count, ?17),
           modified_at = CASE WHEN sha256 IS ?14 THEN modified_at ELSE ?18 END`,
      ).bind(r.id, d.id, position, r.title, r.description, r.format, r.resourceType, r.sourceMode, r.url ?? null,
        stored?.key ?? null, stored?.fileName ?? null, stored?.mediaType ?? formatInfo(r.format)?.mediaType ?? null,
        stored?.size ?? null, stored?.sha256 ?? null, r.accessLevel, r.syncFrequency, r.downloadCount, now));
      if (stored?.versionId) {
        statements.push(db.prepare(
          `INSERT INTO resource_versions (id, resource_id, file_key, file_name, media_type, size_bytes, sha256, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        ).bind(stored.versionId, r.id, stored.key, stored.fileName, stored.mediaType, stored.size, stored.sha256, now));
      }
      statements.push(db.prepare('DELETE FROM resource_allowed_organizations WHERE resource_id = ?').bind(r.id));
      for (const org of r.allowedOrganizations) {
        statements.push(db.prepare(
          'INSERT INTO resource_allowed_organizations (resource_id, organization_id) SELECT ?, id FROM organizations WHERE slug = ?',
        ).bind(r.id, org));
      }
    }
  }

  for (const s of data.showcases) {
    let imageKey: string | null = null;
    if (s.image) {
      const file = files.get(s.image)!;
      imageKey = showcaseImageKey(s.id, baseName(s.image));
      await bucket.put(imageKey, file.bytes, { httpMetadata: { contentType: file.type } });
      filesStored++;
    }
    statements.push(db.prepare(
      `INSERT INTO showcases (id, slug, title, description, url, image_key, showcase_type, author_name, published, created_at, updated_at)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)
       ON CONFLICT (id) DO UPDATE SET slug = ?2, title = ?3, description = ?4, url = ?5, image_key = ?6, showcase_type = ?7,
         author_name = ?8, published = ?9, updated_at = ?10`,
    ).bind(s.id, s.slug, s.title, s.description, s.url ?? null, imageKey, s.showcaseType, s.authorName ?? null, s.published ? 1 : 0, now));
    statements.push(db.prepare('DELETE FROM showcase_datasets WHERE showcase_id = ?').bind(s.id));
    for (const slug of s.datasets) {
      statements.push(db.prepare('INSERT INTO showcase_datasets (showcase_id, dataset_id) SELECT ?, id FROM datasets WHERE slug = ?').bind(s.id, slug));
    }
  }

  const resourceCount = data.datasets.reduce((n, d) => n + d.resources.length, 0);
  statements.push(db.prepare('INSERT INTO catalogue_changes (changed_at, reason, object_type, object_id) VALUES (?, ?, ?, ?)')
    .bind(now, reason, 'import', null));
  statements.push(db.prepare(`INSERT INTO audit_log (at, actor, action, object_type, detail) VALUES (?, 'operator', 'catalogue.import', 'catalogue', ?)`)
    .bind(now, JSON.stringify({ reason, datasets: data.datasets.length, resources: resourceCount })));

  // Resources an import drops from a dataset take their stored files with them, once the rows are gone.
  const dropped = await db.prepare(
    `SELECT v.file_key FROM resource_versions v JOIN resources r ON r.id = v.resource_id
     WHERE r.dataset_id IN (SELECT value FROM json_each(?1)) AND r.id NOT IN (SELECT value FROM json_each(?2))`,
  ).bind(JSON.stringify(data.datasets.map((d) => d.id)), JSON.stringify(data.datasets.flatMap((d) => d.resources.map((r) => r.id))))
    .all<{ file_key: string }>();

  const droppedResources = await db.prepare(
    'SELECT id FROM resources WHERE dataset_id IN (SELECT value FROM json_each(?1)) AND id NOT IN (SELECT value FROM json_each(?2))',
  ).bind(JSON.stringify(data.datasets.map((d) => d.id)), JSON.stringify(data.datasets.flatMap((d) => d.resources.map((r) => r.id))))
    .all<{ id: string }>();

  const results = await db.batch(statements);
  if (dropped.results.length > 0) await bucket.delete(dropped.results.map((v) => v.file_key));
  if (jobs) for (const id of [...changedTabular, ...droppedResources.results.map((r) => r.id)]) await enqueueIngest(jobs, id);
  if (jobs) for (const id of [...geographic, ...droppedResources.results.map((r) => r.id)]) await enqueueVectorIngest(jobs, id);
  const changeId = Number(results[results.length - 2]!.meta.last_row_id);
  return {
    changeId,
    organizations: data.organizations.length,
    datasets: data.datasets.length,
    resources: resourceCount,
    showcases: data.showcases.length,
    filesStored,
  };
}
