// Wide datastore tables. D1 allows 100 columns per table, per result set and per FTS5 table (less: see
// docs/decisions.md), so a resource's columns are stored in groups of GROUP_COLUMNS beside `_id`: the main table
// holds the first group, sibling tables `{table}_c1`, `{table}_c2`… the next ones, every table with one row per
// `_id`. The layout is derived from the field list alone (kept in the registry), so no other record is needed.
import { quoteId } from './datastore-columns';
import { sqlType, type ColumnType } from './datastore-types';

/** Columns per table besides `_id` (D1: 100 columns per table). */
export const GROUP_COLUMNS = 99;
/** Widest file the datastore takes: 11 tables. Beyond, the file is refused with a French message. */
export const MAX_COLUMNS = 1000;
/** Columns of one result set (D1's limit): a wider read is split by table and merged in the Worker. */
export const MAX_RESULT_COLUMNS = 100;
/** Columns of one FTS5 table (local D1 refuses 95): a group's text columns are indexed by chunks of this many. */
export const FTS_COLUMNS = 90;
/** Sibling tables any table name may have: dropped with it even when its field list is unknown. */
const MAX_GROUPS = Math.ceil(MAX_COLUMNS / GROUP_COLUMNS);

export interface LayoutField {
  id: string;
  type: ColumnType;
}

export interface FtsTable {
  name: string;
  /** The group table it indexes (external content). */
  content: string;
  columns: string[];
}

export interface Layout {
  /** Main table first, then `{table}_c1`… */
  tables: string[];
  /** Group (index in `tables`) of each field, by id; `_id` is in group 0. */
  groupOf: Map<string, number>;
  /** Field ids of each group, in file order. */
  columns: string[][];
  fts: FtsTable[];
}

export const groupTable = (table: string, group: number) => (group === 0 ? table : `${table}_c${group}`);
const ftsName = (content: string, chunk: number) => (chunk === 0 ? `${content}_fts` : `${content}_fts${chunk + 1}`);
/** FTS tables go first when dropping: an external-content index must not outlive its table. */
export const isFtsTable = (name: string) => /_fts\d*$/.test(name);

export function layoutOf(table: string, fields: readonly LayoutField[]): Layout {
  const groups = Math.max(1, Math.ceil(fields.length / GROUP_COLUMNS));
  const columns: string[][] = Array.from({ length: groups }, () => []);
  const groupOf = new Map<string, number>([['_id', 0]]);
  fields.forEach((f, i) => {
    const g = Math.floor(i / GROUP_COLUMNS);
    columns[g]!.push(f.id);
    groupOf.set(f.id, g);
  });
  const tables = columns.map((_, g) => groupTable(table, g));
  const fts: FtsTable[] = [];
  tables.forEach((content, g) => {
    const text = fields.filter((f) => f.type === 'text' && groupOf.get(f.id) === g).map((f) => f.id);
    for (let chunk = 0; chunk * FTS_COLUMNS < text.length; chunk++) {
      fts.push({ name: ftsName(content, chunk), content, columns: text.slice(chunk * FTS_COLUMNS, (chunk + 1) * FTS_COLUMNS) });
    }
  });
  return { tables, groupOf, columns, fts };
}

/** Every name a table's siblings may have (for DROP IF EXISTS of a build whose field list is unknown). */
export function siblingTables(table: string): string[] {
  const names: string[] = [];
  for (let g = MAX_GROUPS - 1; g >= 0; g--) {
    const content = groupTable(table, g);
    names.push(ftsName(content, 1), ftsName(content, 0), content);
  }
  return names;
}

/** Tables of a layout, FTS first, for dropping. */
export const layoutTables = (layout: Layout) => [...layout.fts.map((f) => f.name), ...[...layout.tables].reverse()];

export function createStatements(layout: Layout, fields: readonly LayoutField[]): string[] {
  const types = new Map(fields.map((f) => [f.id, f.type]));
  return layout.tables.map((t, g) =>
    `CREATE TABLE ${quoteId(t)} (_id INTEGER PRIMARY KEY${layout.columns[g]!.map((id) => `, ${quoteId(id)} ${sqlType(types.get(id)!)}`).join('')})`);
}

/** FTS tables and their initial build, once the rows are loaded. */
export function ftsStatements(layout: Layout): string[] {
  return layout.fts.flatMap((f) => [
    `CREATE VIRTUAL TABLE ${quoteId(f.name)} USING fts5(${f.columns.map(quoteId).join(', ')}, `
      + `content='${f.content.replace(/'/g, "''")}', content_rowid='_id', tokenize='unicode61 remove_diacritics 2')`,
    // A 16 MB term buffer (FTS5's default is 1 MB) writes fewer, larger segments: about a fifth less build time.
    `INSERT INTO ${quoteId(f.name)} (${quoteId(f.name)}, rank) VALUES ('hashsize', 16777216)`,
    `INSERT INTO ${quoteId(f.name)} (${quoteId(f.name)}) VALUES ('rebuild')`,
  ]);
}

/**
 * Multi-row INSERT statements of every group table, each below `maxBytes`: rows are added as SQL literals in
 * field order; a group's statement moves to `full` once the next row would not fit, and `drain()` takes them all.
 */
export class RowInserts {
  /** Statements that are complete, in the order they filled. */
  readonly full: string[] = [];
  private readonly prefixes: string[];
  private readonly starts: number[];
  private readonly values: string[][];
  private readonly bytes: number[];

  constructor(private readonly layout: Layout, private readonly maxBytes: number) {
    this.prefixes = layout.tables.map((t) => `INSERT INTO ${quoteId(t)} VALUES `);
    this.starts = layout.columns.map((_, g) => layout.columns.slice(0, g).reduce((n, c) => n + c.length, 0));
    this.values = layout.tables.map(() => []);
    this.bytes = this.prefixes.map((p) => p.length);
  }

  /** Adds one row (its literals are read at once, so the array may be reused). */
  add(id: number, literals: readonly string[]): void {
    const groups = this.layout.columns;
    for (let g = 0; g < groups.length; g++) {
      const start = this.starts[g]!;
      const end = start + groups[g]!.length;
      let tuple = `(${id}`;
      for (let i = start; i < end; i++) tuple += `,${literals[i]}`;
      tuple += ')';
      // An upper bound of the UTF-8 size, cheap to compute: 3 bytes per character as soon as one is not ASCII.
      const size = /[^\x00-\x7f]/.test(tuple) ? tuple.length * 3 : tuple.length;
      if (this.bytes[g]! + size + 1 > this.maxBytes) this.take(g);
      this.values[g]!.push(tuple);
      this.bytes[g]! += size + 1;
    }
  }

  /** Every statement, full or not, leaving the buffers empty. */
  drain(): string[] {
    for (let g = 0; g < this.values.length; g++) this.take(g);
    return this.full.splice(0);
  }

  private take(g: number): void {
    if (this.values[g]!.length === 0) return;
    this.full.push(this.prefixes[g]! + this.values[g]!.join(','));
    this.values[g] = [];
    this.bytes[g] = this.prefixes[g]!.length;
  }
}
