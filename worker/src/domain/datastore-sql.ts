// Sandbox of datastore_search_sql. The query is parsed by node-sql-parser (SQLite grammar), checked node by
// node against an allow-list, and the SQL that runs is regenerated from the checked tree with table names
// replaced: comments, second statements and anything the parser did not understand never reach SQLite.
import { Parser } from 'node-sql-parser/build/sqlite';
import type { Notice } from './datastore-types';
import { GROUP_COLUMNS, layoutOf, MAX_RESULT_COLUMNS, type Layout, type LayoutField } from './datastore-layout';

const parser = new Parser();
const OPTIONS = { database: 'sqlite' };

export const MAX_SQL_LENGTH = 8000;
/** Table references in one query (joins and subqueries included): enough for real use, not for cross-join bombs. */
export const MAX_TABLE_REFERENCES = 4;

/** Scalar and aggregate functions without side effects or unbounded output (no printf, zeroblob, randomblob…); the parser reads EXISTS as one. */
export const ALLOWED_FUNCTIONS: ReadonlySet<string> = new Set([
  'exists', 'abs', 'avg', 'count', 'max', 'min', 'sum', 'total', 'group_concat', 'string_agg',
  'lower', 'upper', 'length', 'substr', 'substring', 'trim', 'ltrim', 'rtrim', 'replace', 'instr', 'round',
  'coalesce', 'ifnull', 'nullif', 'iif', 'typeof', 'hex', 'unicode', 'sign', 'ceil', 'ceiling', 'floor', 'trunc',
  'date', 'time', 'datetime', 'julianday', 'strftime', 'unixepoch',
  'json_extract', 'json_array_length', 'json_type', 'json_valid',
  'row_number', 'rank', 'dense_rank', 'ntile', 'lag', 'lead', 'first_value', 'last_value',
]);

/** Node types of the parser's tree a query may contain; anything else (insert, pragma, attach…) is refused. */
const NODE_TYPES: ReadonlySet<string> = new Set(['select', 'binary_expr', 'unary_expr', 'column_ref', 'function', 'aggr_func',
  'expr_list', 'number', 'single_quote_string', 'double_quote_string', 'hex_string', 'bool', 'null', 'star', 'case', 'when', 'else',
  'cast', 'default', 'origin', 'window', 'window_frame', 'ASC', 'DESC']);

export class SqlRefused extends Error {
  constructor(readonly notice: Notice) {
    super(notice.key);
  }
}

type Node = Record<string, unknown>;

export interface ParsedQuery {
  ast: Node;
  /** Tables the query reads, as written (resource ids), without the CTE names it defines. */
  resourceIds: string[];
}

const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

function functionName(node: Node): string {
  const name = node.name;
  if (typeof name === 'string') return name;
  if (isNode(name) && Array.isArray(name.name)) {
    const parts = (name.name as Node[]).map((p) => String(p.value));
    return parts.length === 1 ? parts[0]! : parts.join('.');
  }
  return '';
}

/** Lower-cased names of every table a subtree reads. */
function tablesRead(node: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(node)) node.forEach((n) => tablesRead(n, found));
  else if (isNode(node)) {
    if (node.type === 'select' && Array.isArray(node.from)) {
      for (const entry of node.from as Node[]) if (typeof entry.table === 'string') found.add(entry.table.toLowerCase());
    }
    for (const value of Object.values(node)) tablesRead(value, found);
  }
  return found;
}

/**
 * The regenerated SQL writes names between double quotes without doubling one inside (a `x"…` name in backticks
 * would end the name and let the rest run as SQL): names holding one are refused. String literals are written
 * back escaped.
 */
function quotesChecked(node: Node): void {
  const literal = node.type === 'single_quote_string' || node.type === 'double_quote_string';
  for (const [key, value] of Object.entries(node)) {
    if (typeof value === 'string' && value.includes('"') && !(literal && key === 'value')) throw new SqlRefused({ key: 'datastore.sql.quoteInName' });
  }
}

/** Parses and checks; throws SqlRefused with the reason in French. */
export function parseQuery(sql: string): ParsedQuery {
  if (sql.trim() === '') throw new SqlRefused({ key: 'datastore.sql.empty' });
  if (sql.length > MAX_SQL_LENGTH) throw new SqlRefused({ key: 'datastore.sql.tooLong', params: { max: MAX_SQL_LENGTH } });
  let ast: unknown;
  try {
    ast = parser.astify(sql, OPTIONS);
  } catch (error) {
    const where = (error as { location?: { start?: { line: number; column: number } } }).location?.start;
    throw new SqlRefused(where
      ? { key: 'datastore.sql.syntaxAt', params: { line: where.line, column: where.column } }
      : { key: 'datastore.sql.syntax' });
  }
  if (Array.isArray(ast)) {
    if (ast.length !== 1) throw new SqlRefused({ key: 'datastore.sql.notSingle' });
    ast = ast[0];
  }
  if (!isNode(ast) || ast.type !== 'select') throw new SqlRefused({ key: 'datastore.sql.notSelect' });
  const resourceIds = new Set<string>();
  let references = 0;

  const visit = (node: unknown, ctes: ReadonlySet<string>): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item, ctes);
      return;
    }
    if (!isNode(node)) return;
    let scope = ctes;
    quotesChecked(node);
    if (typeof node.type === 'string' && !NODE_TYPES.has(node.type)) {
      throw new SqlRefused({ key: 'datastore.sql.construct', params: { construct: node.type } });
    }
    if (node.type === 'select' && Array.isArray(node.with)) {
      const names = new Set(ctes);
      for (const cte of node.with as Node[]) {
        if (isNode(cte.name)) quotesChecked(cte.name);
        const name = (isNode(cte.name) ? String(cte.name.value) : String(cte.name)).toLowerCase();
        // SQLite makes a CTE recursive when it reads itself, with or without the RECURSIVE keyword.
        if (cte.recursive || tablesRead(cte.stmt).has(name)) throw new SqlRefused({ key: 'datastore.sql.recursive' });
        names.add(name);
      }
      scope = names;
      for (const cte of node.with as Node[]) visit(cte.stmt, scope);
    }
    if (node.type === 'function' || node.type === 'aggr_func') {
      const name = functionName(node).toLowerCase();
      if (!ALLOWED_FUNCTIONS.has(name)) throw new SqlRefused({ key: 'datastore.sql.function', params: { name } });
    }
    if (node.type === 'origin' && node.value === '?') throw new SqlRefused({ key: 'datastore.sql.parameter' });
    if (node.type === 'binary_expr' && /^(NOT )?IN$/i.test(String(node.operator)) && !(isNode(node.right) && node.right.type === 'expr_list')) {
      throw new SqlRefused({ key: 'datastore.sql.construct', params: { construct: 'IN' } });
    }
    if (node.type === 'select' && Array.isArray(node.from)) {
      for (const entry of node.from as Node[]) {
        if (typeof entry.table === 'string') {
          if (entry.db || entry.schema) throw new SqlRefused({ key: 'datastore.sql.schema' });
          references++;
          if (!scope.has(entry.table.toLowerCase())) resourceIds.add(entry.table);
        } else if (isNode(entry.expr) && entry.expr.type === 'function') {
          throw new SqlRefused({ key: 'datastore.sql.tableFunction' });
        } else if (!(isNode(entry.expr) && isNode(entry.expr.ast))) {
          // Only named tables and subqueries: any other FROM item is something this check does not know.
          throw new SqlRefused({ key: 'datastore.sql.construct', params: { construct: 'FROM' } });
        }
      }
    }
    if (references > MAX_TABLE_REFERENCES) throw new SqlRefused({ key: 'datastore.sql.tooManyTables', params: { max: MAX_TABLE_REFERENCES } });
    for (const [key, value] of Object.entries(node)) {
      if (key === 'with' || key === 'tableList' || key === 'columnList') continue;
      visit(value, scope);
    }
  };
  visit(ast, new Set());
  return { ast, resourceIds: [...resourceIds] };
}

export interface ServedTable {
  table: string;
  fields: readonly LayoutField[];
}

export interface RewrittenQuery {
  sql: string;
  /**
   * Set when the query returns more columns than one result set holds (D1: 100): its rows then come back as a
   * few JSON arrays of at most 99 values, to concatenate, and these are the column names.
   */
  columns: string[] | null;
}

const columnName = (ref: Node): string | null => {
  const c = ref.column;
  if (typeof c === 'string') return c;
  if (isNode(c) && isNode(c.expr) && typeof c.expr.value === 'string') return c.expr.value;
  return null;
};
const columnRef = (table: string | null, column: string): Node => ({ type: 'column_ref', table, column, collate: null });
const same = (a: unknown, b: string) => typeof a === 'string' && a.toLowerCase() === b.toLowerCase();
/** Alias of a wide resource's group table in a rewritten query. */
const groupAlias = (alias: string, group: number) => `${alias}:c${group}`;

interface WideRef {
  alias: string;
  layout: Layout;
  fields: readonly LayoutField[];
  used: Set<number>;
}

/**
 * A resource stored in several tables (datastore-layout.ts) is read through its main table joined to the group
 * tables the select uses: `*` is written out as the resource's columns, and each column of a later group is
 * qualified by its group table's alias. Unqualified names are resolved at the select's own level only.
 */
function joinGroups(ast: Node, tables: ReadonlyMap<string, ServedTable>): void {
  const selects: Node[] = [];
  const collect = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(collect);
    if (!isNode(node)) return;
    if (node.type === 'select') selects.push(node);
    for (const value of Object.values(node)) collect(value);
  };
  collect(ast);
  for (const select of selects) {
    const from = Array.isArray(select.from) ? select.from as Node[] : [];
    const wide: WideRef[] = [];
    for (const entry of from) {
      const served = typeof entry.table === 'string' ? tables.get(entry.table) : undefined;
      if (!served) continue;
      const layout = layoutOf(served.table, served.fields);
      if (layout.tables.length > 1) wide.push({ alias: String(entry.as ?? entry.table), layout, fields: served.fields, used: new Set() });
    }
    if (wide.length === 0) continue;
    if (Array.isArray(select.columns)) {
      select.columns = (select.columns as Node[]).flatMap((item) => {
        const ref = isNode(item.expr) && item.expr.type === 'column_ref' && columnName(item.expr) === '*' ? item.expr : null;
        if (!ref) return [item];
        const entries = from.filter((e) => ref.table === null || same(e.as ?? e.table, String(ref.table)));
        if (entries.length === 0) return [item];
        return entries.flatMap((e) => {
          const served = typeof e.table === 'string' ? tables.get(e.table) : undefined;
          if (!served) throw new SqlRefused({ key: 'datastore.sql.wideStar', params: { name: wide[0]!.alias } });
          const alias = String(e.as ?? e.table);
          return ['_id', ...served.fields.map((f) => f.id)].map((id) => ({ expr: columnRef(alias, id), as: null }));
        });
      });
    }
    const qualify = (node: unknown, own: boolean): void => {
      if (Array.isArray(node)) return node.forEach((n) => qualify(n, own));
      if (!isNode(node)) return;
      // The parser reads a lone "name" as a string; SQLite reads it as a column when one has that name.
      if (node.type === 'double_quote_string' && own && typeof node.value === 'string' && wide.some((w) => w.fields.some((f) => same(f.id, String(node.value))))) {
        const name = node.value;
        delete node.value;
        Object.assign(node, columnRef(null, name));
      }
      if (node.type === 'column_ref') {
        const name = columnName(node);
        if (name === null || name === '*') return;
        // SQLite compares column names without case.
        const groupIn = (w: WideRef) => w.layout.groupOf.get(w.fields.find((f) => same(f.id, name))?.id ?? '');
        const owner = wide.find((w) => (node.table === null ? own && groupIn(w) !== undefined : same(node.table, w.alias)));
        const group = owner && groupIn(owner);
        if (owner && group) {
          owner.used.add(group);
          node.table = groupAlias(owner.alias, group);
        }
        return;
      }
      // A nested select resolves unqualified names against its own tables.
      for (const value of Object.values(node)) qualify(value, own && !(isNode(value) && (value.type === 'select' || isNode(value.ast))));
    };
    qualify({ ...select, _next: undefined, from: undefined }, true);
    for (const entry of from) {
      if (isNode(entry.on)) qualify(entry.on, true);
    }
    const joined: Node[] = [];
    for (const entry of from) {
      joined.push(entry);
      const ref = wide.find((w) => same(entry.as ?? entry.table, w.alias));
      if (!ref) continue;
      for (const group of [...ref.used].sort((a, b) => a - b)) {
        const alias = groupAlias(ref.alias, group);
        joined.push({
          db: null, table: ref.layout.tables[group], as: alias, join: 'LEFT JOIN',
          on: { type: 'binary_expr', operator: '=', left: columnRef(alias, '_id'), right: columnRef(ref.alias, '_id') },
        });
      }
    }
    select.from = joined;
  }
}

/** Rewrites a select list wider than one result set as JSON arrays of at most GROUP_COLUMNS values. */
function packColumns(ast: Node): string[] | null {
  const columns = Array.isArray(ast.columns) ? ast.columns as Node[] : [];
  if (columns.length <= MAX_RESULT_COLUMNS) return null;
  if (ast._next) throw new SqlRefused({ key: 'datastore.sql.wideCompound', params: { max: MAX_RESULT_COLUMNS } });
  const names = columns.map((c, i) => (typeof c.as === 'string' ? c.as : isNode(c.expr) && c.expr.type === 'column_ref' ? columnName(c.expr) : null) ?? `column${i + 1}`);
  // ORDER BY and GROUP BY may name an output column (alias or position): it is replaced by its expression.
  const resolve = (item: Node) => {
    const expr = item.expr;
    if (!isNode(expr)) return;
    if (expr.type === 'number' && Number.isInteger(expr.value) && columns[Number(expr.value) - 1]) {
      item.expr = structuredClone(columns[Number(expr.value) - 1]!.expr);
    } else if (expr.type === 'column_ref' && expr.table === null) {
      const aliased = columns.find((c) => typeof c.as === 'string' && same(c.as, columnName(expr) ?? ''));
      if (aliased) item.expr = structuredClone(aliased.expr);
    }
  };
  if (Array.isArray(ast.orderby)) (ast.orderby as Node[]).forEach(resolve);
  const groupBy = isNode(ast.groupby) && Array.isArray(ast.groupby.columns) ? ast.groupby.columns as Node[] : Array.isArray(ast.groupby) ? ast.groupby as Node[] : [];
  groupBy.forEach((expr, i) => {
    const holder = { expr };
    resolve(holder);
    groupBy[i] = holder.expr as Node;
  });
  const packed: Node[] = [];
  for (let i = 0; i < columns.length; i += GROUP_COLUMNS) {
    packed.push({
      expr: {
        type: 'function', name: { name: [{ type: 'default', value: 'json_array' }] },
        args: { type: 'expr_list', value: columns.slice(i, i + GROUP_COLUMNS).map((c) => c.expr) }, over: null,
      },
      as: `wide_${packed.length}`,
    });
  }
  ast.columns = packed;
  return names;
}

/**
 * SQL to run: the checked tree with each resource id replaced by its table (and a wide resource's group tables
 * joined), wrapped so at most `maxRows` rows come back whatever LIMIT the query asked for.
 */
export function rewriteQuery(query: ParsedQuery, tables: ReadonlyMap<string, ServedTable>, maxRows: number): RewrittenQuery {
  const ast = structuredClone(query.ast);
  joinGroups(ast, tables);
  const rename = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(rename);
    if (!isNode(node)) return;
    if (node.type === 'select' && Array.isArray(node.from)) {
      for (const entry of node.from as Node[]) {
        const table = typeof entry.table === 'string' ? tables.get(entry.table)?.table : undefined;
        if (table) {
          // Keeps the written name usable as a qualifier ("resource-id".column) through an alias.
          entry.as ??= entry.table;
          entry.table = table;
        }
      }
    }
    for (const value of Object.values(node)) rename(value);
  };
  rename(ast);
  const columns = packColumns(ast);
  return { sql: `SELECT * FROM (${parser.sqlify(ast as never, OPTIONS)}) LIMIT ${maxRows}`, columns };
}
