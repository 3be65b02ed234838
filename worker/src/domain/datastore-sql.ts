// Sandbox of datastore_search_sql. The query is parsed by node-sql-parser (SQLite grammar), checked node by
// node against an allow-list, and the SQL that runs is regenerated from the checked tree with table names
// replaced: comments, second statements and anything the parser did not understand never reach SQLite.
import { Parser } from 'node-sql-parser/build/sqlite';
import type { Notice } from './datastore-types';

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
    if (typeof node.type === 'string' && !NODE_TYPES.has(node.type)) {
      throw new SqlRefused({ key: 'datastore.sql.construct', params: { construct: node.type } });
    }
    if (node.type === 'select' && Array.isArray(node.with)) {
      const names = new Set(ctes);
      for (const cte of node.with as Node[]) {
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

/**
 * SQL to run: the checked tree with each resource id replaced by its table, wrapped so at most `maxRows` rows
 * come back whatever LIMIT the query asked for.
 */
export function rewriteQuery(query: ParsedQuery, tables: ReadonlyMap<string, string>, maxRows: number): string {
  const rename = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(rename);
    if (!isNode(node)) return;
    if (node.type === 'select' && Array.isArray(node.from)) {
      for (const entry of node.from as Node[]) {
        const table = typeof entry.table === 'string' ? tables.get(entry.table) : undefined;
        if (table) {
          // Keeps the written name usable as a qualifier ("resource-id".column) through an alias.
          entry.as ??= entry.table;
          entry.table = table;
        }
      }
    }
    for (const value of Object.values(node)) rename(value);
  };
  const ast = structuredClone(query.ast);
  rename(ast);
  return `SELECT * FROM (${parser.sqlify(ast as never, OPTIONS)}) LIMIT ${maxRows}`;
}
