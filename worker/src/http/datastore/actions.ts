// CKAN datastore actions: datastore_search, datastore_info and datastore_search_sql (ckan-compat §2.5), each
// reading rows only after can() allowed the caller on every resource involved.
import type { IRequest } from 'itty-router';
import type { Env } from '../../env';
import {
  delimitedText, MAX_LIMIT, ParamError, planSearch, resourceIdOf, searchSql, type DatastoreField, type GroupRead, type Params, type SearchPlan,
} from '../../domain/datastore-query';
import { CKAN_TYPE, sqlType, type ColumnType } from '../../domain/datastore-types';
import { parseQuery, rewriteQuery, SqlRefused } from '../../domain/datastore-sql';
import { layoutOf } from '../../domain/datastore-layout';
import { servedTables } from '../../store/datastore';
import {
  ActionError, failure, fromParamError, isTableGone, m, readableEntry, readParams, success, validation,
} from './common';

/** Time given to a user SQL query before the API answers with an error (D1 also stops queries on its own limit). */
const SQL_TIME_LIMIT_MS = 10_000;

type Handler = (request: IRequest, env: Env) => Promise<Response>;

function action(name: string, run: (request: IRequest, env: Env, params: Params) => Promise<unknown>): Handler {
  return async (request, env) => {
    try {
      return success(env, name, await run(request, env, await readParams(request)));
    } catch (error) {
      if (error instanceof ActionError) return failure(env, name, error);
      if (error instanceof ParamError) return failure(env, name, fromParamError(error));
      throw error;
    }
  };
}

export const ckanFields = (fields: readonly DatastoreField[]) =>
  fields.map((f) => (f.id === '_id' ? { id: '_id', type: 'int' } : { id: f.id, type: CKAN_TYPE[f.type], info: { label: f.label } }));

/** Booleans are stored as 0/1; CKAN clients read true/false. */
function outputValue(value: unknown, type: ColumnType): unknown {
  return type === 'boolean' && value !== null ? value === 1 : value;
}

export interface SearchOutcome {
  plan: SearchPlan;
  rows: unknown[][];
  total: number | null;
}

/** Runs a validated search; a table swapped away meanwhile is looked up again once. */
export async function runSearch(request: IRequest, env: Env, params: Params, extraKeys?: ReadonlySet<string>, afterId?: number): Promise<SearchOutcome> {
  const resourceId = resourceIdOf(params);
  for (let attempt = 0; ; attempt++) {
    const entry = await readableEntry(request, env, resourceId);
    const plan = planSearch(params, entry.fields, extraKeys);
    const query = searchSql(plan, entry.tableName, entry.fields, afterId);
    const wantsCount = plan.includeTotal && (Object.keys(plan.filters).length > 0 || plan.q !== null || plan.distinct);
    try {
      const [rows, count] = await Promise.all([
        query.groups ? readWide(env.DATASTORE, query.sql, query.values, query.groups, plan.fields) : env.DATASTORE.prepare(query.sql).bind(...query.values).raw(),
        wantsCount ? env.DATASTORE.prepare(query.countSql).bind(...query.countValues).first<{ total: number }>() : null,
      ]);
      const types = plan.fields.map((f) => f.type);
      const converted = types.includes('boolean') ? rows.map((r) => r.map((v, i) => outputValue(v, types[i]!))) : rows;
      return { plan, rows: converted, total: plan.includeTotal ? (count?.total ?? entry.rowCount) : null };
    } catch (error) {
      if (isTableGone(error) && attempt === 0) continue;
      if (/fts5|MATCH/i.test(String((error as Error).message))) {
        throw validation('q', m('datastore.param.badQuery', { detail: String((error as Error).message).replace(/^D1_ERROR:\s*/, '') }));
      }
      throw error;
    }
  }
}

/**
 * A page of more columns than one result set holds: the page's `_id`s first, then each group table's columns
 * for these ids in one batch (one consistent read), merged in the order of the ids.
 */
async function readWide(db: D1Database, sql: string, values: unknown[], groups: readonly GroupRead[], fields: readonly DatastoreField[]): Promise<unknown[][]> {
  const ids = (await db.prepare(sql).bind(...values).raw<[number]>()).map((r) => r[0]);
  if (ids.length === 0) return [];
  const position = new Map(ids.map((id, i) => [id, i]));
  const idPosition = fields.findIndex((f) => f.id === '_id');
  const rows: unknown[][] = ids.map((id) => fields.map((_, i) => (i === idPosition ? id : null)));
  const results = await db.batch(groups.map((g) => db.prepare(g.sql).bind(JSON.stringify(ids))));
  groups.forEach((g, k) => {
    for (const record of results[k]!.results as Record<string, unknown>[]) {
      const row = rows[position.get(record._id as number)!]!;
      const cells = Object.values(record);
      g.positions.forEach((p, j) => { row[p] = cells[j + 1]; });
    }
  });
  return rows;
}

function link(base: string, echo: Record<string, unknown>, offset: number): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(echo)) {
    if (key === 'offset' || value === undefined) continue;
    query.set(key, typeof value === 'object' ? JSON.stringify(value) : String(value));
  }
  if (offset > 0) query.set('offset', String(offset));
  return `${base}?${query}`;
}

export const datastoreSearch = action('datastore_search', async (request, env, params) => {
  const { plan, rows, total } = await runSearch(request, env, params);
  let records: unknown;
  if (plan.recordsFormat === 'lists') records = rows;
  else if (plan.recordsFormat === 'csv' || plan.recordsFormat === 'tsv') records = delimitedText(rows, plan.recordsFormat === 'csv' ? ',' : '\t');
  else records = rows.map((r) => Object.fromEntries(plan.fields.map((f, i) => [f.id, r[i]])));
  const base = new URL(request.url).pathname;
  const links: Record<string, string> = { start: link(base, plan.echo, 0), next: link(base, plan.echo, plan.offset + plan.limit) };
  if (plan.offset > 0) links.prev = link(base, plan.echo, Math.max(0, plan.offset - plan.limit));
  return {
    ...plan.echo,
    fields: ckanFields(plan.fields),
    records,
    _links: links,
    ...(total !== null ? { total, total_was_estimated: false } : {}),
  };
});

export const datastoreInfo = action('datastore_info', async (request, env, params) => {
  for (const key of Object.keys(params)) if (key !== 'resource_id' && key !== 'id') throw new ParamError(key, { key: 'datastore.param.unknown' });
  const resourceId = resourceIdOf(params);
  const entry = await readableEntry(request, env, resourceId);
  const tables = layoutOf(entry.tableName, entry.fields).tables;
  const indexes = await env.DATASTORE.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN (SELECT value FROM json_each(?))")
    .bind(JSON.stringify(tables)).all<{ name: string; sql: string | null }>();
  const indexOf = (id: string) => indexes.results.find((i) => i.sql?.endsWith(`("${id}")`))?.name ?? null;
  return {
    meta: { id: resourceId, count: entry.rowCount, table_type: 'BASE TABLE', aliases: [], ingested_at: entry.ingestedAt },
    fields: entry.fields.map((f) => ({
      id: f.id, type: CKAN_TYPE[f.type], info: { label: f.label },
      schema: { native_type: sqlType(f.type), index_name: indexOf(f.id), is_index: indexOf(f.id) !== null, notnull: false, uniquekey: false },
    })),
  };
});

function typeOfValue(value: unknown): string {
  return typeof value === 'number' ? (Number.isInteger(value) ? 'int' : 'numeric') : 'text';
}

export const datastoreSearchSql = action('datastore_search_sql', async (request, env, params) => {
  for (const key of Object.keys(params)) if (key !== 'sql') throw new ParamError(key, { key: 'datastore.param.unknown' });
  if (typeof params.sql !== 'string') throw new ParamError('sql', { key: 'datastore.param.missing' });
  const refused = <T>(run: () => T): T => {
    try {
      return run();
    } catch (error) {
      if (error instanceof SqlRefused) throw validation('query', m(error.notice.key, error.notice.params));
      throw error;
    }
  };
  const parsed = refused(() => parseQuery(params.sql as string));
  const fieldTypes = new Map<string, ColumnType>();
  const fieldsOf = new Map<string, DatastoreField[]>();
  for (const id of parsed.resourceIds) {
    const entry = await readableEntry(request, env, id);
    fieldsOf.set(id, entry.fields);
    for (const f of entry.fields) fieldTypes.set(f.id, f.type);
  }
  const served = await servedTables(env.DATASTORE, parsed.resourceIds);
  for (const id of parsed.resourceIds) if (!served.has(id)) throw validation('query', m('datastore.sql.unknownTable', { name: id }));
  // The fields read above belong to the table served then; a swap in between is caught as a failed query.
  const tables = new Map([...served].map(([id, table]) => [id, { table, fields: fieldsOf.get(id)! }]));
  const { sql, columns: packed } = refused(() => rewriteQuery(parsed, tables, MAX_LIMIT + 1));
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(validation('query', m('datastore.sql.timeout', { seconds: SQL_TIME_LIMIT_MS / 1000 }))), SQL_TIME_LIMIT_MS);
  });
  let result: unknown[][];
  try {
    result = await Promise.race([env.DATASTORE.prepare(sql).raw({ columnNames: true }), timeout]);
  } catch (error) {
    if (error instanceof ActionError) throw error;
    throw validation('query', m('datastore.sql.failed', { detail: String((error as Error).message).replace(/^D1_ERROR:\s*/, '').replace(/ds_\w+/g, 'table') }));
  } finally {
    clearTimeout(timer);
  }
  let [names = [], ...rows] = result as [string[], ...unknown[][]];
  if (packed) {
    names = packed;
    rows = rows.map((r) => r.flatMap((cell) => JSON.parse(cell as string) as unknown[]));
  }
  const truncated = rows.length > MAX_LIMIT;
  const kept = truncated ? rows.slice(0, MAX_LIMIT) : rows;
  const fields = names.map((name, i) => {
    const known = fieldTypes.get(name);
    const sample = kept.find((r) => r[i] !== null)?.[i];
    return { id: name, type: known ? CKAN_TYPE[known] : typeOfValue(sample) };
  });
  return {
    sql: params.sql,
    fields,
    records: kept.map((r) => Object.fromEntries(names.map((name, i) => [name, r[i]]))),
    ...(truncated ? { records_truncated: true } : {}),
  };
});
