// Réutilisations declared by users (the showcases tables of 0001): create, edit, publish state. Every change that
// the public catalogue shows records a catalogue change, so /showcase and the linked dataset pages are rebuilt.
import type { ShowcaseDraft } from '../domain/participation-showcase';
import type { Actor } from '../domain/permissions';
import { slugify } from '../domain/slug';
import type { ShowcaseType } from '../domain/vocabulary';
import type { Env } from '../env';
import { auditStatement } from './audit';
import { changeStatement, publishChange } from './catalogue-changes';
import { showcaseImageKey } from './files';

export interface ShowcaseRecord {
  id: string; slug: string; title: string; description: string; url: string | null; image_key: string | null;
  showcase_type: ShowcaseType; author_user_id: string | null; author_name: string | null; published: number; created_at: string;
  datasetSlugs: string[];
}

export async function findShowcase(db: D1Database, id: string): Promise<ShowcaseRecord | null> {
  const [rows, datasets] = await db.batch([
    db.prepare('SELECT * FROM showcases WHERE id = ?1 OR slug = ?1').bind(id),
    db.prepare('SELECT d.slug FROM showcase_datasets sd JOIN datasets d ON d.id = sd.dataset_id JOIN showcases s ON s.id = sd.showcase_id WHERE s.id = ?1 OR s.slug = ?1 ORDER BY d.slug').bind(id),
  ]);
  const row = rows!.results[0] as Omit<ShowcaseRecord, 'datasetSlugs'> | undefined;
  return row ? { ...row, datasetSlugs: (datasets!.results as Array<{ slug: string }>).map((d) => d.slug) } : null;
}

export async function showcasesOf(db: D1Database, userId: string): Promise<Array<{ id: string; slug: string; title: string; published: number }>> {
  return (await db.prepare('SELECT id, slug, title, published FROM showcases WHERE author_user_id = ? ORDER BY created_at DESC').bind(userId).all<{ id: string; slug: string; title: string; published: number }>()).results;
}

export async function allShowcases(db: D1Database): Promise<Array<{ id: string; slug: string; title: string; published: number; author_name: string | null; created_at: string }>> {
  return (await db.prepare('SELECT id, slug, title, published, author_name, created_at FROM showcases ORDER BY created_at DESC LIMIT 500').all<{ id: string; slug: string; title: string; published: number; author_name: string | null; created_at: string }>()).results;
}

/** Published datasets named by the refs; the refs not found come back for the error message. */
export async function resolveDatasets(db: D1Database, refs: readonly string[]): Promise<{ ids: string[]; unknown: string[] }> {
  if (refs.length === 0) return { ids: [], unknown: [] };
  const rows = await db.prepare(
    `SELECT d.id, d.slug FROM datasets d JOIN organizations o ON o.id = d.organization_id
     WHERE d.published = 1 AND o.is_active = 1 AND (d.slug IN (${refs.map(() => '?').join(',')}) OR d.id IN (${refs.map(() => '?').join(',')}))`,
  ).bind(...refs, ...refs).all<{ id: string; slug: string }>();
  const found = rows.results;
  return { ids: found.map((r) => r.id), unknown: refs.filter((ref) => !found.some((r) => r.slug === ref || r.id === ref)) };
}

async function freeSlug(db: D1Database, title: string, exceptId: string | null): Promise<string> {
  const base = slugify(title) || 'reutilisation';
  for (let n = 1; ; n++) {
    const slug = n === 1 ? base : `${base}-${n}`;
    const taken = await db.prepare('SELECT id FROM showcases WHERE slug = ?').bind(slug).first<{ id: string }>();
    if (!taken || taken.id === exceptId) return slug;
  }
}

export interface ShowcaseImage { name: string; type: string; bytes: ArrayBuffer }

const safeFileName = (name: string) => (name.normalize('NFKD').replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '') || 'image').slice(-80);

/** Creates (existing null) or updates a réutilisation; the image (if any) goes to R2 first, under a fresh name. */
export async function saveShowcase(env: Env, actor: Extract<Actor, { kind: 'user' }>, existing: ShowcaseRecord | null, draft: ShowcaseDraft,
  datasetIds: readonly string[], authorName: string, image: ShowcaseImage | null, now = new Date()): Promise<string> {
  const db = env.DB;
  const id = existing?.id ?? crypto.randomUUID();
  const slug = await freeSlug(db, draft.title, existing?.id ?? null);
  let imageKey = existing?.image_key ?? null;
  if (image) {
    imageKey = showcaseImageKey(id, `${crypto.randomUUID().slice(0, 8)}-${safeFileName(image.name)}`);
    await env.FILES.put(imageKey, image.bytes, { httpMetadata: { contentType: image.type } });
  }
  const statements = [
    existing
      ? db.prepare('UPDATE showcases SET slug = ?, title = ?, description = ?, url = ?, image_key = ?, showcase_type = ?, updated_at = ? WHERE id = ?')
        .bind(slug, draft.title, draft.description, draft.url, imageKey, draft.type, now.toISOString(), id)
      : db.prepare(`INSERT INTO showcases (id, slug, title, description, url, image_key, showcase_type, author_user_id, author_name, published, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`)
        .bind(id, slug, draft.title, draft.description, draft.url, imageKey, draft.type, actor.id, authorName, now.toISOString(), now.toISOString()),
    db.prepare('DELETE FROM showcase_datasets WHERE showcase_id = ?').bind(id),
    ...datasetIds.map((datasetId) => db.prepare('INSERT INTO showcase_datasets (showcase_id, dataset_id) VALUES (?, ?)').bind(id, datasetId)),
    auditStatement(db, actor, existing ? 'showcase.update' : 'showcase.create', { type: 'showcase', id }, { title: draft.title }),
    changeStatement(db, existing ? 'showcase.update' : 'showcase.create', { type: 'showcase', id }, now),
  ];
  const results = await db.batch(statements);
  await publishChange(env, results[results.length - 1]!);
  // The replaced image is no longer referenced.
  if (image && existing?.image_key) await env.FILES.delete(existing.image_key);
  return id;
}

export async function setShowcasePublished(env: Env, actor: Actor, id: string, published: boolean, detail: Record<string, unknown> = {}, now = new Date()): Promise<void> {
  const db = env.DB;
  const results = await db.batch([
    db.prepare('UPDATE showcases SET published = ?, updated_at = ? WHERE id = ?').bind(published ? 1 : 0, now.toISOString(), id),
    auditStatement(db, actor, published ? 'showcase.publish' : 'showcase.unpublish', { type: 'showcase', id }, detail),
    changeStatement(db, published ? 'showcase.publish' : 'showcase.unpublish', { type: 'showcase', id }, now),
  ]);
  await publishChange(env, results[results.length - 1]!);
}

export async function deleteShowcase(env: Env, actor: Actor, showcase: ShowcaseRecord, detail: Record<string, unknown> = {}, now = new Date()): Promise<void> {
  const db = env.DB;
  const results = await db.batch([
    db.prepare('DELETE FROM showcases WHERE id = ?').bind(showcase.id),
    auditStatement(db, actor, 'showcase.delete', { type: 'showcase', id: showcase.id }, { title: showcase.title, ...detail }),
    changeStatement(db, 'showcase.delete', { type: 'showcase', id: showcase.id }, now),
  ]);
  if (showcase.image_key) await env.FILES.delete(showcase.image_key);
  await publishChange(env, results[results.length - 1]!);
}
