// Reads a resource with the facts `can()` needs to decide a download.
import type { ResourceFacts } from '../domain/permissions';
import type { AccessLevel } from '../domain/vocabulary';

export interface DownloadableResource {
  id: string;
  datasetId: string;
  fileKey: string | null;
  fileName: string | null;
  mediaType: string | null;
  sourceUrl: string | null;
  facts: ResourceFacts;
}

export async function findResource(db: D1Database, datasetIdOrSlug: string, resourceId: string): Promise<DownloadableResource | null> {
  const [row, allowedUsers, allowedOrgs] = await db.batch([
    db.prepare(`SELECT r.id, r.dataset_id, r.file_key, r.file_name, r.media_type, r.source_url, r.access_level,
                       d.organization_id, d.published
                FROM resources r JOIN datasets d ON d.id = r.dataset_id
                WHERE r.id = ?1 AND (d.id = ?2 OR d.slug = ?2)`).bind(resourceId, datasetIdOrSlug),
    db.prepare('SELECT user_id FROM resource_allowed_users WHERE resource_id = ?').bind(resourceId),
    db.prepare('SELECT organization_id FROM resource_allowed_organizations WHERE resource_id = ?').bind(resourceId),
  ]);
  const r = row!.results[0] as {
    id: string; dataset_id: string; file_key: string | null; file_name: string | null; media_type: string | null;
    source_url: string | null; access_level: AccessLevel; organization_id: string; published: number;
  } | undefined;
  if (!r) return null;
  return {
    id: r.id,
    datasetId: r.dataset_id,
    fileKey: r.file_key,
    fileName: r.file_name,
    mediaType: r.media_type,
    sourceUrl: r.source_url,
    facts: {
      accessLevel: r.access_level,
      allowedUserIds: (allowedUsers!.results as { user_id: string }[]).map((u) => u.user_id),
      allowedOrganizationIds: (allowedOrgs!.results as { organization_id: string }[]).map((o) => o.organization_id),
      dataset: { organizationId: r.organization_id, published: r.published === 1 },
    },
  };
}

export async function countDownload(db: D1Database, resourceId: string): Promise<void> {
  await db.prepare('UPDATE resources SET download_count = download_count + 1 WHERE id = ?').bind(resourceId).run();
}
