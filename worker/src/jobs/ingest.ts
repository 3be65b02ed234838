// Ingest job: loads a tabular resource's file from R2 into a new DATASTORE table, then swaps it in. Two passes
// over the source: the first infers column types and counts rows, the second converts and inserts in batches of
// multi-row INSERTs (progress written with each batch). Any failure leaves the previous table served.
import type { Env } from '../env';
import type { JobMessage } from '../store/queue';
import { normaliseColumns, quoteId, type Column } from '../domain/datastore-columns';
import { createStatements, ftsStatements, layoutOf, MAX_COLUMNS, RowInserts, siblingTables, type Layout } from '../domain/datastore-layout';
import { CKAN_TYPE, ColumnStats, convert, READING_TYPE, type Notice, type Reading } from '../domain/datastore-types';
import { csvSource, EncodingMismatch, excelSource, geojsonSource, jsonSource, tabularKind, type TabularSource } from '../domain/datastore-sources';
import { TabularError } from '../domain/datastore-text';
import type { DatastoreField } from '../domain/datastore-query';
import {
  dropTables, findIngestable, finishJob, markQueued, progressStatement, readEntry, removeResource, sqlLiteral, startJob, swapIn, type IngestReport,
} from '../store/datastore';
import { t, type Lang } from '../i18n';
import { changeStatement, publishChange } from '../store/catalogue-changes';

/** OPenIG's limit, kept as the default; DATASTORE_MAX_BYTES raises it. */
export const DEFAULT_MAX_BYTES = 15 * 1024 * 1024;
/** D1 refuses statements over 100 kB: each INSERT stays below, counting 3 bytes for any non-ASCII text. */
const STATEMENT_BYTES = 90_000;
const STATEMENTS_PER_BATCH = 20;
/** Indexes for equality filters on columns with few distinct values (categories, codes, years). */
const MAX_INDEXES = 16;

const render = (notice: Notice, lang: Lang = 'fr') => t(lang, notice.key, notice.params);

/** Queues an ingest of the resource (or, once it is gone from the catalogue, the removal of its tables). For every publishing path. */
export async function enqueueIngest(env: Pick<Env, 'JOBS' | 'DATASTORE'>, resourceId: string): Promise<void> {
  await markQueued(env.DATASTORE, resourceId);
  await env.JOBS.send({ type: 'ingest', resourceId });
}

/** For the publishing forms and syncs: a resource whose file is tabular is (re)loaded, or emptied once deleted. */
export async function ingestIfTabular(env: Pick<Env, 'JOBS' | 'DATASTORE'>, resourceId: string, format: string, fileName: string | null): Promise<void> {
  if (tabularKind(format, fileName)) await enqueueIngest(env, resourceId);
}

export async function handleIngestMessages(messages: readonly Message<JobMessage>[], env: Env): Promise<void> {
  for (const message of messages) {
    if (message.body.type !== 'ingest') continue;
    try {
      await ingestResource(env, message.body.resourceId);
      message.ack();
    } catch (error) {
      // Only unexpected failures get here (bad files end as a "failed" report): try again later.
      console.error('ingest failed', error);
      message.retry({ delaySeconds: 30 });
    }
  }
}

const tableNameFor = (resourceId: string) =>
  `ds_${resourceId.replace(/[^A-Za-z0-9]/g, '').slice(0, 32)}_${crypto.randomUUID().replace(/-/g, '').slice(0, 8)}`;

const examples = (list: ReadonlyArray<{ line: number; value: string }>) =>
  list.map((e) => t('fr', 'datastore.example', { line: e.line, value: e.value })).join(', ');

async function openSource(env: Env, kind: NonNullable<ReturnType<typeof tabularKind>>, fileKey: string, sheet: string | null): Promise<TabularSource | { skipped: Notice }> {
  const object = async () => {
    const found = await env.FILES.get(fileKey);
    if (!found) throw new TabularError({ key: 'datastore.error.noFile' });
    return found;
  };
  switch (kind) {
    case 'csv':
      return csvSource(async () => (await object()).body);
    case 'excel':
      return excelSource(await (await object()).arrayBuffer(), sheet);
    case 'json':
      return jsonSource(await (await object()).arrayBuffer());
    case 'geojson':
      return geojsonSource(await (await object()).arrayBuffer());
  }
}

interface Inference {
  readings: Reading[];
  stats: ColumnStats[];
  rows: number;
  notices: Notice[];
}

/** First pass: types, row count and the report's findings. */
async function infer(source: TabularSource, columns: Column[]): Promise<Inference> {
  const stats = columns.map(() => new ColumnStats());
  const width = columns.length;
  let rows = 0;
  const short: Array<{ line: number; value: string }> = [];
  const long: Array<{ line: number; value: string }> = [];
  let shortCount = 0;
  let longCount = 0;
  for await (const batch of source.rows()) {
    for (const { cells, line } of batch) {
      rows++;
      if (cells.length !== width) {
        const sample = { line, value: `${cells.length} valeurs` };
        if (cells.length < width) {
          shortCount++;
          if (short.length < 3) short.push(sample);
        } else {
          longCount++;
          if (long.length < 3) long.push(sample);
        }
      }
      for (let i = 0; i < width; i++) stats[i]!.add(cells[i] ?? null, line);
    }
  }
  const notices: Notice[] = [];
  if (shortCount > 0) notices.push({ key: 'datastore.warning.raggedShort', params: { count: shortCount, examples: examples(short) } });
  if (longCount > 0) notices.push({ key: 'datastore.warning.raggedLong', params: { count: longCount, examples: examples(long) } });
  const readings = stats.map((s, i) => (i === source.geometryColumn ? 'geometry' : s.reading()));
  stats.forEach((s, i) => {
    const column = columns[i]!.label;
    if (readings[i] !== 'text' && s.markers > 0) {
      notices.push({ key: 'datastore.warning.nullMarkers', params: { column, count: s.markers, examples: examples(s.markerExamples) } });
    }
    const mixed = i === source.geometryColumn ? null : s.mixed();
    if (mixed) {
      notices.push({ key: 'datastore.warning.mixed', params: { column, type: t('fr', `datastore.type.${READING_TYPE[mixed.reading]}`), examples: examples(mixed.examples) } });
    }
  });
  if (rows === 0) notices.push({ key: 'datastore.warning.noRows' });
  return { readings, stats, rows, notices };
}

async function inferWithFallback(source: TabularSource, columns: Column[]): Promise<Inference> {
  try {
    return await infer(source, columns);
  } catch (error) {
    if (error instanceof EncodingMismatch && source.fallbackEncoding?.()) return infer(source, columns);
    throw error;
  }
}

export async function ingestResource(env: Env, resourceId: string): Promise<void> {
  const db = env.DATASTORE;
  const started = Date.now();
  const resource = await findIngestable(env.DB, resourceId);
  // A resource removed from the catalogue takes its datastore tables with it.
  if (!resource) return removeResource(db, resourceId);
  const jobId = crypto.randomUUID();
  const table = tableNameFor(resourceId);
  const stale = await startJob(db, resourceId, jobId, table, new Date().toISOString());
  const served = (await readEntry(db, resourceId))?.tableName;
  if (stale && stale !== served) await dropTables(db, siblingTables(stale));

  const report: IngestReport = { format: '', rows: 0, columns: [], warnings: [], errors: [], durationMs: 0 };
  const end = async (state: 'failed' | 'skipped', notice: Notice) => {
    (state === 'failed' ? report.errors : report.warnings).push(render(notice));
    report.durationMs = Date.now() - started;
    await dropTables(db, siblingTables(table));
    await finishJob(db, resourceId, jobId, state, report, new Date().toISOString());
  };

  try {
    if (!resource.fileKey) return await end('failed', { key: 'datastore.error.noFile' });
    report.format = resource.format;
    const kind = tabularKind(resource.format, resource.fileName);
    if (!kind) return await end('failed', { key: 'datastore.error.notTabular', params: { format: resource.format } });
    const maxBytes = Number(env.DATASTORE_MAX_BYTES) || DEFAULT_MAX_BYTES;
    const size = resource.sizeBytes ?? (await env.FILES.head(resource.fileKey))?.size ?? 0;
    if (size > maxBytes) return await end('failed', { key: 'datastore.error.tooLarge', params: { size, max: maxBytes } });

    const entry = await readEntry(db, resourceId);
    const opened = await openSource(env, kind, resource.fileKey, entry?.sheet ?? null);
    if ('skipped' in opened) return await end('skipped', opened.skipped);
    const source = opened;
    if (source.titles.length > MAX_COLUMNS) {
      return await end('failed', { key: 'datastore.error.tooManyColumns', params: { count: source.titles.length, max: MAX_COLUMNS } });
    }
    const { columns, notices: nameNotices } = normaliseColumns(source.titles);
    const inference = await inferWithFallback(source, columns);
    const inferred = Date.now();
    Object.assign(report, source.details);
    const fields: DatastoreField[] = columns.map((c, i) => ({ id: c.id, label: c.label, type: READING_TYPE[inference.readings[i]!] }));
    await progressStatement(db, resourceId, jobId, 0, inference.rows).run();

    const layout = layoutOf(table, fields);
    await db.batch(createStatements(layout, fields).map((sql) => db.prepare(sql)));
    const loaded = await load(env, resourceId, jobId, layout, source, inference, columns.length);
    const loadedAt = Date.now();

    const indexed = fields
      .map((f, i) => ({ f, s: inference.stats[i]! }))
      .filter(({ f, s }) => f.type !== 'geometry' && s.distinct !== null && s.nonNull > 0 && inference.rows > 1000)
      .slice(0, MAX_INDEXES);
    const ftsTable = layout.fts[0]?.content === table ? layout.fts[0].name : null;
    const finishing = indexed.map(({ f }, i) =>
      db.prepare(`CREATE INDEX ${quoteId(`${table}_i${i}`)} ON ${quoteId(layout.tables[layout.groupOf.get(f.id)!]!)} (${quoteId(f.id)})`));
    finishing.push(...ftsStatements(layout).map((sql) => db.prepare(sql)));
    if (finishing.length > 0) await db.batch(finishing);

    report.rows = loaded;
    report.columns = fields.map((f, i) => ({ ...f, nulls: loaded - inference.stats[i]!.nonNull }));
    report.warnings = [...nameNotices, ...source.notices, ...inference.notices].map((n) => render(n));
    report.durationMs = Date.now() - started;
    report.phasesMs = { infer: inferred - started, load: loadedAt - inferred, index: Date.now() - loadedAt };
    const { swapped, old } = await swapIn(db, resourceId, jobId, table, ftsTable, fields, loaded, resource.sha256, report, new Date().toISOString());
    await dropTables(db, swapped ? old : siblingTables(table));
    if (swapped && resource.datasetPublished) {
      await publishChange(env, await changeStatement(env.DB, 'datastore ready', { type: 'dataset', id: resource.datasetId }).run());
    }
  } catch (error) {
    if (error instanceof TabularError) return end('failed', error.notice);
    console.error('ingest error', resourceId, error);
    await end('failed', { key: 'datastore.error.internal' });
  }
}

/** Second pass: converted rows as multi-row INSERTs with inline literals, several statements per D1 batch. */
async function load(env: Env, resourceId: string, jobId: string, layout: Layout, source: TabularSource, inference: Inference, width: number): Promise<number> {
  const db = env.DATASTORE;
  const readings = inference.readings;
  let id = 0;
  // One INSERT per group table of a wide resource (datastore-layout.ts).
  const inserts = new RowInserts(layout, STATEMENT_BYTES);
  let statements: D1PreparedStatement[] = [];
  const flushStatement = () => {
    for (const sql of inserts.drain()) statements.push(db.prepare(sql));
  };
  // One batch in flight while the next is built: D1 writes while the Worker parses and converts.
  let inFlight: Promise<unknown> = Promise.resolve();
  const flushBatch = async () => {
    flushStatement();
    if (statements.length === 0) return;
    statements.push(progressStatement(db, resourceId, jobId, id, null));
    const sending = statements;
    statements = [];
    await inFlight;
    inFlight = db.batch(sending);
  };
  for await (const batch of source.rows()) {
    for (const { cells } of batch) {
      id++;
      const literals: string[] = new Array(width);
      for (let i = 0; i < width; i++) literals[i] = sqlLiteral(convert(cells[i] ?? null, readings[i]!));
      for (const sql of inserts.add(id, literals)) statements.push(db.prepare(sql));
      if (statements.length >= STATEMENTS_PER_BATCH) await flushBatch();
    }
  }
  await flushBatch();
  await inFlight;
  return id;
}
