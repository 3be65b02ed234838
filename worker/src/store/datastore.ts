// The DATASTORE database: the registry of ingested resources (what is served, the latest job's progress and
// report) and the per-resource tables. A new table is built beside the served one and swapped in by one UPDATE.
import type { DatastoreField } from '../domain/datastore-query';
import { quoteId } from '../domain/datastore-columns';
import { isFtsTable, siblingTables } from '../domain/datastore-layout';
import { findResource, type DownloadableResource } from './resources';

export type JobState = 'queued' | 'running' | 'done' | 'failed' | 'skipped';

export interface IngestReport {
  format: string;
  encoding?: string;
  delimiter?: string;
  sheet?: string;
  rows: number;
  columns: Array<DatastoreField & { nulls: number }>;
  warnings: string[];
  errors: string[];
  durationMs: number;
  /** Where the time went: the pass that learns the types and loads, the second load when the first rows' types did not hold, the indexes. */
  phasesMs?: { read: number; reload: number; index: number };
}

export interface DatastoreEntry {
  resourceId: string;
  tableName: string | null;
  ftsTable: string | null;
  fields: DatastoreField[];
  rowCount: number;
  ingestedAt: string | null;
  sheet: string | null;
  jobId: string | null;
  jobState: JobState | null;
  jobTable: string | null;
  rowsLoaded: number;
  rowsTotal: number | null;
  report: IngestReport | null;
  jobStartedAt: string | null;
  jobFinishedAt: string | null;
}

interface Row {
  resource_id: string; table_name: string | null; fts_table: string | null; fields: string | null; row_count: number | null;
  ingested_at: string | null; sheet: string | null; job_id: string | null; job_state: JobState | null; job_table: string | null;
  rows_loaded: number; rows_total: number | null; report: string | null; job_started_at: string | null; job_finished_at: string | null;
}

export async function readEntry(db: D1Database, resourceId: string): Promise<DatastoreEntry | null> {
  const r = await db.prepare('SELECT * FROM datastore_resources WHERE resource_id = ?').bind(resourceId).first<Row>();
  if (!r) return null;
  return {
    resourceId: r.resource_id, tableName: r.table_name, ftsTable: r.fts_table,
    fields: r.fields ? JSON.parse(r.fields) as DatastoreField[] : [], rowCount: r.row_count ?? 0, ingestedAt: r.ingested_at,
    sheet: r.sheet, jobId: r.job_id, jobState: r.job_state, jobTable: r.job_table, rowsLoaded: r.rows_loaded,
    rowsTotal: r.rows_total, report: r.report ? JSON.parse(r.report) as IngestReport : null,
    jobStartedAt: r.job_started_at, jobFinishedAt: r.job_finished_at,
  };
}

/** Served tables of several resources (for datastore_search_sql). */
export async function servedTables(db: D1Database, resourceIds: readonly string[]): Promise<Map<string, string>> {
  if (resourceIds.length === 0) return new Map();
  const rows = await db.prepare(
    'SELECT resource_id, table_name FROM datastore_resources WHERE table_name IS NOT NULL AND resource_id IN (SELECT value FROM json_each(?))',
  ).bind(JSON.stringify(resourceIds)).all<{ resource_id: string; table_name: string }>();
  return new Map(rows.results.map((r) => [r.resource_id, r.table_name]));
}

export async function markQueued(db: D1Database, resourceId: string): Promise<void> {
  await db.prepare(
    `INSERT INTO datastore_resources (resource_id, job_state, rows_loaded) VALUES (?1, 'queued', 0)
     ON CONFLICT (resource_id) DO UPDATE SET job_state = 'queued', rows_loaded = 0, rows_total = NULL`,
  ).bind(resourceId).run();
}

/** The contributor's choice of Excel sheet (null: the last one). */
export async function setSheet(db: D1Database, resourceId: string, sheet: string | null): Promise<void> {
  await db.prepare(
    `INSERT INTO datastore_resources (resource_id, sheet) VALUES (?1, ?2) ON CONFLICT (resource_id) DO UPDATE SET sheet = ?2`,
  ).bind(resourceId, sheet).run();
}

/**
 * Starts a job: it becomes the resource's latest (an older job still running will not swap its table in), and
 * the table a previous interrupted job was building is dropped.
 */
export async function startJob(db: D1Database, resourceId: string, jobId: string, jobTable: string, now: string): Promise<string | null> {
  const previous = await db.prepare('SELECT job_table, job_state FROM datastore_resources WHERE resource_id = ?').bind(resourceId)
    .first<{ job_table: string | null; job_state: JobState | null }>();
  await db.prepare(
    `INSERT INTO datastore_resources (resource_id, job_id, job_state, job_table, rows_loaded, job_started_at)
     VALUES (?1, ?2, 'running', ?3, 0, ?4)
     ON CONFLICT (resource_id) DO UPDATE SET job_id = ?2, job_state = 'running', job_table = ?3, rows_loaded = 0, rows_total = NULL,
       report = NULL, job_started_at = ?4, job_finished_at = NULL`,
  ).bind(resourceId, jobId, jobTable, now).run();
  return previous?.job_table ?? null;
}

export function progressStatement(db: D1Database, resourceId: string, jobId: string, rowsLoaded: number, rowsTotal: number | null): D1PreparedStatement {
  return db.prepare('UPDATE datastore_resources SET rows_loaded = ?3, rows_total = COALESCE(?4, rows_total) WHERE resource_id = ?1 AND job_id = ?2')
    .bind(resourceId, jobId, rowsLoaded, rowsTotal);
}

export async function finishJob(db: D1Database, resourceId: string, jobId: string, state: 'failed' | 'skipped', report: IngestReport, now: string): Promise<void> {
  await db.prepare(
    `UPDATE datastore_resources SET job_state = ?3, job_table = NULL, report = ?4, job_finished_at = ?5 WHERE resource_id = ?1 AND job_id = ?2`,
  ).bind(resourceId, jobId, state, JSON.stringify(report), now).run();
}

/**
 * Serves the new table if this job is still the latest. Returns the tables to drop (the old ones, or the new
 * ones when a newer job took over), with their FTS and group siblings.
 */
export async function swapIn(db: D1Database, resourceId: string, jobId: string, table: string, ftsTable: string | null,
  fields: DatastoreField[], rowCount: number, sha256: string | null, report: IngestReport, now: string): Promise<{ swapped: boolean; old: string[] }> {
  const current = await db.prepare('SELECT table_name FROM datastore_resources WHERE resource_id = ?').bind(resourceId)
    .first<{ table_name: string | null }>();
  const result = await db.prepare(
    `UPDATE datastore_resources SET table_name = ?3, fts_table = ?4, fields = ?5, row_count = ?6, source_sha256 = ?7, ingested_at = ?8,
       job_state = 'done', job_table = NULL, rows_loaded = ?6, report = ?9, job_finished_at = ?8
     WHERE resource_id = ?1 AND job_id = ?2`,
  ).bind(resourceId, jobId, table, ftsTable, JSON.stringify(fields), rowCount, sha256, now, JSON.stringify(report)).run();
  if (result.meta.changes !== 1) return { swapped: false, old: siblingTables(table) };
  const served = current?.table_name;
  return { swapped: true, old: served && served !== table ? siblingTables(served) : [] };
}

/** Forgets a resource that left the catalogue: its tables and its registry row. */
export async function removeResource(db: D1Database, resourceId: string): Promise<void> {
  const entry = await readEntry(db, resourceId);
  if (!entry) return;
  await dropTables(db, [entry.tableName, entry.jobTable].flatMap((t) => (t ? siblingTables(t) : [])));
  await db.prepare('DELETE FROM datastore_resources WHERE resource_id = ?').bind(resourceId).run();
}

export async function dropTables(db: D1Database, tables: readonly string[]): Promise<void> {
  if (tables.length === 0) return;
  // FTS tables first: an external-content index must not outlive its table.
  const ordered = [...tables].sort((a, b) => Number(isFtsTable(b)) - Number(isFtsTable(a)));
  await db.batch(ordered.map((t) => db.prepare(`DROP TABLE IF EXISTS ${quoteId(t)}`)));
}

/** Resource facts for `can()`, found by resource id alone (the datastore API names no dataset). */
export async function findResourceById(db: D1Database, resourceId: string): Promise<DownloadableResource | null> {
  const row = await db.prepare('SELECT dataset_id FROM resources WHERE id = ?').bind(resourceId).first<{ dataset_id: string }>();
  return row ? findResource(db, row.dataset_id, resourceId) : null;
}

export interface IngestableResource {
  id: string;
  datasetId: string;
  /** The dataset is public: its page shows the resource's datastore state, so a served table means a rebuild. */
  datasetPublished: boolean;
  format: string;
  fileKey: string | null;
  fileName: string | null;
  sizeBytes: number | null;
  sha256: string | null;
}

export async function findIngestable(db: D1Database, resourceId: string): Promise<IngestableResource | null> {
  const r = await db.prepare(
    `SELECT r.id, r.dataset_id, d.published, r.format, r.file_key, r.file_name, r.size_bytes, r.sha256
     FROM resources r JOIN datasets d ON d.id = r.dataset_id WHERE r.id = ?`,
  ).bind(resourceId).first<{ id: string; dataset_id: string; published: number; format: string; file_key: string | null; file_name: string | null;
    size_bytes: number | null; sha256: string | null }>();
  return r && { id: r.id, datasetId: r.dataset_id, datasetPublished: r.published === 1, format: r.format, fileKey: r.file_key, fileName: r.file_name, sizeBytes: r.size_bytes, sha256: r.sha256 };
}
