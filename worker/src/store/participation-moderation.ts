// Reports (signalements) and their moderation: what was reported, by whom, and the decision (hide, delete, dismiss)
// applied to the content through the same store functions as the owners' own pages, with the audit row.
import type { Actor } from '../domain/permissions';
import type { Env } from '../env';
import { auditStatement } from './audit';
import { changeStatement, publishChange } from './catalogue-changes';
import { deleteDataset, findDataset } from './datasets';
import { deleteShowcase, findShowcase, setShowcasePublished } from './participation-showcases';
import { deleteResource, findManagedDataset, findManagedResource } from './resource-catalogue';

export type ReportTarget = 'dataset' | 'resource' | 'showcase';
export type ModerationAction = 'hide' | 'delete' | 'dismiss';

export interface ReportedObject { type: ReportTarget; id: string; title: string; datasetId: string | null; path: string }

/** Only what the public sees can be reported. */
export async function findReportable(db: D1Database, type: ReportTarget, id: string): Promise<ReportedObject | null> {
  if (type === 'dataset') {
    const d = await db.prepare('SELECT d.id, d.slug, d.title FROM datasets d JOIN organizations o ON o.id = d.organization_id WHERE (d.id = ?1 OR d.slug = ?1) AND d.published = 1 AND o.is_active = 1')
      .bind(id).first<{ id: string; slug: string; title: string }>();
    return d && { type, id: d.id, title: d.title, datasetId: d.id, path: `/dataset/${d.slug}` };
  }
  if (type === 'resource') {
    const r = await db.prepare(`SELECT r.id, r.title, d.id AS dataset_id, d.slug, d.title AS dataset_title FROM resources r JOIN datasets d ON d.id = r.dataset_id
      JOIN organizations o ON o.id = d.organization_id WHERE r.id = ? AND d.published = 1 AND o.is_active = 1`).bind(id)
      .first<{ id: string; title: string; dataset_id: string; slug: string; dataset_title: string }>();
    return r && { type, id: r.id, title: `${r.title} (${r.dataset_title})`, datasetId: r.dataset_id, path: `/dataset/${r.slug}` };
  }
  const s = await db.prepare('SELECT id, slug, title FROM showcases WHERE (id = ?1 OR slug = ?1) AND published = 1').bind(id).first<{ id: string; slug: string; title: string }>();
  return s && { type, id: s.id, title: s.title, datasetId: null, path: `/showcase/${s.slug}` };
}

export async function createReport(db: D1Database, actor: Extract<Actor, { kind: 'user' }>, email: string, object: ReportedObject, reason: string, now = new Date()): Promise<string> {
  const id = crypto.randomUUID();
  await db.batch([
    db.prepare('INSERT INTO content_reports (id, object_type, object_id, object_title, reporter_user_id, reporter_email, reason, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .bind(id, object.type, object.id, object.title, actor.id, email, reason, now.toISOString()),
    auditStatement(db, actor, 'report.create', { type: 'report', id }, { objectType: object.type, objectId: object.id }),
  ]);
  return id;
}

export interface ReportRow {
  id: string; object_type: ReportTarget; object_id: string; object_title: string; reporter_email: string; reason: string;
  status: 'open' | 'hidden' | 'deleted' | 'dismissed'; decision_message: string | null; created_at: string; decided_at: string | null;
}

export async function listReports(db: D1Database): Promise<{ open: ReportRow[]; closed: ReportRow[] }> {
  const [open, closed] = await db.batch([
    db.prepare("SELECT * FROM content_reports WHERE status = 'open' ORDER BY created_at LIMIT 500"),
    db.prepare("SELECT * FROM content_reports WHERE status <> 'open' ORDER BY decided_at DESC LIMIT 50"),
  ]);
  return { open: open!.results as unknown as ReportRow[], closed: closed!.results as unknown as ReportRow[] };
}

export async function findReport(db: D1Database, id: string): Promise<ReportRow | null> {
  return db.prepare('SELECT * FROM content_reports WHERE id = ?').bind(id).first<ReportRow>();
}

export async function administratorEmails(db: D1Database): Promise<string[]> {
  return (await db.prepare('SELECT email FROM users WHERE is_admin = 1 AND email_confirmed_at IS NOT NULL ORDER BY email').all<{ email: string }>()).results.map((r) => r.email);
}

/** Whether the action applies to this kind of content: resources have no hidden state, only deletion. */
export const actionApplies = (type: ReportTarget, action: ModerationAction) => !(type === 'resource' && action === 'hide');

/**
 * Applies the decision to the content (if still there), then closes every open report on it with the same outcome;
 * returns the reporters to tell. Deleted content leaves the catalogue through the owners' own store functions.
 */
export async function moderate(env: Env, actor: Extract<Actor, { kind: 'user' }>, report: ReportRow, action: ModerationAction, message: string, now = new Date()): Promise<Array<{ email: string; title: string }>> {
  const db = env.DB;
  const detail = { reportId: report.id };
  if (action !== 'dismiss') {
    if (report.object_type === 'dataset') {
      const dataset = await findDataset(db, report.object_id);
      if (dataset && action === 'delete') await deleteDataset(env, actor, dataset, now);
      if (dataset && action === 'hide' && dataset.published) {
        const results = await db.batch([
          db.prepare('UPDATE datasets SET published = 0, updated_at = ? WHERE id = ?').bind(now.toISOString(), dataset.id),
          auditStatement(db, actor, 'dataset.hide', { type: 'dataset', id: dataset.id }, detail),
          changeStatement(db, 'dataset.unpublish', { type: 'dataset', id: dataset.id }, now),
        ]);
        await publishChange(env, results[results.length - 1]!);
      }
    } else if (report.object_type === 'resource') {
      const datasetId = (await db.prepare('SELECT dataset_id FROM resources WHERE id = ?').bind(report.object_id).first<{ dataset_id: string }>())?.dataset_id;
      const dataset = datasetId ? await findManagedDataset(db, datasetId) : null;
      const resource = dataset ? await findManagedResource(db, dataset.id, report.object_id) : null;
      if (dataset && resource) await deleteResource(env, actor, dataset, resource, now);
    } else {
      const showcase = await findShowcase(db, report.object_id);
      if (showcase && action === 'delete') await deleteShowcase(env, actor, showcase, detail, now);
      if (showcase && action === 'hide' && showcase.published) await setShowcasePublished(env, actor, showcase.id, false, detail, now);
    }
  }
  const status = action === 'hide' ? 'hidden' : action === 'delete' ? 'deleted' : 'dismissed';
  const reporters = (await db.prepare("SELECT id, reporter_email, object_title FROM content_reports WHERE object_type = ? AND object_id = ? AND status = 'open'")
    .bind(report.object_type, report.object_id).all<{ id: string; reporter_email: string; object_title: string }>()).results;
  await db.batch([
    db.prepare(`UPDATE content_reports SET status = ?, decided_by = ?, decision_message = ?, decided_at = ? WHERE object_type = ? AND object_id = ? AND status = 'open'`)
      .bind(status, actor.id, message || null, now.toISOString(), report.object_type, report.object_id),
    auditStatement(db, actor, `report.${action}`, { type: report.object_type, id: report.object_id }, { reports: reporters.map((r) => r.id) }),
  ]);
  return reporters.map((r) => ({ email: r.reporter_email, title: r.object_title }));
}
