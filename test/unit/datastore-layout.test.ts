import { describe, expect, it } from 'vitest';
import {
  createStatements, ftsStatements, layoutOf, MAX_COLUMNS, RowInserts, siblingTables, type LayoutField,
} from '../../worker/src/domain/datastore-layout';

const numbers = (n: number): LayoutField[] => Array.from({ length: n }, (_, i) => ({ id: `c${i + 1}`, type: 'integer' }));

describe('wide table layout', () => {
  it('keeps a table of 99 columns in one table, as before', () => {
    const layout = layoutOf('ds_a_1', [...numbers(98), { id: 'nom', type: 'text' }]);
    expect(layout.tables).toEqual(['ds_a_1']);
    expect(layout.fts).toEqual([{ name: 'ds_a_1_fts', content: 'ds_a_1', columns: ['nom'] }]);
  });

  it('puts 99 columns beside _id in each table, in file order', () => {
    const layout = layoutOf('ds_a_1', numbers(200));
    expect(layout.tables).toEqual(['ds_a_1', 'ds_a_1_c1', 'ds_a_1_c2']);
    expect(layout.columns.map((c) => [c[0], c.length])).toEqual([['c1', 99], ['c100', 99], ['c199', 2]]);
    expect([layout.groupOf.get('_id'), layout.groupOf.get('c99'), layout.groupOf.get('c100'), layout.groupOf.get('c200')]).toEqual([0, 0, 1, 2]);
    for (const sql of createStatements(layout, numbers(200))) {
      expect(sql.match(/INTEGER/g)!.length).toBeLessThanOrEqual(100);
      expect(sql).toContain('_id INTEGER PRIMARY KEY');
    }
  });

  it('indexes each table’s text columns by FTS tables of at most 90 columns', () => {
    const texts: LayoutField[] = Array.from({ length: 120 }, (_, i) => ({ id: `t${i + 1}`, type: 'text' }));
    const layout = layoutOf('ds_a_1', texts);
    expect(layout.fts.map((f) => [f.name, f.content, f.columns.length, f.columns[0]])).toEqual([
      ['ds_a_1_fts', 'ds_a_1', 90, 't1'], ['ds_a_1_fts2', 'ds_a_1', 9, 't91'], ['ds_a_1_c1_fts', 'ds_a_1_c1', 21, 't100'],
    ]);
    expect(ftsStatements(layout)).toHaveLength(9);
    expect(ftsStatements(layout)[3]).toContain(`content='ds_a_1', content_rowid='_id'`);
  });

  it('names every table of the widest layout among the siblings dropped with a table', () => {
    const fields = Array.from({ length: MAX_COLUMNS }, (_, i) => ({ id: `t${i + 1}`, type: 'text' as const }));
    const layout = layoutOf('ds_a_1', fields);
    expect(layout.tables).toHaveLength(11);
    const siblings = siblingTables('ds_a_1');
    for (const name of [...layout.tables, ...layout.fts.map((f) => f.name)]) expect(siblings).toContain(name);
  });

  it('writes each row into every table, one statement per table below the size limit', () => {
    const layout = layoutOf('ds_a_1', numbers(150));
    const inserts = new RowInserts(layout, 2000);
    const out: string[] = [];
    for (let id = 1; id <= 10; id++) {
      inserts.add(id, Array.from({ length: 150 }, (_, i) => String(id * 1000 + i)));
      out.push(...inserts.full.splice(0));
    }
    out.push(...inserts.drain());
    expect(inserts.drain()).toEqual([]);
    for (const sql of out) expect(sql.length).toBeLessThanOrEqual(2000);
    const main = out.filter((s) => s.startsWith('INSERT INTO "ds_a_1" '));
    const group = out.filter((s) => s.startsWith('INSERT INTO "ds_a_1_c1" '));
    expect(main.join('')).toContain('(1,1000,1001,');
    expect(main.join('').match(/\(\d+,/g)).toHaveLength(10);
    expect(group.join('')).toContain('(10,10099,10100,');
    expect(group.join('').match(/\(\d+,/g)).toHaveLength(10);
    expect(group[0]!.split('),(')[0]!.split(',')).toHaveLength(52);
  });
});
