// Column names for SQL: ASCII letters, digits and underscores, at most 63 characters (PostgreSQL's limit, which
// CKAN clients are used to), unique regardless of case (SQLite compares names without case). The original title
// stays as the column's label; every change is reported.
import type { Notice } from './datastore-types';

export const MAX_COLUMN_NAME = 63;

export interface Column {
  /** SQL name. */
  id: string;
  /** Title as written in the file. */
  label: string;
}

const RESERVED = new Set(['_id', 'rowid', 'oid', '_rowid_']);

function base(title: string, position: number): string {
  const ascii = title.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[Œœ]/g, (c) => (c === 'Œ' ? 'OE' : 'oe'));
  let name = ascii.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
  if (name === '') return `colonne_${position}`;
  if (/^\d/.test(name)) name = `c_${name}`;
  return name;
}

export function normaliseColumns(titles: readonly string[]): { columns: Column[]; notices: Notice[] } {
  const notices: Notice[] = [];
  const taken = new Set<string>(RESERVED);
  const columns = titles.map((raw, index) => {
    const position = index + 1;
    const label = raw.trim();
    let id = base(label, position);
    if (label === '') notices.push({ key: 'datastore.warning.columnUntitled', params: { position, name: id } });
    if (id.length > MAX_COLUMN_NAME) {
      id = id.slice(0, MAX_COLUMN_NAME).replace(/_+$/, '');
      notices.push({ key: 'datastore.warning.columnTooLong', params: { position, title: label, name: id, max: MAX_COLUMN_NAME } });
    }
    if (taken.has(id.toLowerCase())) {
      let n = 2;
      let candidate: string;
      do {
        const suffix = `_${n++}`;
        candidate = id.slice(0, MAX_COLUMN_NAME - suffix.length) + suffix;
      } while (taken.has(candidate.toLowerCase()));
      notices.push({ key: 'datastore.warning.columnDuplicate', params: { position, title: label, name: candidate } });
      id = candidate;
    } else if (label !== '' && id !== label && !notices.some((x) => x.params?.position === position)) {
      notices.push({ key: 'datastore.warning.columnRenamed', params: { position, title: label, name: id } });
    }
    taken.add(id.toLowerCase());
    return { id, label: label === '' ? id : label };
  });
  return { columns, notices };
}

/** Quotes an identifier for SQLite (names come from normaliseColumns, but quoting is never optional). */
export const quoteId = (name: string) => `"${name.replace(/"/g, '""')}"`;
