// Cron work of resource publishing: re-fetch every synchronised resource whose slot has come (Paris time), and
// purge browser uploads that were never attached to a resource.
import { isDue } from '../domain/sync-schedule';
import type { SyncFrequency } from '../domain/vocabulary';
import type { Env } from '../env';
import { sendMails } from '../mail/mailer';
import { resourceFailedMails } from '../mail/templates/resources';
import {
  findManagedDataset, findManagedResource, previousSyncResult, recordSyncRun, servedOrigin, type ManagedDataset, type ManagedResource, type SyncResult,
} from '../store/resource-catalogue';
import { organizationReferentEmails } from '../store/datasets';
import { problemText, storeFromDeposit, storeFromUrl, type NotModified, type Sourced } from '../store/resource-sources';

/** Fetches run side by side, a few at a time: a Worker invocation has a limited number of open connections. */
const CONCURRENCY = 6;

export interface SyncPass {
  due: number;
  updated: number;
  unchanged: number;
  failed: number;
}

async function fetchSource(env: Env, resource: ManagedResource): Promise<Sourced | NotModified> {
  if (resource.sourceMode === 'url_download' && resource.sourceUrl) {
    return storeFromUrl(env, resource.id, resource.sourceUrl, await servedOrigin(env.DB, resource));
  }
  if (resource.sourceMode === 'sftp' && resource.sftpUserId && resource.sftpPath) {
    return storeFromDeposit(env, resource.id, resource.sftpUserId, resource.sftpPath);
  }
  return { ok: false, problem: { key: 'resources.error.sftp.missing', params: { path: resource.sftpPath ?? '' } } };
}

/**
 * Synchronises one resource: a URL asked with the served version's validators that answers 304 is unchanged without
 * any download or R2 write; otherwise a new file becomes a new version and the same bytes (same SHA-256) are recorded
 * as unchanged and not stored twice; a failure keeps the served file, is recorded and mailed (once, not at every run).
 */
export async function syncResource(env: Env, dataset: ManagedDataset, resource: ManagedResource, startedAt: Date, trigger: 'schedule' | 'form'): Promise<SyncResult> {
  const clockStart = Date.now();
  const sourced = await fetchSource(env, resource);
  const finishedAt = new Date(startedAt.getTime() + (Date.now() - clockStart));
  if (!sourced.ok) {
    const error = problemText(sourced.problem);
    const before = await previousSyncResult(env.DB, resource.id);
    await recordSyncRun(env, dataset, resource, { startedAt, finishedAt, trigger, result: 'failed', error, version: null });
    if (before !== 'failed') {
      const referents = await organizationReferentEmails(env.DB, dataset.organizationId);
      await sendMails(env, resourceFailedMails(env, {
        datasetId: dataset.id, datasetTitle: dataset.title, organizationName: dataset.organizationName, resourceId: resource.id, resourceTitle: resource.title,
      }, error, startedAt, [dataset.ownerEmail, ...referents]));
    }
    return 'failed';
  }
  if ('notModified' in sourced) {
    await recordSyncRun(env, dataset, resource, { startedAt, finishedAt, trigger, result: 'unchanged', error: null, version: null });
    return 'unchanged';
  }
  if (sourced.version.sha256 === resource.sha256) {
    await env.FILES.delete(sourced.version.key);
    await recordSyncRun(env, dataset, resource, { startedAt, finishedAt, trigger, result: 'unchanged', error: null, version: null, confirmed: sourced.version.origin });
    return 'unchanged';
  }
  await recordSyncRun(env, dataset, resource, { startedAt, finishedAt, trigger, result: 'updated', error: null, version: sourced.version });
  return 'updated';
}

/** One cron pass: every synchronised resource due at `now` (the scheduled time, fixed in tests). */
export async function runDueSyncs(env: Env, now: Date): Promise<SyncPass> {
  const candidates = await env.DB.prepare(
    `SELECT id, dataset_id, sync_frequency, last_sync_at FROM resources
     WHERE source_mode IN ('url_download', 'sftp') AND sync_frequency != 'never'`,
  ).all<{ id: string; dataset_id: string; sync_frequency: SyncFrequency; last_sync_at: string | null }>();
  const due = candidates.results.filter((r) => isDue(r.sync_frequency, r.last_sync_at ? new Date(r.last_sync_at) : null, now));
  const pass: SyncPass = { due: due.length, updated: 0, unchanged: 0, failed: 0 };
  const datasets = new Map<string, Promise<ManagedDataset | null>>();
  let next = 0;
  const worker = async () => {
    while (next < due.length) {
      const row = due[next++]!;
      if (!datasets.has(row.dataset_id)) datasets.set(row.dataset_id, findManagedDataset(env.DB, row.dataset_id));
      const [dataset, resource] = await Promise.all([datasets.get(row.dataset_id)!, findManagedResource(env.DB, row.dataset_id, row.id)]);
      if (!dataset || !resource) continue;
      try {
        pass[await syncResource(env, dataset, resource, now, 'schedule')]++;
      } catch (error) {
        // One resource's unexpected error must not stop the others; it is retried at its next slot.
        console.error(`sync ${row.id}:`, error);
        pass.failed++;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, due.length) }, worker));
  return pass;
}

/** Uploads never attached to a resource (form abandoned) are removed after a day, with their R2 object. */
export const ABANDONED_UPLOAD_MS = 24 * 3_600_000;

export async function purgeAbandonedUploads(env: Env, now: Date): Promise<number> {
  const cutoff = new Date(now.getTime() - ABANDONED_UPLOAD_MS).toISOString();
  const rows = await env.DB.prepare("SELECT id, file_key, r2_upload_id, status FROM resource_uploads WHERE status != 'attached' AND created_at < ?")
    .bind(cutoff).all<{ id: string; file_key: string; r2_upload_id: string | null; status: string }>();
  for (const row of rows.results) {
    if (row.status === 'uploading' && row.r2_upload_id) await env.FILES.resumeMultipartUpload(row.file_key, row.r2_upload_id).abort().catch(() => undefined);
    else await env.FILES.delete(row.file_key);
  }
  if (rows.results.length > 0) {
    await env.DB.batch(rows.results.map((r) => env.DB.prepare('DELETE FROM resource_uploads WHERE id = ?').bind(r.id)));
  }
  // Attached rows have done their job (the version row holds the file): keep the table small.
  await env.DB.prepare("DELETE FROM resource_uploads WHERE status = 'attached' AND created_at < ?").bind(cutoff).run();
  return rows.results.length;
}
