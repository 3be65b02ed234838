// Datasets as contributors publish them (step 1): create, update and delete in one D1 batch each, with the audit
// row and, whenever the public catalogue is concerned, the catalogue change that queues the rebuild.
import type { DatasetConflicts, DatasetDraft } from '../domain/dataset-form';
import { parisToday } from '../domain/dataset-form';
import type { Actor, DatasetFacts } from '../domain/permissions';
import type { AccessLevel, Geocover, Granularity, ResourceType, SourceMode, UpdateFrequency } from '../domain/vocabulary';
import type { Env } from '../env';
import { auditStatement } from './audit';
import { changeStatement, publishChange } from './catalogue-changes';

export interface DatasetRecord {
  id: string;
  slug: string;
  title: string;
  description: string;
  organizationId: string;
  organizationName: string;
  creatorUserId: string | null;
  licenceId: string;
  updateFrequency: UpdateFrequency;
  granularity: Granularity;
  geocover: Geocover;
  bbox: [number, number, number, number] | null;
  dataTypes: string[];
  ownerName: string | null;
  ownerEmail: string | null;
  broadcasterName: string | null;
  broadcasterEmail: string | null;
  dateCreated: string;
  dateModified: string;
  datePublished: string;
  published: boolean;
  defaultAccess: AccessLevel;
  themeIds: string[];
  keywords: string[];
}

interface DatasetRow {
  id: string; slug: string; title: string; description: string; organization_id: string; legal_name: string;
  creator_user_id: string | null; licence_id: string; update_frequency: UpdateFrequency; granularity: Granularity;
  geocover: Geocover; bbox_west: number | null; bbox_south: number | null; bbox_east: number | null; bbox_north: number | null;
  data_types: string; owner_name: string | null; owner_email: string | null; broadcaster_name: string | null;
  broadcaster_email: string | null; date_created: string; date_modified: string; date_published: string; published: number;
  default_access: AccessLevel;
}

export const datasetFacts = (d: Pick<DatasetRecord, 'organizationId' | 'published' | 'creatorUserId'>): DatasetFacts =>
  ({ organizationId: d.organizationId, published: d.published, creatorUserId: d.creatorUserId });

export async function findDataset(db: D1Database, id: string): Promise<DatasetRecord | null> {
  const [rows, themes, tags] = await db.batch([
    db.prepare(`SELECT d.*, o.legal_name FROM datasets d JOIN organizations o ON o.id = d.organization_id WHERE d.id = ?`).bind(id),
    db.prepare('SELECT theme_id FROM dataset_themes WHERE dataset_id = ?').bind(id),
    db.prepare('SELECT t.name FROM dataset_tags dt JOIN tags t ON t.id = dt.tag_id WHERE dt.dataset_id = ? ORDER BY t.name').bind(id),
  ]);
  const d = rows!.results[0] as DatasetRow | undefined;
  if (!d) return null;
  const hasBbox = d.bbox_west !== null && d.bbox_south !== null && d.bbox_east !== null && d.bbox_north !== null;
  return {
    id: d.id, slug: d.slug, title: d.title, description: d.description, organizationId: d.organization_id,
    organizationName: d.legal_name, creatorUserId: d.creator_user_id, licenceId: d.licence_id,
    updateFrequency: d.update_frequency, granularity: d.granularity, geocover: d.geocover,
    bbox: hasBbox ? [d.bbox_west!, d.bbox_south!, d.bbox_east!, d.bbox_north!] : null,
    dataTypes: JSON.parse(d.data_types) as string[], ownerName: d.owner_name, ownerEmail: d.owner_email,
    broadcasterName: d.broadcaster_name, broadcasterEmail: d.broadcaster_email, dateCreated: d.date_created,
    dateModified: d.date_modified, datePublished: d.date_published, published: d.published === 1, defaultAccess: d.default_access,
    themeIds: (themes!.results as { theme_id: string }[]).map((t) => t.theme_id),
    keywords: (tags!.results as { name: string }[]).map((t) => t.name),
  };
}

const titleKey = (title: string) => title.normalize('NFC').toLocaleLowerCase('fr');

/** Whether another dataset already has this title (whatever the case) or this address. */
export async function findConflicts(db: D1Database, draft: Pick<DatasetDraft, 'title' | 'slug'>, exceptId: string | null): Promise<DatasetConflicts> {
  // SQLite's lower() folds ASCII only ("ARRÊTS" ≠ "arrêts"): titles of the same length are compared here instead.
  const [sameLength, slug] = await db.batch([
    db.prepare('SELECT title FROM datasets WHERE length(title) = length(?1) AND id IS NOT ?2').bind(draft.title, exceptId),
    db.prepare('SELECT 1 FROM datasets WHERE slug = ?1 AND id IS NOT ?2').bind(draft.slug, exceptId),
  ]);
  const key = titleKey(draft.title);
  return {
    titleTaken: (sameLength!.results as { title: string }[]).some((d) => titleKey(d.title) === key),
    slugTaken: slug!.results.length > 0,
  };
}

export interface PublishingOrganization {
  id: string;
  legalName: string;
  email: string | null;
  defaultLicenceId: string | null;
  territoryCode: string | null;
  territoryName: string | null;
}

/** Active organisations by id, for the form's organisation choice (the caller filters them with can()). */
export async function findOrganizations(db: D1Database, ids: readonly string[]): Promise<PublishingOrganization[]> {
  if (ids.length === 0) return [];
  const rows = await db.prepare(
    `SELECT id, legal_name, email, default_licence_id, territory_code, territory_name FROM organizations
     WHERE is_active = 1 AND id IN (SELECT value FROM json_each(?)) ORDER BY legal_name`,
  ).bind(JSON.stringify(ids)).all<{ id: string; legal_name: string; email: string | null; default_licence_id: string | null; territory_code: string | null; territory_name: string | null }>();
  return rows.results.map((o) => ({
    id: o.id, legalName: o.legal_name, email: o.email, defaultLicenceId: o.default_licence_id,
    territoryCode: o.territory_code, territoryName: o.territory_name,
  }));
}

export async function listLicences(db: D1Database): Promise<Array<{ id: string; title: string }>> {
  return (await db.prepare('SELECT id, title FROM licences ORDER BY position').all<{ id: string; title: string }>()).results;
}

export async function listThemes(db: D1Database): Promise<Array<{ id: string; title: string }>> {
  return (await db.prepare('SELECT id, title FROM themes ORDER BY position').all<{ id: string; title: string }>()).results;
}

/** E-mail addresses of the organisation's référents (confirmed accounts), who are told of every change in it. */
export async function organizationReferentEmails(db: D1Database, organizationId: string): Promise<string[]> {
  const rows = await db.prepare(
    `SELECT DISTINCT u.email FROM memberships m JOIN users u ON u.id = m.user_id
     WHERE m.organization_id = ? AND m.role = 'referent' AND u.email_confirmed_at IS NOT NULL ORDER BY u.email`,
  ).bind(organizationId).all<{ email: string }>();
  return rows.results.map((r) => r.email);
}

/**
 * Bumps the dataset's "date de dernière modification" (today, in France) and its metadata timestamp: to run in
 * the same batch as any change to its resources.
 */
export function touchDatasetStatement(db: D1Database, datasetId: string, now = new Date()): D1PreparedStatement {
  return db.prepare('UPDATE datasets SET date_modified = ?, updated_at = ? WHERE id = ?').bind(parisToday(now), now.toISOString(), datasetId);
}

function classificationStatements(db: D1Database, datasetId: string, draft: DatasetDraft): D1PreparedStatement[] {
  const statements = [
    ...(draft.temporal ? [db.prepare('UPDATE datasets SET temporal_start = ?, temporal_end = ? WHERE id = ?').bind(draft.temporal.start, draft.temporal.end, datasetId)] : []),
    db.prepare('DELETE FROM dataset_themes WHERE dataset_id = ?').bind(datasetId),
    db.prepare('DELETE FROM dataset_tags WHERE dataset_id = ?').bind(datasetId),
  ];
  for (const themeId of draft.themeIds) {
    statements.push(db.prepare('INSERT INTO dataset_themes (dataset_id, theme_id) VALUES (?, ?)').bind(datasetId, themeId));
  }
  for (const keyword of draft.keywords) {
    // tags.name is NOCASE: an existing keyword is reused whatever the case typed.
    statements.push(db.prepare('INSERT INTO tags (name) VALUES (?) ON CONFLICT (name) DO NOTHING').bind(keyword));
    statements.push(db.prepare('INSERT OR IGNORE INTO dataset_tags (dataset_id, tag_id) SELECT ?, id FROM tags WHERE name = ?').bind(datasetId, keyword));
  }
  return statements;
}

const draftColumns = (d: DatasetDraft) => [
  d.slug, d.title, d.description, d.organizationId, d.licenceId, d.updateFrequency, d.granularity, d.geocover,
  d.bbox?.[0] ?? null, d.bbox?.[1] ?? null, d.bbox?.[2] ?? null, d.bbox?.[3] ?? null, d.territoryCode, d.territoryName,
  JSON.stringify(d.dataTypes), d.ownerName, d.ownerEmail, d.broadcasterName, d.broadcasterEmail,
  d.dateCreated, d.dateModified, d.datePublished, d.published ? 1 : 0, d.defaultAccess,
];

export type SaveResult = { ok: true; id: string; changeId: number | null } | { ok: false; conflict: DatasetConflicts };

const isSlugConstraint = (error: unknown) => /UNIQUE constraint failed: datasets\.slug/.test(String((error as Error)?.message ?? error));

export async function createDataset(env: Env, actor: Extract<Actor, { kind: 'user' }>, draft: DatasetDraft, now = new Date()): Promise<SaveResult> {
  const db = env.DB;
  const id = crypto.randomUUID();
  const statements = [
    db.prepare(
      `INSERT INTO datasets (slug, title, description, organization_id, licence_id, update_frequency, granularity, geocover,
         bbox_west, bbox_south, bbox_east, bbox_north, territory_code, territory_name, data_types, owner_name, owner_email,
         broadcaster_name, broadcaster_email, date_created, date_modified, date_published, published, default_access,
         id, creator_user_id, created_at, updated_at)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?27)`,
    ).bind(...draftColumns(draft), id, actor.id, now.toISOString()),
    ...classificationStatements(db, id, draft),
    auditStatement(db, actor, 'dataset.create', { type: 'dataset', id }, { title: draft.title, published: draft.published }),
  ];
  if (draft.published) statements.push(changeStatement(db, 'dataset.create', { type: 'dataset', id }, now));
  return runSave(env, id, statements, draft.published);
}

export async function updateDataset(env: Env, actor: Extract<Actor, { kind: 'user' }>, previous: DatasetRecord, draft: DatasetDraft, now = new Date()): Promise<SaveResult> {
  const db = env.DB;
  const statements = [
    db.prepare(
      `UPDATE datasets SET slug = ?1, title = ?2, description = ?3, organization_id = ?4, licence_id = ?5, update_frequency = ?6,
         granularity = ?7, geocover = ?8, bbox_west = ?9, bbox_south = ?10, bbox_east = ?11, bbox_north = ?12, territory_code = ?13,
         territory_name = ?14, data_types = ?15, owner_name = ?16, owner_email = ?17, broadcaster_name = ?18, broadcaster_email = ?19,
         date_created = ?20, date_modified = ?21, date_published = ?22, published = ?23, default_access = ?24, updated_at = ?26
       WHERE id = ?25`,
    ).bind(...draftColumns(draft), previous.id, now.toISOString()),
    ...classificationStatements(db, previous.id, draft),
    auditStatement(db, actor, 'dataset.update', { type: 'dataset', id: previous.id },
      { title: draft.title, published: draft.published, wasPublished: previous.published }),
  ];
  // Saving a published dataset, publishing it or taking it back to draft all change what the public sees.
  const visible = draft.published || previous.published;
  if (visible) {
    const reason = draft.published ? (previous.published ? 'dataset.update' : 'dataset.publish') : 'dataset.unpublish';
    statements.push(changeStatement(db, reason, { type: 'dataset', id: previous.id }, now));
  }
  return runSave(env, previous.id, statements, visible);
}

async function runSave(env: Env, id: string, statements: D1PreparedStatement[], recordsChange: boolean): Promise<SaveResult> {
  let results: D1Result[];
  try {
    results = await env.DB.batch(statements);
  } catch (error) {
    // Two people saving the same title at once: the unique address settles it.
    if (isSlugConstraint(error)) return { ok: false, conflict: { titleTaken: false, slugTaken: true } };
    throw error;
  }
  const changeId = recordsChange ? await publishChange(env, results[results.length - 1]!) : null;
  return { ok: true, id, changeId };
}

export async function countResources(db: D1Database, datasetId: string): Promise<number> {
  const row = await db.prepare('SELECT COUNT(*) AS n FROM resources WHERE dataset_id = ?').bind(datasetId).first<{ n: number }>();
  return Number(row?.n ?? 0);
}

/**
 * Deletes the dataset with everything hanging from it (resources, their versions, allowed lists, thématiques,
 * keywords links, réutilisation links: ON DELETE CASCADE), then every stored file of its resources, so no object
 * is left in R2. Rows go first: should R2 fail, the catalogue no longer points at the files left behind.
 */
export async function deleteDataset(env: Env, actor: Extract<Actor, { kind: 'user' }>, dataset: DatasetRecord, now = new Date()): Promise<{ changeId: number | null; filesDeleted: number }> {
  const db = env.DB;
  const files = await db.prepare(
    `SELECT v.file_key AS key FROM resource_versions v JOIN resources r ON r.id = v.resource_id WHERE r.dataset_id = ?1
     UNION SELECT file_key FROM resources WHERE dataset_id = ?1 AND file_key IS NOT NULL`,
  ).bind(dataset.id).all<{ key: string }>();
  const statements = [
    db.prepare('DELETE FROM datasets WHERE id = ?').bind(dataset.id),
    auditStatement(db, actor, 'dataset.delete', { type: 'dataset', id: dataset.id },
      { title: dataset.title, slug: dataset.slug, organizationId: dataset.organizationId, files: files.results.length }),
  ];
  if (dataset.published) statements.push(changeStatement(db, 'dataset.delete', { type: 'dataset', id: dataset.id }, now));
  const results = await db.batch(statements);
  const keys = files.results.map((f) => f.key);
  // R2 deletes at most 1,000 keys per call.
  for (let i = 0; i < keys.length; i += 1000) await env.FILES.delete(keys.slice(i, i + 1000));
  const changeId = dataset.published ? await publishChange(env, results[results.length - 1]!) : null;
  return { changeId, filesDeleted: keys.length };
}

export interface DatasetResourceRow {
  id: string;
  title: string;
  format: string;
  resourceType: ResourceType;
  sourceMode: SourceMode;
  accessLevel: AccessLevel;
}

export async function listDatasetResources(db: D1Database, datasetId: string): Promise<DatasetResourceRow[]> {
  const rows = await db.prepare(
    'SELECT id, title, format, resource_type, source_mode, access_level FROM resources WHERE dataset_id = ? ORDER BY position, created_at',
  ).bind(datasetId).all<{ id: string; title: string; format: string; resource_type: ResourceType; source_mode: SourceMode; access_level: AccessLevel }>();
  return rows.results.map((r) => ({ id: r.id, title: r.title, format: r.format, resourceType: r.resource_type, sourceMode: r.source_mode, accessLevel: r.access_level }));
}

export interface DashboardDataset {
  id: string;
  slug: string;
  title: string;
  organizationId: string;
  organizationName: string;
  creatorUserId: string | null;
  published: boolean;
  dateModified: string;
  updatedAt: string;
  resourceCount: number;
}

/** Datasets the user created, and those of the organisations where they publish, newest change first. */
export async function dashboardDatasets(db: D1Database, userId: string, organizationIds: readonly string[]): Promise<DashboardDataset[]> {
  const rows = await db.prepare(
    `SELECT d.id, d.slug, d.title, d.organization_id, o.legal_name, d.creator_user_id, d.published, d.date_modified, d.updated_at,
            (SELECT COUNT(*) FROM resources r WHERE r.dataset_id = d.id) AS resource_count
     FROM datasets d JOIN organizations o ON o.id = d.organization_id
     WHERE d.creator_user_id = ?1 OR d.organization_id IN (SELECT value FROM json_each(?2))
     ORDER BY d.updated_at DESC, d.title`,
  ).bind(userId, JSON.stringify(organizationIds)).all<{
    id: string; slug: string; title: string; organization_id: string; legal_name: string; creator_user_id: string | null;
    published: number; date_modified: string; updated_at: string; resource_count: number;
  }>();
  return rows.results.map((d) => ({
    id: d.id, slug: d.slug, title: d.title, organizationId: d.organization_id, organizationName: d.legal_name,
    creatorUserId: d.creator_user_id, published: d.published === 1, dateModified: d.date_modified, updatedAt: d.updated_at,
    resourceCount: Number(d.resource_count),
  }));
}

/**
 * Existing keywords for the autocomplete: those of published datasets and of the organisations where the user
 * publishes (their drafts), beginning with the text typed first, then containing it; most used first.
 */
export async function suggestKeywords(db: D1Database, query: string, organizationIds: readonly string[], limit = 10): Promise<Array<{ name: string; count: number }>> {
  const escaped = query.replace(/[\\%_]/g, (c) => `\\${c}`);
  const rows = await db.prepare(
    `SELECT t.name, COUNT(DISTINCT d.id) AS count, (t.name LIKE ?1 ESCAPE '\\') AS prefix
     FROM tags t JOIN dataset_tags dt ON dt.tag_id = t.id JOIN datasets d ON d.id = dt.dataset_id
     WHERE t.name LIKE ?2 ESCAPE '\\' AND (d.published = 1 OR d.organization_id IN (SELECT value FROM json_each(?3)))
     GROUP BY t.id ORDER BY prefix DESC, count DESC, t.name LIMIT ?4`,
  ).bind(`${escaped}%`, `%${escaped}%`, JSON.stringify(organizationIds), limit).all<{ name: string; count: number }>();
  return rows.results.map((r) => ({ name: r.name, count: Number(r.count) }));
}
