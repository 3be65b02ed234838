// Browser uploads staged before the resource form is saved: an R2 multipart upload at the version's final key,
// parts recorded as they arrive, then assembled, hashed and judged. Nothing is served until the form attaches it.
import { resourceFileKey } from './files';
import type { NewVersion } from './resource-catalogue';
import { hashStoredObject, mediaTypeFromName, PART_SIZE, safeFileName } from './resource-files';
import type { Sourced } from './resource-sources';

export interface StagedUpload {
  id: string;
  resourceId: string;
  fileName: string;
  size: number;
  format: string | null;
  version: NewVersion;
}

interface UploadRow {
  id: string; user_id: string; dataset_id: string; resource_id: string; version_id: string; file_key: string; file_name: string;
  declared_size: number; r2_upload_id: string | null; parts: string; status: 'uploading' | 'stored' | 'attached';
  size_bytes: number | null; sha256: string | null; format: string | null; encoding: string | null;
}

function staged(row: UploadRow): StagedUpload {
  return {
    id: row.id, resourceId: row.resource_id, fileName: row.file_name, size: row.size_bytes ?? 0, format: row.format,
    version: {
      versionId: row.version_id, key: row.file_key, fileName: row.file_name, mediaType: mediaTypeFromName(row.file_name), size: row.size_bytes ?? 0,
      sha256: row.sha256 ?? '', encoding: row.encoding, origin: null,
    },
  };
}

/** A file the form stored itself (no JavaScript): staged the same way so a form with mistakes need not resend it. */
export async function stageStoredFile(db: D1Database, userId: string, datasetId: string, resourceId: string, sourced: Extract<Sourced, { ok: true }>, now: Date): Promise<StagedUpload> {
  const id = crypto.randomUUID();
  const v = sourced.version;
  await db.prepare(
    `INSERT INTO resource_uploads (id, user_id, dataset_id, resource_id, version_id, file_key, file_name, declared_size, status, size_bytes, sha256, format, encoding, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'stored', ?, ?, ?, ?, ?)`,
  ).bind(id, userId, datasetId, resourceId, v.versionId, v.key, v.fileName, v.size, v.size, v.sha256, sourced.format, v.encoding, now.toISOString()).run();
  return { id, resourceId, fileName: v.fileName, size: v.size, format: sourced.format, version: v };
}

/** The staged upload the form names, if it is the user's, for this dataset (and resource), and complete. */
export async function attachableUpload(db: D1Database, uploadId: string, userId: string, datasetId: string, resourceId: string | null): Promise<StagedUpload | null> {
  const row = await db.prepare("SELECT * FROM resource_uploads WHERE id = ? AND user_id = ? AND dataset_id = ? AND status = 'stored'")
    .bind(uploadId, userId, datasetId).first<UploadRow>();
  if (!row || (resourceId !== null && row.resource_id !== resourceId)) return null;
  return staged(row);
}

export async function createUpload(env: { DB: D1Database; FILES: R2Bucket }, userId: string, datasetId: string, resourceId: string, fileName: string, declaredSize: number, now: Date): Promise<{ id: string; partSize: number }> {
  const id = crypto.randomUUID();
  const versionId = crypto.randomUUID();
  const name = safeFileName(fileName);
  const key = resourceFileKey(resourceId, versionId, name);
  const multipart = await env.FILES.createMultipartUpload(key, { httpMetadata: { contentType: mediaTypeFromName(name) } });
  await env.DB.prepare(
    `INSERT INTO resource_uploads (id, user_id, dataset_id, resource_id, version_id, file_key, file_name, declared_size, r2_upload_id, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).bind(id, userId, datasetId, resourceId, versionId, key, name, declaredSize, multipart.uploadId, now.toISOString()).run();
  return { id, partSize: PART_SIZE };
}

export interface OpenUpload {
  id: string;
  key: string;
  fileName: string;
  versionId: string;
  resourceId: string;
  declaredSize: number;
  r2UploadId: string;
  parts: R2UploadedPart[];
}

export async function openUpload(db: D1Database, uploadId: string, userId: string, datasetId: string): Promise<OpenUpload | null> {
  const row = await db.prepare("SELECT * FROM resource_uploads WHERE id = ? AND user_id = ? AND dataset_id = ? AND status = 'uploading'")
    .bind(uploadId, userId, datasetId).first<UploadRow>();
  if (!row || !row.r2_upload_id) return null;
  return {
    id: row.id, key: row.file_key, fileName: row.file_name, versionId: row.version_id, resourceId: row.resource_id,
    declaredSize: row.declared_size, r2UploadId: row.r2_upload_id, parts: JSON.parse(row.parts) as R2UploadedPart[],
  };
}

/** Appends a part atomically (json_insert), so parts sent side by side are all kept. */
export async function recordPart(db: D1Database, uploadId: string, part: R2UploadedPart): Promise<void> {
  await db.prepare("UPDATE resource_uploads SET parts = json_insert(parts, '$[#]', json(?)) WHERE id = ?").bind(JSON.stringify(part), uploadId).run();
}

/** Assembles the parts, hashes the result; null if the assembled size is not the declared one. */
export async function assembleUpload(env: { DB: D1Database; FILES: R2Bucket }, upload: OpenUpload): Promise<{ size: number; sha256: string } | null> {
  const parts = [...upload.parts].sort((a, b) => a.partNumber - b.partNumber);
  await env.FILES.resumeMultipartUpload(upload.key, upload.r2UploadId).complete(parts);
  const stored = await hashStoredObject(env.FILES, upload.key);
  if (!stored || stored.size !== upload.declaredSize) {
    await env.FILES.delete(upload.key);
    await env.DB.prepare('DELETE FROM resource_uploads WHERE id = ?').bind(upload.id).run();
    return null;
  }
  return stored;
}

export async function markStored(db: D1Database, uploadId: string, sourced: Extract<Sourced, { ok: true }>): Promise<void> {
  await db.prepare("UPDATE resource_uploads SET status = 'stored', r2_upload_id = NULL, size_bytes = ?, sha256 = ?, format = ?, encoding = ? WHERE id = ?")
    .bind(sourced.version.size, sourced.version.sha256, sourced.format, sourced.version.encoding, uploadId).run();
}

export async function dropUpload(env: { DB: D1Database; FILES: R2Bucket }, upload: OpenUpload): Promise<void> {
  await env.FILES.resumeMultipartUpload(upload.key, upload.r2UploadId).abort().catch(() => undefined);
  await env.DB.prepare('DELETE FROM resource_uploads WHERE id = ?').bind(upload.id).run();
}
