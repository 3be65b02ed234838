// Wide resources (datastore-layout.ts): files of more than 99 columns are stored as a main table and sibling
// group tables, and every reader (search, info, SQL, exports, chart queries) sees one table.
import { env, SELF } from 'cloudflare:test';
import { read, utils } from '@e965/xlsx';
import { describe, expect, it } from 'vitest';
import { chartSql, checkChart } from '../../worker/src/domain/datastore-chart';
import { readEntry } from '../../worker/src/store/datastore';
import { action, CORPUS, corpusId, publishCorpus, runIngest } from './datastore-fixtures';

const WIDE_200 = corpusId(CORPUS.findIndex((c) => c.file === 'wide-200-columns.csv'));
/** A resource of the corpus whose file is replaced by a 450-column CSV. */
const WIDE_450 = corpusId(CORPUS.findIndex((c) => c.file === 'pipes.csv'));
/** A resource of the corpus whose file is replaced by a GeoJSON of 150 properties. */
const WIDE_GEO = corpusId(CORPUS.findIndex((c) => c.file === 'mixed-geometry.geojson'));

const COMMUNES = ['Nîmes', 'Alès', 'Uzès'];
const ROWS = 30;
/**
 * 450 columns: `code` (text, first table), v2…v449 numbers (v_i = row × i), `commune` at column 300 (text, in
 * the fourth group table) and `remarque` last (text, fifth group table).
 */
function wideCsv(): string {
  const header = Array.from({ length: 450 }, (_, i) => (i === 0 ? 'code' : i === 299 ? 'commune' : i === 449 ? 'remarque' : `v${i + 1}`));
  const rows = Array.from({ length: ROWS }, (_, r) => header.map((_, i) =>
    i === 0 ? `C${r + 1}` : i === 299 ? COMMUNES[r % 3]! : i === 449 ? `note ${r % 5 === 0 ? 'rouge' : 'verte'}` : String((r + 1) * (i + 1))));
  return [header, ...rows].map((r) => r.join(',')).join('\n') + '\n';
}

function wideGeojson(): string {
  const features = Array.from({ length: 3 }, (_, r) => ({
    type: 'Feature',
    properties: Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`p${i + 1}`, r * 1000 + i])),
    geometry: { type: 'Point', coordinates: [4 + r / 10, 43.8] },
  }));
  return JSON.stringify({ type: 'FeatureCollection', features });
}

async function replaceFile(resourceId: string, content: string): Promise<void> {
  await env.FILES.put(`replaced/${resourceId}`, content);
  await env.DB.prepare('UPDATE resources SET file_key = ?, size_bytes = NULL WHERE id = ?').bind(`replaced/${resourceId}`, resourceId).run();
}

async function ready(): Promise<void> {
  await publishCorpus(['wide-200-columns.csv', 'pipes.csv', 'mixed-geometry.geojson']);
  await replaceFile(WIDE_450, wideCsv());
  await replaceFile(WIDE_GEO, wideGeojson());
  await runIngest(WIDE_200, WIDE_450, WIDE_GEO);
}

const tablesLike = async (prefix: string) => (await env.DATASTORE.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE ? ORDER BY name")
  .bind(`${prefix}%`).all<{ name: string }>()).results.map((r) => r.name);
const search = async (params: Record<string, unknown>) => {
  const { status, body } = await action('datastore_search', { resource_id: WIDE_450, ...params });
  expect(status, JSON.stringify(body.error)).toBe(200);
  return body.result;
};
const sql = async (query: string) => action('datastore_search_sql', { sql: query });

describe('a 450-column file', () => {
  it('is stored as five tables of at most 100 columns, with a full-text index beside each table that has text', async () => {
    await ready();
    const entry = (await readEntry(env.DATASTORE, WIDE_450))!;
    expect(entry.jobState, JSON.stringify(entry.report)).toBe('done');
    expect(entry.fields).toHaveLength(450);
    expect(entry.rowCount).toBe(ROWS);
    const t = entry.tableName!;
    expect((await tablesLike(t)).filter((n) => !/_fts\d*_(data|idx|docsize|config|content)$/.test(n))).toEqual(
      [t, `${t}_c1`, `${t}_c2`, `${t}_c3`, `${t}_c3_fts`, `${t}_c4`, `${t}_c4_fts`, `${t}_fts`].sort());
    for (const name of [t, `${t}_c1`, `${t}_c4`]) {
      const columns = await env.DATASTORE.prepare(`SELECT count(*) AS n FROM pragma_table_info(?)`).bind(name).first<{ n: number }>();
      expect(columns!.n).toBeLessThanOrEqual(100);
    }
  });

  it('answers datastore_search with every column by default, merged from every table in file order', async () => {
    await ready();
    const result = await search({ limit: 2, offset: 1 });
    expect(result.total).toBe(ROWS);
    expect(result.fields).toHaveLength(451);
    expect(result.fields.slice(0, 2)).toEqual([{ id: '_id', type: 'int' }, { id: 'code', type: 'text', info: { label: 'code' } }]);
    expect(Object.keys(result.records[0])).toEqual(result.fields.map((f: any) => f.id));
    expect(result.records[0]).toMatchObject({ _id: 2, code: 'C2', v2: 4, v150: 300, commune: 'Alès', v400: 800, remarque: 'note verte' });
    expect(result.records[1]).toMatchObject({ _id: 3, code: 'C3', v449: 1347, commune: 'Uzès' });
    expect(result._links.next).toContain('offset=3');
    const sorted = await search({ filters: { commune: 'Nîmes' }, q: 'verte', sort: 'v400 desc', limit: 3, offset: 1 });
    expect(sorted.total).toBe(8);
    expect(sorted.records.map((r: any) => [r._id, r.code, r.v400, r.remarque])).toEqual([
      [25, 'C25', 25 * 400, 'note verte'], [22, 'C22', 22 * 400, 'note verte'], [19, 'C19', 19 * 400, 'note verte'],
    ]);
    const lists = await search({ limit: 1, records_format: 'lists' });
    expect(lists.records[0]).toHaveLength(451);
    expect(lists.records[0].slice(-2)).toEqual([449, 'note rouge']);
    const csv = await search({ limit: 1, records_format: 'csv' });
    expect(csv.records.split(',')).toHaveLength(451);
    expect(csv.records.trim().endsWith(',449,note rouge')).toBe(true);
  });

  it('filters, searches, sorts and selects fields on columns of later tables', async () => {
    await ready();
    const filtered = await search({ filters: { commune: 'Uzès' }, q: 'rouge', sort: 'v400 desc', fields: ['_id', 'code', 'v150', 'commune', 'remarque'] });
    // Uzès: rows 3, 6, 9…; "rouge": rows 1, 6, 11, 16, 21, 26 → rows 6 and 21, v400 descending.
    expect(filtered.records).toEqual([
      { _id: 21, code: 'C21', v150: 3150, commune: 'Uzès', remarque: 'note rouge' },
      { _id: 6, code: 'C6', v150: 900, commune: 'Uzès', remarque: 'note rouge' },
    ]);
    expect(filtered.total).toBe(2);
    const byColumn = await search({ q: { commune: 'nimes' }, fields: 'code', limit: 3 });
    expect(byColumn.records).toEqual([{ code: 'C1' }, { code: 'C4' }, { code: 'C7' }]);
    expect(byColumn.total).toBe(10);
    // Words found in different tables' columns: "C1" (code, first table) is not with "verte" in one index.
    const acrossTables = await search({ q: 'alès', filters: { v449: [449 * 2, 449 * 5] }, fields: ['code'] });
    expect(acrossTables.records).toEqual([{ code: 'C2' }, { code: 'C5' }]);
    const distinct = await search({ distinct: true, fields: 'commune', sort: 'commune' });
    expect(distinct.records).toEqual([{ commune: 'Alès' }, { commune: 'Nîmes' }, { commune: 'Uzès' }]);
    const sorted = await search({ sort: 'remarque, v301 desc', limit: 2, fields: ['code'] });
    expect(sorted.records).toEqual([{ code: 'C26' }, { code: 'C21' }]);
  });

  it('explains in French that distinct over all 450 columns is too wide for one query', async () => {
    await ready();
    const { status, body } = await action('datastore_search', { resource_id: WIDE_450, distinct: true });
    expect(status).toBe(409);
    expect(body.error.fields[0]).toBe('distinct porte sur 450 colonnes : au plus 100. Choisissez les colonnes avec fields.');
  });

  it('is described by datastore_info with every column', async () => {
    await ready();
    const { body } = await action('datastore_info', { resource_id: WIDE_450 });
    expect(body.result.meta.count).toBe(ROWS);
    expect(body.result.fields).toHaveLength(450);
    expect(body.result.fields[299]).toMatchObject({ id: 'commune', type: 'text', schema: { native_type: 'TEXT', is_index: false } });
  });

  it('runs datastore_search_sql with SELECT *, columns of any table, aggregates and self-joins', async () => {
    await ready();
    const all = await sql(`SELECT * FROM "${WIDE_450}" WHERE commune = 'Nîmes' ORDER BY v400 DESC LIMIT 2`);
    expect(all.status, JSON.stringify(all.body.error)).toBe(200);
    expect(all.body.result.fields).toHaveLength(451);
    expect(all.body.result.fields[450]).toEqual({ id: 'remarque', type: 'text' });
    expect(all.body.result.records[0]).toMatchObject({ _id: 28, code: 'C28', v2: 56, commune: 'Nîmes', v449: 28 * 449, remarque: 'note verte' });
    expect(Object.keys(all.body.result.records[0])).toHaveLength(451);
    const grouped = await sql(`SELECT commune, sum(v301) AS total, count(*) AS n FROM "${WIDE_450}" WHERE remarque LIKE '%rouge%' GROUP BY commune ORDER BY total DESC`);
    expect(grouped.body.result.records).toEqual([
      { commune: 'Alès', total: 301 * (11 + 26), n: 2 }, { commune: 'Uzès', total: 301 * (6 + 21), n: 2 }, { commune: 'Nîmes', total: 301 * (1 + 16), n: 2 },
    ]);
    const joined = await sql(`SELECT a.code, b.remarque, b.v449 FROM "${WIDE_450}" AS a JOIN "${WIDE_450}" AS b ON b._id = a._id + 1 WHERE a.v150 < 400 ORDER BY a._id`);
    expect(joined.body.result.records).toEqual([
      { code: 'C1', remarque: 'note verte', v449: 898 }, { code: 'C2', remarque: 'note verte', v449: 1347 },
    ]);
    const wideSelf = await sql(`SELECT a.*, b.mesure_150 AS next_150 FROM "${WIDE_200}" a JOIN "${WIDE_200}" b ON b._id = a._id + 1 ORDER BY 1 LIMIT 1`);
    expect(wideSelf.status, JSON.stringify(wideSelf.body.error)).toBe(200);
    expect(wideSelf.body.result.records).toEqual([expect.objectContaining({ _id: 1, mesure_1: 0.5, mesure_200: 199.5, next_150: 1149.5 })]);
    expect(wideSelf.body.result.fields).toHaveLength(202);
  });

  it('refuses in French a * it cannot write out and a compound query wider than 100 columns', async () => {
    await ready();
    const star = await sql(`SELECT * FROM "${WIDE_450}" a JOIN (SELECT 1 AS one) s ON 1`);
    expect(star.status).toBe(409);
    expect(star.body.error.query[0]).toContain('« * » ne peut pas être développé ici');
    const union = await sql(`SELECT * FROM "${WIDE_450}" UNION ALL SELECT * FROM "${WIDE_450}"`);
    expect(union.status).toBe(409);
    expect(union.body.error.query[0]).toBe('Une requête composée (UNION, INTERSECT, EXCEPT) renvoie au plus 100 colonnes.');
  });

  it('draws charts on columns of later tables', async () => {
    await ready();
    const fields = (await readEntry(env.DATASTORE, WIDE_450))!.fields;
    const spec = checkChart({ type: 'bar', x: 'commune', series: ['v449'], aggregation: 'sum' }, fields);
    const chart = await sql(chartSql(spec, WIDE_450));
    expect(chart.status, JSON.stringify(chart.body.error)).toBe(200);
    expect(chart.body.result.records[0]).toEqual({ x: 'Uzès', s0: 449 * (3 + 6 + 9 + 12 + 15 + 18 + 21 + 24 + 27 + 30) });
  });

  it('exports every column as CSV, JSON and XLSX, and filtered on later tables', async () => {
    await ready();
    const csv = await (await SELF.fetch(`https://portal.test/api/datastore/${WIDE_450}/export.csv`)).text();
    const lines = csv.trim().split('\n');
    expect(lines).toHaveLength(ROWS + 1);
    expect(lines[0]!.split(',')).toHaveLength(451);
    expect(lines[0]!.endsWith(',v449,remarque')).toBe(true);
    expect(lines[30]).toBe(['30', 'C30', ...Array.from({ length: 448 }, (_, i) => (i === 298 ? 'Uzès' : String(30 * (i + 2)))), 'note verte'].join(','));
    const filters = encodeURIComponent(JSON.stringify({ commune: 'Alès' }));
    const json = await (await SELF.fetch(`https://portal.test/api/datastore/${WIDE_450}/export.json?filters=${filters}&fields=code,v449,remarque&sort=v449%20desc`)).json<any[]>();
    expect(json).toHaveLength(10);
    expect(json[0]).toEqual({ code: 'C29', v449: 29 * 449, remarque: 'note verte' });
    const xlsx = await SELF.fetch(`https://portal.test/api/datastore/${WIDE_450}/export.xlsx`);
    const sheet = read(new Uint8Array(await xlsx.arrayBuffer()), { type: 'array' }).Sheets['données']!;
    const rows = utils.sheet_to_json<unknown[]>(sheet, { header: 1 });
    expect(rows).toHaveLength(ROWS + 1);
    expect(rows[0]).toHaveLength(451);
    expect(rows[1]!.slice(-3)).toEqual([448, 449, 'note rouge']);
  });

  it('exports a wide GeoJSON file with its properties from every table', async () => {
    await ready();
    const entry = (await readEntry(env.DATASTORE, WIDE_GEO))!;
    expect(entry.jobState, JSON.stringify(entry.report)).toBe('done');
    expect(entry.fields).toHaveLength(151);
    const geojson = await (await SELF.fetch(`https://portal.test/api/datastore/${WIDE_GEO}/export.geojson?sort=p150%20desc`)).json<any>();
    expect(geojson.features).toHaveLength(3);
    expect(geojson.features[0].geometry).toEqual({ type: 'Point', coordinates: [4.2, 43.8] });
    expect(Object.keys(geojson.features[0].properties)).toHaveLength(151);
    expect(geojson.features[0].properties).toMatchObject({ _id: 3, p1: 2000, p150: 2149 });
  });
});

describe('a table with more than 90 text columns', () => {
  it('finds words in every text column, whichever full-text index holds it', async () => {
    await publishCorpus(['wide-200-columns.csv']);
    const header = Array.from({ length: 120 }, (_, i) => `texte ${i + 1}`);
    const rows = [1, 2].map((r) => header.map((_, i) => `mot${i + 1}r${r}`));
    await replaceFile(WIDE_200, [header, ...rows].map((row) => row.join(';')).join('\n'));
    await runIngest(WIDE_200);
    const entry = (await readEntry(env.DATASTORE, WIDE_200))!;
    expect(entry.jobState, JSON.stringify(entry.report)).toBe('done');
    const t = entry.tableName!;
    expect((await tablesLike(t)).filter((n) => /_fts\d*$/.test(n))).toEqual([`${t}_c1_fts`, `${t}_fts`, `${t}_fts2`]);
    for (const [column, word, id] of [['texte_5', 'mot5r2', 2], ['texte_95', 'mot95r1', 1], ['texte_110', 'mot110r2', 2]] as const) {
      const anywhere = await action('datastore_search', { resource_id: WIDE_200, q: word, fields: '_id' });
      expect(anywhere.body.result.records, word).toEqual([{ _id: id }]);
      const inColumn = await action('datastore_search', { resource_id: WIDE_200, q: { [column]: word }, fields: '_id' });
      expect(inColumn.body.result.records, column).toEqual([{ _id: id }]);
    }
  });
});

describe('the lifecycle of a wide table', () => {
  it('keeps the previous wide table served when a new file fails, then drops every table of the old one on a swap', async () => {
    await ready();
    const before = (await readEntry(env.DATASTORE, WIDE_450))!;
    const oldTables = await tablesLike(before.tableName!);
    expect(oldTables.length).toBeGreaterThan(5);
    await env.FILES.put(`replaced/${WIDE_450}`, new Uint8Array([0, 1, 2, 3, 0, 0]));
    await runIngest(WIDE_450);
    const failed = (await readEntry(env.DATASTORE, WIDE_450))!;
    expect(failed.jobState).toBe('failed');
    expect(failed.tableName).toBe(before.tableName);
    expect(await tablesLike(before.tableName!)).toEqual(oldTables);
    expect((await search({ filters: { commune: 'Uzès' }, fields: 'remarque', limit: 1 })).records).toEqual([{ remarque: 'note verte' }]);
    // Every table the failed job built is gone: only the served table's remain.
    expect((await tablesLike('ds_')).filter((n) => n.startsWith(`ds_${WIDE_450.replace(/-/g, '')}`))).toEqual(oldTables);

    await replaceFile(WIDE_450, wideCsv().replace('note rouge', 'note bleue'));
    await runIngest(WIDE_450);
    const swapped = (await readEntry(env.DATASTORE, WIDE_450))!;
    expect(swapped.tableName).not.toBe(before.tableName);
    expect(await tablesLike(before.tableName!)).toEqual([]);
    expect((await search({ q: 'bleue', fields: 'code' })).records).toEqual([{ code: 'C1' }]);
  });

  it('drops every group table of a resource the catalogue no longer has', async () => {
    await ready();
    const served = (await readEntry(env.DATASTORE, WIDE_200))!.tableName!;
    expect(await tablesLike(served)).toContain(`${served}_c2`);
    await publishCorpus(['pipes.csv']);
    await runIngest(WIDE_200);
    expect(await readEntry(env.DATASTORE, WIDE_200)).toBeNull();
    const left = await env.DATASTORE.prepare('SELECT count(*) AS n FROM sqlite_master WHERE name LIKE ?').bind(`${served}%`).first<{ n: number }>();
    expect(left!.n).toBe(0);
  });
});
