// Chart builder rules: which columns may go on each axis, and the one SELECT (run through datastore_search_sql,
// so the sandbox and can() apply) that computes the points. Shared by the explorer island, the saved-view endpoint
// and the tests; every refusal is a French message key.
import type { DatastoreField } from './datastore-query';
import type { Notice } from './datastore-types';
import type { MessageKey } from '../i18n';

export const CHART_TYPES = ['bar', 'line', 'area', 'scatter', 'pie'] as const;
export type ChartType = (typeof CHART_TYPES)[number];
export const AGGREGATIONS = ['none', 'sum', 'avg', 'count', 'min', 'max'] as const;
export type Aggregation = (typeof AGGREGATIONS)[number];

export const MAX_SERIES = 5;
/** Categories drawn when values are grouped: past that a chart is unreadable (the grid is there for the rest). */
export const MAX_CATEGORIES = 200;
/** Points drawn without grouping. */
export const MAX_POINTS = 2000;

export interface ChartSpec {
  type: ChartType;
  x: string;
  /** Columns on the y axis; empty only with `count` (rows per category). */
  series: string[];
  aggregation: Aggregation;
}

const NUMERIC = new Set(['integer', 'decimal']);

export class ChartRefused extends Error {
  constructor(readonly notice: Notice) {
    super(notice.key);
  }
}

const refuse = (key: MessageKey, params?: Notice['params']): never => {
  throw new ChartRefused({ key, params });
};

/** A spec checked against the resource's columns (as sent by a browser: anything may be wrong). */
export function checkChart(raw: unknown, fields: readonly DatastoreField[]): ChartSpec {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return refuse('datastore.chart.invalid');
  const input = raw as Record<string, unknown>;
  const type = input.type as ChartType;
  if (!CHART_TYPES.includes(type)) return refuse('datastore.chart.type');
  const aggregation = (input.aggregation ?? 'none') as Aggregation;
  if (!AGGREGATIONS.includes(aggregation)) return refuse('datastore.chart.aggregation');
  const byId = new Map(fields.map((f) => [f.id, f]));
  const x = byId.get(String(input.x ?? ''));
  if (!x || x.type === 'geometry') return refuse('datastore.chart.x');
  if (!Array.isArray(input.series) || input.series.some((s) => typeof s !== 'string')) return refuse('datastore.chart.invalid');
  const series = [...new Set(input.series as string[])];
  if (series.length > MAX_SERIES) return refuse('datastore.chart.tooManySeries', { max: MAX_SERIES });
  if (series.length === 0 && aggregation !== 'count') return refuse('datastore.chart.noSeries');
  for (const id of series) {
    const field = byId.get(id);
    if (!field) return refuse('datastore.chart.unknownColumn', { name: id });
    // Counting works on any column; every other computation needs numbers.
    if (aggregation !== 'count' && !NUMERIC.has(field.type)) return refuse('datastore.chart.notNumeric', { name: field.label });
  }
  if (type === 'pie') {
    if (aggregation === 'none') return refuse('datastore.chart.pieNeedsGroup');
    if (series.length > 1) return refuse('datastore.chart.pieOneSeries');
  }
  if (type === 'scatter' && !NUMERIC.has(x.type)) return refuse('datastore.chart.scatterX', { name: x.label });
  return { type, x: x.id, series, aggregation };
}

const quote = (id: string) => `"${id.replace(/"/g, '""')}"`;
/** Result column of the n-th series (user column names could collide with anything else). */
export const seriesAlias = (n: number) => `s${n}`;

/** Bars and pies read best largest first; lines, areas and scatters follow the x axis. */
const byValue = (spec: ChartSpec) => spec.aggregation !== 'none' && (spec.type === 'bar' || spec.type === 'pie');

/** The query computing the chart's points: x as `x`, each series as s0, s1… */
export function chartSql(spec: ChartSpec, resourceId: string): string {
  const x = quote(spec.x);
  const table = quote(resourceId);
  if (spec.aggregation === 'none') {
    const ys = spec.series.map((s, i) => `${quote(s)} AS ${seriesAlias(i)}`).join(', ');
    return `SELECT ${x} AS x, ${ys} FROM ${table} WHERE ${x} IS NOT NULL ORDER BY ${x} LIMIT ${MAX_POINTS}`;
  }
  const ys = spec.series.length === 0
    ? `count(*) AS ${seriesAlias(0)}`
    : spec.series.map((s, i) => `${spec.aggregation}(${quote(s)}) AS ${seriesAlias(i)}`).join(', ');
  const order = byValue(spec) ? `${seriesAlias(0)} DESC` : 'x';
  return `SELECT ${x} AS x, ${ys} FROM ${table} WHERE ${x} IS NOT NULL GROUP BY ${x} ORDER BY ${order} LIMIT ${MAX_CATEGORIES}`;
}

/** Rows of the query's answer as labels and one array of numbers per series. */
export function chartData(spec: ChartSpec, records: ReadonlyArray<Record<string, unknown>>): { labels: string[]; values: Array<Array<number | null>> } {
  const count = Math.max(1, spec.series.length);
  const labels = records.map((r) => String(r.x));
  const values = Array.from({ length: count }, (_, i) => records.map((r) => {
    const v = r[seriesAlias(i)];
    return typeof v === 'number' && Number.isFinite(v) ? v : null;
  }));
  return { labels, values };
}

/** The saved default view of a resource, as stored and as sent to the explorer. */
export interface SavedView {
  chart: ChartSpec;
  title: string;
}

export const MAX_VIEW_TITLE = 120;

export function checkView(raw: unknown, fields: readonly DatastoreField[]): SavedView {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return refuse('datastore.chart.invalid');
  const input = raw as Record<string, unknown>;
  const title = typeof input.title === 'string' ? input.title.trim() : '';
  if (title.length > MAX_VIEW_TITLE) return refuse('datastore.chart.titleTooLong', { max: MAX_VIEW_TITLE });
  return { chart: checkChart(input.chart, fields), title };
}
