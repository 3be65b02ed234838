// datastore_search as CKAN defines it (ckanext-datastore 2.11): parameter validation and the SQL it runs.
// Identifiers only ever come from the resource's own field list; values are bound.
import { quoteId } from './datastore-columns';
import { layoutOf, MAX_RESULT_COLUMNS } from './datastore-layout';
import { readAs, type ColumnType, type Notice } from './datastore-types';

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 32000;
/** D1 binds at most 100 values per statement; filters use the rest after LIMIT/OFFSET and the text query. */
const MAX_FILTER_VALUES = 90;

export interface DatastoreField {
  id: string;
  label: string;
  type: ColumnType;
}

export type RecordsFormat = 'objects' | 'lists' | 'csv' | 'tsv';

export interface SortItem {
  id: string;
  /** `ASC`, `DESC`, `NULLS FIRST`… as validated. */
  order: string;
}

export interface SearchPlan {
  resourceId: string;
  fields: DatastoreField[];
  filters: Record<string, unknown>;
  q: string | Record<string, string> | null;
  plain: boolean;
  distinct: boolean;
  sort: SortItem[] | null;
  limit: number;
  offset: number;
  includeTotal: boolean;
  recordsFormat: RecordsFormat;
  /** Echoed validated parameters (CKAN returns them in the result). */
  echo: Record<string, unknown>;
}

/** A parameter problem, reported as CKAN's Validation Error `{field: [message]}`. */
export class ParamError extends Error {
  constructor(readonly field: string, readonly notice: Notice) {
    super(notice.key);
  }
}

export type Params = Record<string, unknown>;

const SEARCH_KEYS = new Set(['resource_id', 'id', 'filters', 'q', 'full_text', 'plain', 'language', 'distinct', 'limit', 'offset',
  'fields', 'sort', 'include_total', 'total_estimation_threshold', 'records_format']);

function bool(params: Params, key: string, fallback: boolean): boolean {
  const value = params[key];
  if (value === undefined || value === null || value === '') return fallback;
  if (typeof value === 'boolean') return value;
  const text = String(value).toLowerCase();
  if (['true', '1', 'yes', 'on', 't', 'y'].includes(text)) return true;
  if (['false', '0', 'no', 'off', 'f', 'n'].includes(text)) return false;
  throw new ParamError(key, { key: 'datastore.param.boolean' });
}

function integer(params: Params, key: string, fallback: number): number {
  const value = params[key];
  if (value === undefined || value === null || value === '') return fallback;
  const n = typeof value === 'number' ? value : /^\s*\d+\s*$/.test(String(value)) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 0) throw new ParamError(key, { key: 'datastore.param.integer' });
  return n;
}

function jsonObject(params: Params, key: string): Record<string, unknown> | null {
  let value = params[key];
  if (value === undefined || value === null || value === '') return null;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      throw new ParamError(key, { key: 'datastore.param.json' });
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ParamError(key, { key: 'datastore.param.json' });
  return value as Record<string, unknown>;
}

export function resourceIdOf(params: Params): string {
  const id = params.resource_id ?? params.id;
  if (typeof id !== 'string' || id.trim() === '') throw new ParamError('resource_id', { key: 'datastore.param.missing' });
  return id.trim();
}

/** Fields and sort given as a list or a comma-separated string. */
function list(value: unknown): string[] | null {
  if (value === undefined || value === null || value === '') return null;
  const items = Array.isArray(value) ? value.map(String) : String(value).split(',');
  return items.map((s) => s.trim()).filter((s) => s !== '');
}

const ID_FIELD: DatastoreField = { id: '_id', label: '_id', type: 'integer' };

/** Validates datastore_search parameters against the resource's columns. */
export function planSearch(params: Params, columns: readonly DatastoreField[], extraKeys: ReadonlySet<string> = new Set()): SearchPlan {
  for (const key of Object.keys(params)) {
    if (!SEARCH_KEYS.has(key) && !extraKeys.has(key)) throw new ParamError(key, { key: 'datastore.param.unknown' });
  }
  const all = [ID_FIELD, ...columns];
  const byId = new Map(all.map((f) => [f.id, f]));
  const known = (name: string, key: string) => {
    const field = byId.get(name);
    if (!field) throw new ParamError(key, { key: 'datastore.param.unknownField', params: { name } });
    return field;
  };
  const distinct = bool(params, 'distinct', false);
  const requested = list(params.fields);
  const fields = requested ? requested.map((name) => known(name, 'fields')) : distinct ? [...columns] : all;

  const filters = jsonObject(params, 'filters') ?? {};
  let bound = 0;
  for (const [name, value] of Object.entries(filters)) {
    const field = known(name, 'filters');
    for (const v of Array.isArray(value) ? value : [value]) {
      bound++;
      if (v === null) continue;
      if (!['string', 'number', 'boolean'].includes(typeof v) || readAs(v as string, field.type) === undefined) {
        throw new ParamError('filters', { key: 'datastore.param.filterValue', params: { name, value: String(v) } });
      }
    }
  }
  if (bound > MAX_FILTER_VALUES) throw new ParamError('filters', { key: 'datastore.param.tooManyFilters', params: { max: MAX_FILTER_VALUES } });

  let q: SearchPlan['q'] = null;
  const rawQ = params.q ?? params.full_text;
  if (typeof rawQ === 'string' && rawQ.trim().startsWith('{')) {
    q = jsonObject({ q: rawQ }, 'q') as Record<string, string>;
  } else if (typeof rawQ === 'object' && rawQ !== null && !Array.isArray(rawQ)) {
    q = rawQ as Record<string, string>;
  } else if (rawQ !== undefined && rawQ !== null && String(rawQ).trim() !== '') {
    q = String(rawQ);
  }
  if (q && typeof q === 'object') {
    for (const [name, term] of Object.entries(q)) {
      const field = known(name, 'q');
      if (field.type !== 'text') throw new ParamError('q', { key: 'datastore.param.qNotText', params: { name } });
      if (typeof term !== 'string') throw new ParamError('q', { key: 'datastore.param.json' });
    }
  }

  let sort: SortItem[] | null = null;
  const sortItems = list(params.sort);
  if (sortItems) {
    sort = sortItems.map((item) => {
      const m = /^"?([^"\s]+)"?(?:\s+(asc|desc))?(?:\s+nulls\s+(first|last))?$/i.exec(item);
      if (!m) throw new ParamError('sort', { key: 'datastore.param.sort', params: { item } });
      const field = known(m[1]!, 'sort');
      return { id: field.id, order: [m[2]?.toUpperCase(), m[3] ? `NULLS ${m[3].toUpperCase()}` : undefined].filter(Boolean).join(' ') };
    });
  }
  // DISTINCT runs in one SELECT, which D1 limits to 100 columns.
  if (distinct && fields.length > MAX_RESULT_COLUMNS) {
    throw new ParamError('fields', { key: 'datastore.param.distinctTooWide', params: { count: fields.length, max: MAX_RESULT_COLUMNS } });
  }

  const format = String(params.records_format ?? 'objects');
  if (!['objects', 'lists', 'csv', 'tsv'].includes(format)) throw new ParamError('records_format', { key: 'datastore.param.recordsFormat' });

  const plan: SearchPlan = {
    resourceId: resourceIdOf(params),
    fields,
    filters,
    q,
    plain: bool(params, 'plain', true),
    distinct,
    sort,
    limit: Math.min(integer(params, 'limit', DEFAULT_LIMIT), MAX_LIMIT),
    offset: integer(params, 'offset', 0),
    includeTotal: bool(params, 'include_total', true),
    recordsFormat: format as RecordsFormat,
    echo: {},
  };
  for (const key of SEARCH_KEYS) if (params[key] !== undefined && key !== 'id') plan.echo[key] = params[key];
  plan.echo.resource_id = plan.resourceId;
  plan.echo.limit = plan.limit;
  return plan;
}

/** A free text query as FTS5 syntax: `plain` quotes every word (all must appear), otherwise FTS5 syntax as given. */
export function ftsQuery(q: string, plain: boolean): string {
  if (!plain) return q;
  return q.split(/\s+/).filter((w) => w !== '').map((w) => `"${w.replace(/"/g, '""')}"`).join(' ');
}

export interface SearchSql {
  sql: string;
  values: unknown[];
  countSql: string;
  countValues: unknown[];
  /**
   * Set when the requested fields are more than one result set holds (wide resources): `sql` then returns the
   * page's `_id`s only, and each group table's fields are read by these statements (bound to the ids as a JSON
   * array) and merged by `_id` in the order of `sql`.
   */
  groups: GroupRead[] | null;
}

export interface GroupRead {
  sql: string;
  /** Positions in `plan.fields` of the columns after `_id`. */
  positions: number[];
}

/**
 * The SELECT (and its COUNT) for a plan against a datastore table, its group tables (datastore-layout.ts) and
 * their full-text indexes. Every column is qualified by its table's alias (`t0` the main table, `t1`… the groups),
 * and only the groups a query touches are joined. `afterId` pages an export by `_id` instead of OFFSET (only
 * without a sort).
 */
export function searchSql(plan: SearchPlan, table: string, columns: readonly DatastoreField[], afterId?: number): SearchSql {
  const layout = layoutOf(table, columns);
  const types = new Map([[ID_FIELD.id, ID_FIELD.type], ...columns.map((c) => [c.id, c.type] as const)]);
  const groupOf = (id: string) => layout.groupOf.get(id)!;
  const col = (id: string) => `t${groupOf(id)}.${quoteId(id)}`;
  const from = (ids: Iterable<string>) => {
    const groups = [...new Set([...ids].map(groupOf))].filter((g) => g > 0).sort((a, b) => a - b);
    return `${quoteId(table)} AS t0${groups.map((g) => ` JOIN ${quoteId(layout.tables[g]!)} AS t${g} ON t${g}._id = t0._id`).join('')}`;
  };
  const where: string[] = [];
  const values: unknown[] = [];
  for (const [name, value] of Object.entries(plan.filters)) {
    const type = types.get(name)!;
    const items = (Array.isArray(value) ? value : [value]) as Array<string | number | boolean | null>;
    const present = items.filter((v) => v !== null).map((v) => readAs(v!, type));
    const parts: string[] = [];
    if (present.length === 1) parts.push(`${col(name)} = ?`);
    else if (present.length > 1) parts.push(`${col(name)} IN (${present.map(() => '?').join(', ')})`);
    if (items.some((v) => v === null)) parts.push(`${col(name)} IS NULL`);
    values.push(...present);
    where.push(parts.length === 1 ? parts[0]! : `(${parts.join(' OR ')})`);
  }
  // A narrow table's query is bound; with several FTS tables it is written as a literal, so it takes one bound
  // value less, whatever the width (D1 binds at most 100).
  const matchOperand = (match: string) => {
    if (layout.fts.length === 1) {
      values.push(match);
      return '?';
    }
    return `'${match.replace(/\u0000/g, '').replace(/'/g, "''")}'`;
  };
  if (plan.q !== null) {
    if (layout.fts.length === 0) {
      where.push('0');
    } else if (typeof plan.q === 'string') {
      // Each FTS table indexes up to 90 text columns of one group: a row matches when one of them matches.
      const operand = matchOperand(ftsQuery(plan.q, plan.plain));
      where.push(`t0._id IN (${layout.fts.map((f) => `SELECT rowid FROM ${quoteId(f.name)} WHERE ${quoteId(f.name)} MATCH ${operand}`).join(' UNION ')})`);
    } else {
      for (const f of layout.fts) {
        const terms = Object.entries(plan.q).filter(([name]) => f.columns.includes(name));
        if (terms.length === 0) continue;
        const operand = matchOperand(terms.map(([name, term]) => `${name} : (${ftsQuery(term, plan.plain)})`).join(' AND '));
        where.push(`t0._id IN (SELECT rowid FROM ${quoteId(f.name)} WHERE ${quoteId(f.name)} MATCH ${operand})`);
      }
    }
  }
  const filterIds = Object.keys(plan.filters);
  const countWhere = where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '';
  const countValues = [...values];
  if (afterId !== undefined) {
    where.push('t0._id > ?');
    values.push(afterId);
  }
  const whereSql = where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '';
  const sortIds = (plan.sort ?? []).map((s) => s.id);
  const order = plan.sort ? plan.sort.map((s) => [col(s.id), s.order].filter(Boolean).join(' ')).join(', ') : plan.distinct ? null : 't0._id';
  const orderSql = order ? ` ORDER BY ${order}` : '';
  const fieldIds = plan.fields.map((f) => f.id);
  const columnsSql = fieldIds.map(col).join(', ');
  const countSql = plan.distinct
    ? `SELECT count(*) AS total FROM (SELECT DISTINCT ${columnsSql} FROM ${from([...fieldIds, ...filterIds])}${countWhere})`
    : `SELECT count(*) AS total FROM ${from(filterIds)}${countWhere}`;
  if (plan.fields.length <= MAX_RESULT_COLUMNS) {
    const sql = `SELECT ${plan.distinct ? 'DISTINCT ' : ''}${columnsSql} FROM ${from([...fieldIds, ...filterIds, ...sortIds])}${whereSql}${orderSql} LIMIT ? OFFSET ?`;
    return { sql, values: [...values, plan.limit, plan.offset], countSql, countValues, groups: null };
  }
  const sql = `SELECT t0._id FROM ${from([...filterIds, ...sortIds])}${whereSql}${orderSql} LIMIT ? OFFSET ?`;
  const groups = layout.tables.flatMap((groupName, g) => {
    const positions = plan.fields.flatMap((f, i) => (f.id !== '_id' && groupOf(f.id) === g ? [i] : []));
    if (positions.length === 0) return [];
    return [{
      sql: `SELECT _id, ${positions.map((i) => quoteId(plan.fields[i]!.id)).join(', ')} FROM ${quoteId(groupName)} WHERE _id IN (SELECT value FROM json_each(?))`,
      positions,
    }];
  });
  return { sql, values: [...values, plan.limit, plan.offset], countSql, countValues, groups };
}

/** CSV or TSV text of rows, without a header (CKAN's records_format=csv/tsv). */
export function delimitedText(rows: readonly unknown[][], delimiter: ',' | '\t'): string {
  const cell = (v: unknown) => {
    if (v === null || v === undefined) return '';
    const s = String(v);
    return /[",\t\r\n]/.test(s) || (delimiter === ',' && s.includes(',')) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return rows.map((row) => row.map(cell).join(delimiter)).join('\n') + (rows.length > 0 ? '\n' : '');
}
