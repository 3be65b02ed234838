// Ingest job: loads a tabular resource's file from R2 into a new DATASTORE table, then swaps it in. One pass over
// the source in the usual case: the first rows give the column types, and every row is then both learnt from (for
// the report and to check those types) and inserted in batches of multi-row INSERTs, progress written with each
// batch. When the whole file's types differ from the first rows', a second pass loads it again with them. Any
// failure leaves the previous table served.
import type { Env } from '../env';
import { sendJob, type JobMessage } from '../store/queue';
import { normaliseColumns, quoteId, type Column } from '../domain/datastore-columns';
import { createStatements, ftsStatements, layoutOf, MAX_COLUMNS, RowInserts, siblingTables, type Layout } from '../domain/datastore-layout';
import { cellLiteral, ColumnStats, READING_TYPE, type Example, type Notice, type Reading } from '../domain/datastore-types';
import { csvSource, EncodingMismatch, excelSource, geojsonSource, jsonSource, tabularKind, type SourceRow, type TabularSource } from '../domain/datastore-sources';
import { TabularError } from '../domain/datastore-text';
import type { DatastoreField } from '../domain/datastore-query';
import {
  dropTables, findIngestable, finishJob, markQueued, progressStatement, readEntry, removeResource, startJob, swapIn, type IngestReport,
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
export async function enqueueIngest(env: Pick<Env, 'JOBS' | 'DATASTORE' | 'DB'>, resourceId: string): Promise<void> {
  await markQueued(env.DATASTORE, resourceId);
  await sendJob(env, { type: 'ingest', resourceId });
}

/** For the publishing forms and syncs: a resource whose file is tabular is (re)loaded, or emptied once deleted. */
export async function ingestIfTabular(env: Pick<Env, 'JOBS' | 'DATASTORE' | 'DB'>, resourceId: string, format: string, fileName: string | null): Promise<void> {
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

async function openSource(env: Env, kind: NonNullable<ReturnType<typeof tabularKind>>, fileKey: string, size: number, sheet: string | null): Promise<TabularSource | { skipped: Notice }> {
  const object = async () => {
    const found = await env.FILES.get(fileKey);
    if (!found) throw new TabularError({ key: 'datastore.error.noFile' });
    return found;
  };
  switch (kind) {
    case 'csv':
      return csvSource(async () => (await object()).body, size);
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

/** What reading the rows teaches: types, row count and the report's findings. */
class Inferrer {
  readonly stats: ColumnStats[];
  rows = 0;
  private readonly short: Example[] = [];
  private readonly long: Example[] = [];
  private shortCount = 0;
  private longCount = 0;

  constructor(private readonly width: number, private readonly geometryColumn: number | null) {
    this.stats = Array.from({ length: width }, () => new ColumnStats());
  }

  add({ cells, line }: SourceRow): void {
    this.rows++;
    const width = this.width;
    if (cells.length !== width) {
      const sample = { line, value: `${cells.length} valeurs` };
      if (cells.length < width) {
        if (this.shortCount++ < 3) this.short.push(sample);
      } else if (this.longCount++ < 3) {
        this.long.push(sample);
      }
    }
    for (let i = 0; i < width; i++) this.stats[i]!.add(cells[i] ?? null, line);
  }

  readings(): Reading[] {
    return this.stats.map((s, i) => (i === this.geometryColumn ? 'geometry' : s.reading()));
  }

  finish(columns: Column[]): Inference {
    const notices: Notice[] = [];
    if (this.shortCount > 0) notices.push({ key: 'datastore.warning.raggedShort', params: { count: this.shortCount, examples: examples(this.short) } });
    if (this.longCount > 0) notices.push({ key: 'datastore.warning.raggedLong', params: { count: this.longCount, examples: examples(this.long) } });
    const readings = this.readings();
    this.stats.forEach((s, i) => {
      const column = columns[i]!.label;
      if (readings[i] !== 'text' && s.markers > 0) {
        notices.push({ key: 'datastore.warning.nullMarkers', params: { column, count: s.markers, examples: examples(s.markerExamples) } });
      }
      const mixed = i === this.geometryColumn ? null : s.mixed();
      if (mixed) {
        notices.push({ key: 'datastore.warning.mixed', params: { column, type: t('fr', `datastore.type.${READING_TYPE[mixed.reading]}`), examples: examples(mixed.examples) } });
      }
    });
    if (this.rows === 0) notices.push({ key: 'datastore.warning.noRows' });
    return { readings, stats: this.stats, rows: this.rows, notices };
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
    const opened = await openSource(env, kind, resource.fileKey, size, entry?.sheet ?? null);
    if ('skipped' in opened) return await end('skipped', opened.skipped);
    const source = opened;
    if (source.titles.length > MAX_COLUMNS) {
      return await end('failed', { key: 'datastore.error.tooManyColumns', params: { count: source.titles.length, max: MAX_COLUMNS } });
    }
    const { columns, notices: nameNotices } = normaliseColumns(source.titles);
    const target: LoadTarget = { db, resourceId, jobId };
    const read = await withEncodingFallback(source, () => loadInOnePass(target, table, source, columns), () => dropTables(db, siblingTables(table)));
    const { inference } = read;
    let loaded = read.loaded;
    const readAt = Date.now();
    Object.assign(report, source.details);
    const fields = fieldsOf(columns, inference.readings);
    const layout = layoutOf(table, fields);
    const reload = inference.readings.some((r, i) => r !== read.guess[i]);
    if (reload) {
      // The first rows' types did not hold for the whole file: load again with the types the whole file has.
      await dropTables(db, siblingTables(table));
      await createTables(db, layout, fields);
      loaded = await loadAgain(target, layout, source, inference.readings, inference.rows);
    }
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
    report.phasesMs = { read: readAt - started, reload: reload ? loadedAt - readAt : 0, index: Date.now() - loadedAt };
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

/** Where a load writes: the resource's job (for progress) in the DATASTORE database. */
interface LoadTarget {
  db: D1Database;
  resourceId: string;
  jobId: string;
}

const fieldsOf = (columns: Column[], readings: Reading[]): DatastoreField[] =>
  columns.map((c, i) => ({ id: c.id, label: c.label, type: READING_TYPE[readings[i]!] }));

async function createTables(db: D1Database, layout: Layout, fields: DatastoreField[]): Promise<void> {
  await db.batch(createStatements(layout, fields).map((sql) => db.prepare(sql)));
}

/**
 * Rows written as multi-row INSERTs with inline literals into every table of the layout, several statements per
 * D1 batch, the progress with each batch. One batch is in flight while the next is built.
 */
class TableWriter {
  rows = 0;
  private readonly inserts: RowInserts;
  /** One row's literals, reused: RowInserts reads them at once. */
  private readonly literals: string[];
  private inFlight: Promise<unknown> = Promise.resolve();

  constructor(private readonly target: LoadTarget, layout: Layout, private readonly readings: readonly Reading[],
    private readonly estimateRows: (rows: number) => number | null) {
    this.inserts = new RowInserts(layout, STATEMENT_BYTES);
    this.literals = new Array<string>(readings.length);
  }

  /** Adds a row; true when a batch is ready to `flush()`. */
  add(cells: ReadonlyArray<string | null>): boolean {
    const { readings, literals } = this;
    for (let i = 0; i < readings.length; i++) literals[i] = cellLiteral(cells[i] ?? null, readings[i]!);
    this.inserts.add(++this.rows, literals);
    return this.inserts.full.length >= STATEMENTS_PER_BATCH;
  }

  async flush(): Promise<void> {
    const { db, resourceId, jobId } = this.target;
    const sending = this.inserts.drain().map((sql) => db.prepare(sql));
    if (sending.length === 0) return;
    sending.push(progressStatement(db, resourceId, jobId, this.rows, this.estimateRows(this.rows)));
    await this.inFlight;
    this.inFlight = db.batch(sending);
  }

  async finish(): Promise<number> {
    await this.flush();
    await this.inFlight;
    return this.rows;
  }

  /** Waits for the batch in flight, whatever its outcome (before the tables are dropped after a failure). */
  async settle(): Promise<void> {
    await this.inFlight.catch(() => undefined);
  }
}

/** Rows the types of the one-pass load are guessed from; the whole file's types are still checked against them. */
const GUESS_ROWS = 2000;

/**
 * One pass over the source: the first rows give the tables' types, then every row is both learnt from and
 * loaded. When the whole file's types turn out to differ, the caller loads it again with them.
 */
async function loadInOnePass(target: LoadTarget, table: string, source: TabularSource, columns: Column[]): Promise<{ inference: Inference; guess: Reading[]; loaded: number }> {
  const inferrer = new Inferrer(columns.length, source.geometryColumn);
  const first: SourceRow[] = [];
  let writer: TableWriter | null = null;
  let guess: Reading[] = [];
  const start = async (): Promise<TableWriter> => {
    guess = inferrer.readings();
    const fields = fieldsOf(columns, guess);
    const layout = layoutOf(table, fields);
    await createTables(target.db, layout, fields);
    const started = new TableWriter(target, layout, guess, (rows) => source.estimateRows(rows));
    for (const row of first) if (started.add(row.cells)) await started.flush();
    first.length = 0;
    return started;
  };
  try {
    for await (const batch of source.rows()) {
      for (const row of batch) {
        inferrer.add(row);
        if (writer) {
          if (writer.add(row.cells)) await writer.flush();
        } else {
          first.push(row);
          if (first.length === GUESS_ROWS) writer = await start();
        }
      }
    }
    writer ??= await start();
    const loaded = await writer.finish();
    return { inference: inferrer.finish(columns), guess, loaded };
  } catch (error) {
    await writer?.settle();
    throw error;
  }
}

/** The second pass, when the first rows misled the types. */
async function loadAgain(target: LoadTarget, layout: Layout, source: TabularSource, readings: Reading[], total: number): Promise<number> {
  const writer = new TableWriter(target, layout, readings, () => total);
  for await (const batch of source.rows()) {
    for (const { cells } of batch) if (writer.add(cells)) await writer.flush();
  }
  return writer.finish();
}

/** A file sniffed as UTF-8 that turns out not to be is read again, from the start, in Windows-1252. */
async function withEncodingFallback<T>(source: TabularSource, run: () => Promise<T>, reset: () => Promise<void>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof EncodingMismatch && source.fallbackEncoding?.())) throw error;
    await reset();
    return run();
  }
}
