// Resources of a dataset as their producers manage them: create, update in place, versions, restore, delete. Each
// change is one D1 batch with the dataset's modification date, the audit row and (for a published dataset) the
// catalogue change that triggers the rebuild; files are in R2 before the batch and removed after it.
import { touchDatasetStatement } from './datasets';
import type { Actor, DatasetFacts } from '../domain/permissions';
import type { AccessLevel, ResourceType, SourceMode, SyncFrequency } from '../domain/vocabulary';
import type { Env } from '../env';
import { auditStatement } from './audit';
import { changeStatement, publishChange } from './catalogue-changes';
import { ingestIfTabular } from '../jobs/ingest';
import { enqueueVectorIngest } from '../jobs/vector-ingest';

export interface ManagedDataset {
  id: string;
  slug: string;
  title: string;
  organizationId: string;
  organizationName: string;
  published: boolean;
  creatorUserId: string | null;
  ownerEmail: string | null;
  defaultAccess: AccessLevel;
}

export const datasetFacts = (d: ManagedDataset): DatasetFacts =>
  ({ organizationId: d.organizationId, published: d.published, creatorUserId: d.creatorUserId });

export async function findManagedDataset(db: D1Database, datasetId: string): Promise<ManagedDataset | null> {
  const row = await db.prepare(
    `SELECT d.id, d.slug, d.title, d.organization_id, o.legal_name, d.published, d.creator_user_id, d.owner_email, d.default_access
     FROM datasets d JOIN organizations o ON o.id = d.organization_id WHERE d.id = ?`,
  ).bind(datasetId).first<{ id: string; slug: string; title: string; organization_id: string; legal_name: string; published: number;
    creator_user_id: string | null; owner_email: string | null; default_access: AccessLevel }>();
  if (!row) return null;
  return {
    id: row.id, slug: row.slug, title: row.title, organizationId: row.organization_id, organizationName: row.legal_name,
    published: row.published === 1, creatorUserId: row.creator_user_id, ownerEmail: row.owner_email, defaultAccess: row.default_access,
  };
}

export interface ManagedResource {
  id: string;
  datasetId: string;
  title: string;
  description: string;
  format: string;
  resourceType: ResourceType;
  sourceMode: SourceMode;
  sourceUrl: string | null;
  sftpPath: string | null;
  sftpUserId: string | null;
  fileKey: string | null;
  fileName: string | null;
  sizeBytes: number | null;
  sha256: string | null;
  encoding: string | null;
  /** CRS chosen by the contributor for a geographic file that does not state it (null: read from the file). */
  crs: string | null;
  accessLevel: AccessLevel;
  syncFrequency: SyncFrequency;
  lastSyncAt: string | null;
  downloadCount: number;
  modifiedAt: string;
  allowedUsernames: string[];
  allowedOrganizationIds: string[];
}

interface ResourceRow {
  id: string; dataset_id: string; title: string; description: string; format: string; resource_type: ResourceType;
  source_mode: SourceMode; source_url: string | null; sftp_path: string | null; sftp_user_id: string | null;
  file_key: string | null; file_name: string | null; size_bytes: number | null; sha256: string | null; encoding: string | null; crs: string | null;
  access_level: AccessLevel; sync_frequency: SyncFrequency; last_sync_at: string | null; download_count: number; modified_at: string;
}

const RESOURCE_COLUMNS = `r.id, r.dataset_id, r.title, r.description, r.format, r.resource_type, r.source_mode, r.source_url, r.sftp_path,
  r.sftp_user_id, r.file_key, r.file_name, r.size_bytes, r.sha256, r.encoding, r.crs, r.access_level, r.sync_frequency, r.last_sync_at,
  r.download_count, r.modified_at`;

function toResource(row: ResourceRow, usernames: string[], organizationIds: string[]): ManagedResource {
  return {
    id: row.id, datasetId: row.dataset_id, title: row.title, description: row.description, format: row.format,
    resourceType: row.resource_type, sourceMode: row.source_mode, sourceUrl: row.source_url, sftpPath: row.sftp_path,
    sftpUserId: row.sftp_user_id, fileKey: row.file_key, fileName: row.file_name, sizeBytes: row.size_bytes, sha256: row.sha256,
    encoding: row.encoding, crs: row.crs, accessLevel: row.access_level, syncFrequency: row.sync_frequency, lastSyncAt: row.last_sync_at,
    downloadCount: row.download_count, modifiedAt: row.modified_at, allowedUsernames: usernames, allowedOrganizationIds: organizationIds,
  };
}

export async function findManagedResource(db: D1Database, datasetId: string, resourceId: string): Promise<ManagedResource | null> {
  const [row, users, orgs] = await db.batch([
    db.prepare(`SELECT ${RESOURCE_COLUMNS} FROM resources r WHERE r.id = ? AND r.dataset_id = ?`).bind(resourceId, datasetId),
    db.prepare('SELECT u.username FROM resource_allowed_users a JOIN users u ON u.id = a.user_id WHERE a.resource_id = ? ORDER BY u.username').bind(resourceId),
    db.prepare('SELECT organization_id FROM resource_allowed_organizations WHERE resource_id = ?').bind(resourceId),
  ]);
  const r = row!.results[0] as ResourceRow | undefined;
  if (!r) return null;
  return toResource(r, (users!.results as { username: string }[]).map((u) => u.username),
    (orgs!.results as { organization_id: string }[]).map((o) => o.organization_id));
}

// ---- Shared with the dataset forms (unified at merge with store/datasets.ts) -----------------------------------

// ---- Writes -----------------------------------------------------------------------------------------------------

export interface ResourceInput {
  title: string;
  description: string;
  resourceType: 'raw' | 'documentation';
  format: string;
  sourceMode: SourceMode;
  sourceUrl: string | null;
  sftpPath: string | null;
  sftpUserId: string | null;
  syncFrequency: SyncFrequency;
  /** CRS of a geographic file, when the contributor chose one. */
  crs: string | null;
  /** Null when the actor may not set access levels: the current ones (or the dataset's default) stay. */
  access: { level: AccessLevel; userIds: string[]; organizationIds: string[] } | null;
}

export interface NewVersion {
  versionId: string;
  key: string;
  fileName: string;
  mediaType: string;
  size: number;
  sha256: string;
  encoding: string | null;
  /** Set for a file downloaded from a URL: where from, and the server's validators for a conditional re-fetch. */
  origin: SourceOrigin | null;
}

export interface SourceOrigin {
  url: string;
  etag: string | null;
  lastModified: string | null;
}

type ResourceEvent = 'created' | 'updated' | 'deleted' | 'restored' | 'synced';

/** The dataset-level statements of a resource change; `change` is last when the dataset is public. */
function changeStatements(env: Env, dataset: ManagedDataset, actor: Actor | 'system', event: ResourceEvent, resourceId: string, now: Date, detail: Record<string, unknown> = {}): D1PreparedStatement[] {
  const statements = [
    touchDatasetStatement(env.DB, dataset.id, now),
    auditStatement(env.DB, actor, `resource.${event}`, { type: 'resource', id: resourceId }, { datasetId: dataset.id, ...detail }),
  ];
  if (dataset.published) statements.push(changeStatement(env.DB, `resource ${event}`, { type: 'dataset', id: dataset.id }, now));
  return statements;
}

async function runChange(env: Env, dataset: ManagedDataset, statements: D1PreparedStatement[]): Promise<void> {
  const results = await env.DB.batch(statements);
  if (dataset.published) await publishChange(env, results[results.length - 1]!);
}

function versionStatements(db: D1Database, resourceId: string, version: NewVersion, now: Date): D1PreparedStatement[] {
  return [
    db.prepare(
      `INSERT INTO resource_versions (id, resource_id, file_key, file_name, media_type, size_bytes, sha256, created_at, source_url, etag, last_modified)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).bind(version.versionId, resourceId, version.key, version.fileName, version.mediaType, version.size, version.sha256, now.toISOString(),
      version.origin?.url ?? null, version.origin?.etag ?? null, version.origin?.lastModified ?? null),
    db.prepare('UPDATE resources SET file_key = ?, file_name = ?, media_type = ?, size_bytes = ?, sha256 = ?, encoding = ?, modified_at = ? WHERE id = ?')
      .bind(version.key, version.fileName, version.mediaType, version.size, version.sha256, version.encoding, now.toISOString(), resourceId),
  ];
}

function accessStatements(db: D1Database, resourceId: string, access: NonNullable<ResourceInput['access']>): D1PreparedStatement[] {
  return [
    db.prepare('UPDATE resources SET access_level = ? WHERE id = ?').bind(access.level, resourceId),
    db.prepare('DELETE FROM resource_allowed_users WHERE resource_id = ?').bind(resourceId),
    db.prepare('DELETE FROM resource_allowed_organizations WHERE resource_id = ?').bind(resourceId),
    ...(access.level === 'listed_users' ? access.userIds : []).map((id) =>
      db.prepare('INSERT INTO resource_allowed_users (resource_id, user_id) VALUES (?, ?)').bind(resourceId, id)),
    ...(access.level === 'listed_organizations' ? access.organizationIds : []).map((id) =>
      db.prepare('INSERT INTO resource_allowed_organizations (resource_id, organization_id) VALUES (?, ?)').bind(resourceId, id)),
  ];
}

/**
 * Creates (`existing` null) or updates a resource, with an optional new file version. A synchronised resource's
 * fetch by the form counts as its sync of the current slot. `uploadId` marks the staged upload as attached.
 */
export async function saveResource(env: Env, actor: Actor, dataset: ManagedDataset, resourceId: string, existing: ManagedResource | null,
  input: ResourceInput, version: NewVersion | null, now: Date, uploadId: string | null = null, fetchedBy: 'form' | null = null): Promise<void> {
  const db = env.DB;
  const iso = now.toISOString();
  const synced = input.sourceMode === 'url_download' || input.sourceMode === 'sftp';
  const statements: D1PreparedStatement[] = [];
  if (!existing) {
    statements.push(db.prepare(
      `INSERT INTO resources (id, dataset_id, position, title, description, format, resource_type, source_mode, source_url, sftp_path,
         sftp_user_id, access_level, sync_frequency, last_sync_at, created_at, modified_at, crs)
       VALUES (?1, ?2, (SELECT COALESCE(MAX(position), -1) + 1 FROM resources WHERE dataset_id = ?2), ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14, ?15)`,
    ).bind(resourceId, dataset.id, input.title, input.description, input.format, input.resourceType, input.sourceMode, input.sourceUrl,
      input.sftpPath, input.sftpUserId, input.access?.level ?? dataset.defaultAccess, synced ? input.syncFrequency : 'never',
      synced && version ? iso : null, iso, input.crs));
  } else {
    statements.push(db.prepare(
      `UPDATE resources SET title = ?, description = ?, format = ?, resource_type = ?, source_mode = ?, source_url = ?, sftp_path = ?,
         sftp_user_id = ?, sync_frequency = ?, last_sync_at = CASE WHEN ? THEN ? ELSE last_sync_at END, modified_at = ?, crs = ? WHERE id = ?`,
    ).bind(input.title, input.description, input.format, input.resourceType, input.sourceMode, input.sourceUrl, input.sftpPath,
      input.sftpUserId, synced ? input.syncFrequency : 'never', synced && version ? 1 : 0, iso, iso, input.crs, resourceId));
  }
  // A referenced URL is served by the producer: the portal's stored versions stay listed but are no longer served.
  if (input.sourceMode === 'url_reference') {
    statements.push(db.prepare('UPDATE resources SET file_key = NULL, file_name = NULL, media_type = NULL, size_bytes = NULL, sha256 = NULL, encoding = NULL WHERE id = ?').bind(resourceId));
  }
  if (version) statements.push(...versionStatements(db, resourceId, version, now));
  // A URL or deposit fetched by the form is the resource's first (or new) sync run, shown on /user/syncs.
  if (version && fetchedBy) {
    statements.push(db.prepare("INSERT INTO resource_sync_runs (resource_id, started_at, finished_at, trigger, result, version_id) VALUES (?, ?, ?, ?, 'updated', ?)")
      .bind(resourceId, iso, iso, fetchedBy, version.versionId));
  }
  if (input.access) statements.push(...accessStatements(db, resourceId, input.access));
  if (uploadId) statements.push(db.prepare("UPDATE resource_uploads SET status = 'attached' WHERE id = ?").bind(uploadId));
  statements.push(...changeStatements(env, dataset, actor, existing ? 'updated' : 'created', resourceId, now,
    version ? { versionId: version.versionId, sha256: version.sha256 } : {}));
  await runChange(env, dataset, statements);
  if (version) await ingestIfTabular(env, resourceId, input.format, version.fileName);
  // The layer follows the file, the title and the format (the job skips an unchanged geographic file).
  await enqueueVectorIngest(env, resourceId);
}

export interface VersionRow {
  id: string;
  fileKey: string;
  fileName: string;
  mediaType: string | null;
  sizeBytes: number;
  sha256: string;
  createdAt: string;
}

export async function listVersions(db: D1Database, resourceId: string): Promise<VersionRow[]> {
  const rows = await db.prepare(
    'SELECT id, file_key, file_name, media_type, size_bytes, sha256, created_at FROM resource_versions WHERE resource_id = ? ORDER BY created_at DESC, rowid DESC',
  ).bind(resourceId).all<{ id: string; file_key: string; file_name: string; media_type: string | null; size_bytes: number; sha256: string; created_at: string }>();
  return rows.results.map((r) => ({ id: r.id, fileKey: r.file_key, fileName: r.file_name, mediaType: r.media_type, sizeBytes: r.size_bytes, sha256: r.sha256, createdAt: r.created_at }));
}

/** Serves an earlier version again: same resource id, URL and download count; the version list is unchanged. */
export async function restoreVersion(env: Env, actor: Actor, dataset: ManagedDataset, resource: ManagedResource, version: VersionRow, now: Date): Promise<void> {
  const statements = [
    env.DB.prepare(
      `UPDATE resources SET file_key = ?, file_name = ?, media_type = ?, size_bytes = ?, sha256 = ?, modified_at = ?,
         source_mode = CASE source_mode WHEN 'url_reference' THEN 'upload' ELSE source_mode END WHERE id = ?`,
    ).bind(version.fileKey, version.fileName, version.mediaType, version.sizeBytes, version.sha256, now.toISOString(), resource.id),
    ...changeStatements(env, dataset, actor, 'restored', resource.id, now, { versionId: version.id }),
  ];
  await runChange(env, dataset, statements);
  await ingestIfTabular(env, resource.id, resource.format, version.fileName);
  await enqueueVectorIngest(env, resource.id);
}

/** Deletes the resource, its versions, runs and access lists, then every stored file of it (no orphan in R2). */
export async function deleteResource(env: Env, actor: Actor, dataset: ManagedDataset, resource: ManagedResource, now: Date): Promise<void> {
  const versions = await listVersions(env.DB, resource.id);
  const uploads = await env.DB.prepare('SELECT file_key, r2_upload_id FROM resource_uploads WHERE resource_id = ?').bind(resource.id)
    .all<{ file_key: string; r2_upload_id: string | null }>();
  await runChange(env, dataset, [
    env.DB.prepare('DELETE FROM resource_uploads WHERE resource_id = ?').bind(resource.id),
    env.DB.prepare('DELETE FROM resources WHERE id = ?').bind(resource.id),
    ...changeStatements(env, dataset, actor, 'deleted', resource.id, now, { title: resource.title }),
  ]);
  await ingestIfTabular(env, resource.id, resource.format, resource.fileName);
  for (const upload of uploads.results) {
    if (upload.r2_upload_id) await env.FILES.resumeMultipartUpload(upload.file_key, upload.r2_upload_id).abort().catch(() => undefined);
  }
  // Everything under the resource's prefix goes: versions, staged uploads, and files an earlier import left.
  const keys = new Set([...versions.map((v) => v.fileKey), ...uploads.results.map((u) => u.file_key)]);
  let cursor: string | undefined;
  do {
    const page = await env.FILES.list({ prefix: `resources/${resource.id}/`, cursor });
    for (const object of page.objects) keys.add(object.key);
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  const all = [...keys];
  for (let i = 0; i < all.length; i += 1000) await env.FILES.delete(all.slice(i, i + 1000));
  await enqueueVectorIngest(env, resource.id);
}

// ---- Synchronisation --------------------------------------------------------------------------------------------

export type SyncResult = 'updated' | 'unchanged' | 'failed';

/** Where the served version was downloaded from and its validators, or null (upload, deposit, older version). */
export async function servedOrigin(db: D1Database, resource: ManagedResource): Promise<SourceOrigin | null> {
  if (!resource.fileKey) return null;
  const row = await db.prepare('SELECT source_url, etag, last_modified FROM resource_versions WHERE resource_id = ? AND file_key = ?')
    .bind(resource.id, resource.fileKey).first<{ source_url: string | null; etag: string | null; last_modified: string | null }>();
  return row?.source_url ? { url: row.source_url, etag: row.etag, lastModified: row.last_modified } : null;
}

/**
 * Records a sync run; a new version (if any) and the dataset change land in the same batch. `confirmed`: the URL
 * answered the served bytes again (same SHA-256), so its validators now describe the served version.
 */
export async function recordSyncRun(env: Env, dataset: ManagedDataset, resource: ManagedResource, run: {
  startedAt: Date; finishedAt: Date; trigger: 'schedule' | 'form'; result: SyncResult; error: string | null; version: NewVersion | null;
  confirmed?: SourceOrigin | null;
}): Promise<void> {
  const db = env.DB;
  const statements = [
    db.prepare('INSERT INTO resource_sync_runs (resource_id, started_at, finished_at, trigger, result, error, version_id) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .bind(resource.id, run.startedAt.toISOString(), run.finishedAt.toISOString(), run.trigger, run.result, run.error, run.version?.versionId ?? null),
    db.prepare('UPDATE resources SET last_sync_at = ? WHERE id = ?').bind(run.startedAt.toISOString(), resource.id),
  ];
  if (run.confirmed && resource.fileKey) {
    statements.push(db.prepare('UPDATE resource_versions SET source_url = ?, etag = ?, last_modified = ? WHERE resource_id = ? AND file_key = ?')
      .bind(run.confirmed.url, run.confirmed.etag, run.confirmed.lastModified, resource.id, resource.fileKey));
  }
  if (!run.version) {
    await db.batch(statements);
    return;
  }
  await runChange(env, dataset, [...statements, ...versionStatements(db, resource.id, run.version, run.finishedAt),
    ...changeStatements(env, dataset, 'system', 'synced', resource.id, run.finishedAt, { versionId: run.version.versionId })]);
  await ingestIfTabular(env, resource.id, resource.format, run.version.fileName);
  await enqueueVectorIngest(env, resource.id);
}

/** The result of the run before the latest one recorded, to mail a failure once rather than at every run. */
export async function previousSyncResult(db: D1Database, resourceId: string): Promise<SyncResult | null> {
  const row = await db.prepare('SELECT result FROM resource_sync_runs WHERE resource_id = ? ORDER BY id DESC LIMIT 1').bind(resourceId)
    .first<{ result: SyncResult }>();
  return row?.result ?? null;
}
