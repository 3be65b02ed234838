// Saved default views of datastore resources (catalogue DB, migration 0006) and the facts the resource page
// shows about a resource.
import type { Actor, DatasetFacts, ResourceFacts } from '../domain/permissions';
import type { SavedView } from '../domain/datastore-chart';
import { auditStatement } from './audit';
import { findResource } from './resources';

export async function readView(db: D1Database, resourceId: string): Promise<SavedView | null> {
  const row = await db.prepare('SELECT config FROM resource_views WHERE resource_id = ?').bind(resourceId).first<{ config: string }>();
  return row ? JSON.parse(row.config) as SavedView : null;
}

export async function saveView(db: D1Database, actor: Extract<Actor, { kind: 'user' }>, resourceId: string, view: SavedView, now: Date): Promise<void> {
  await db.batch([
    db.prepare(
      `INSERT INTO resource_views (resource_id, config, updated_by, updated_at) VALUES (?1, ?2, ?3, ?4)
       ON CONFLICT (resource_id) DO UPDATE SET config = ?2, updated_by = ?3, updated_at = ?4`,
    ).bind(resourceId, JSON.stringify(view), actor.id, now.toISOString()),
    auditStatement(db, actor, 'resource.view.saved', { type: 'resource', id: resourceId }, { chart: view.chart.type }),
  ]);
}

export async function deleteView(db: D1Database, actor: Extract<Actor, { kind: 'user' }>, resourceId: string): Promise<boolean> {
  const [deleted] = await db.batch([
    db.prepare('DELETE FROM resource_views WHERE resource_id = ?').bind(resourceId),
    auditStatement(db, actor, 'resource.view.deleted', { type: 'resource', id: resourceId }),
  ]);
  return (deleted?.meta.changes ?? 0) > 0;
}

export interface ResourcePageFacts {
  id: string;
  title: string;
  description: string;
  format: string;
  fileName: string | null;
  datasetId: string;
  datasetSlug: string;
  datasetTitle: string;
  /** For can(): the resource's access and its dataset with its creator (dataset:edit). */
  facts: ResourceFacts;
  dataset: DatasetFacts;
}

/** A resource with its dataset, by dataset id or slug (the page's URL may hold either). */
export async function findResourcePage(db: D1Database, datasetIdOrSlug: string, resourceId: string): Promise<ResourcePageFacts | null> {
  const resource = await findResource(db, datasetIdOrSlug, resourceId);
  if (!resource) return null;
  const row = await db.prepare(
    `SELECT r.title, r.description, r.format, d.slug, d.title AS dataset_title, d.creator_user_id
     FROM resources r JOIN datasets d ON d.id = r.dataset_id WHERE r.id = ?`,
  ).bind(resourceId).first<{ title: string; description: string; format: string; slug: string; dataset_title: string; creator_user_id: string | null }>();
  if (!row) return null;
  return {
    id: resource.id, title: row.title, description: row.description, format: row.format, fileName: resource.fileName,
    datasetId: resource.datasetId, datasetSlug: row.slug, datasetTitle: row.dataset_title,
    facts: resource.facts, dataset: { ...resource.facts.dataset, creatorUserId: row.creator_user_id },
  };
}
