import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { readEntry } from '../../worker/src/store/datastore';
import { action, publishCorpus, RES_COMMUNES, RES_PRIVATE, runIngest } from './datastore-fixtures';

const R = `"${RES_COMMUNES}"`;
const P = `"${RES_PRIVATE}"`;
const GRID = '5e5f5a7e-5d0c-4b8e-9c55-777777777777';
const G = `"${GRID}"`;

/** Every case must be refused with CKAN's error envelope (status listed) or bounded (answered within the caps). */
const REFUSED: Array<[string, string, number]> = [
  ['the registry table', 'SELECT * FROM datastore_resources', 404],
  ['sqlite_master', 'SELECT * FROM sqlite_master', 404],
  ['sqlite_schema', 'SELECT name, sql FROM sqlite_schema', 404],
  ['sqlite_temp_master', 'SELECT * FROM sqlite_temp_master', 404],
  ['sqlite_master in mixed case', 'sElEcT * FrOm SQLITE_MASTER', 404],
  ['sqlite_master in backticks', 'SELECT * FROM `sqlite_master`', 404],
  ['a pragma table name', 'SELECT * FROM pragma_table_list', 404],
  ['a pragma table function', "SELECT * FROM pragma_table_info('datastore_resources')", 409],
  ['json_each as a table', "SELECT * FROM json_each('[1,2]')", 409],
  ['PRAGMA', 'PRAGMA table_list', 409],
  ['PRAGMA writable_schema', 'PRAGMA writable_schema = 1', 409],
  ['ATTACH', "ATTACH DATABASE 'other.sqlite' AS other", 409],
  ['DETACH', 'DETACH DATABASE other', 409],
  ['two statements', `SELECT * FROM ${R}; DROP TABLE datastore_resources`, 409],
  ['a line comment hiding a second statement', `SELECT * FROM ${R} -- lecture\n; DELETE FROM ${R}`, 409],
  ['a block comment before a second statement', `SELECT * FROM ${R} /* lecture */; UPDATE ${R} SET "Population" = 0`, 409],
  ['a second SELECT on the schema', `SELECT * FROM ${R}; SELECT * FROM sqlite_master`, 409],
  ['a NUL byte before a second statement', `SELECT 1\u0000; DROP TABLE datastore_resources`, 409],
  ['DELETE', `DELETE FROM ${R}`, 409],
  ['UPDATE', `UPDATE ${R} SET "Population" = 0`, 409],
  ['INSERT', `INSERT INTO ${R} ("Commune") VALUES ('x')`, 409],
  ['REPLACE', `REPLACE INTO ${R} ("_id") VALUES (1)`, 409],
  ['DROP TABLE', `DROP TABLE ${R}`, 409],
  ['CREATE TABLE', 'CREATE TABLE x (a)', 409],
  ['CREATE TRIGGER', `CREATE TRIGGER t AFTER INSERT ON ${R} BEGIN SELECT 1; END`, 409],
  ['ALTER TABLE', `ALTER TABLE ${R} RENAME TO x`, 409],
  ['VACUUM', 'VACUUM', 409],
  ['ANALYZE', 'ANALYZE', 409],
  ['REINDEX', 'REINDEX', 409],
  ['BEGIN', 'BEGIN TRANSACTION', 409],
  ['SAVEPOINT', 'SAVEPOINT s', 409],
  ['EXPLAIN', `EXPLAIN SELECT * FROM ${R}`, 409],
  ['load_extension', "SELECT load_extension('/tmp/evil.so')", 409],
  ['sqlite_version', 'SELECT sqlite_version()', 409],
  ['sqlite_compileoption_get', 'SELECT sqlite_compileoption_get(0)', 409],
  ['randomblob memory bomb', 'SELECT randomblob(1000000000)', 409],
  ['zeroblob memory bomb', 'SELECT zeroblob(1000000000)', 409],
  ['printf width bomb', "SELECT printf('%.*c', 1000000000, 'x')", 409],
  ['readfile', "SELECT readfile('/etc/passwd')", 409],
  ['an unknown function', `SELECT fts5_decode("Commune") FROM ${R}`, 409],
  ['WITH RECURSIVE counter bomb', 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c', 409],
  ['a recursive CTE without the keyword', 'WITH c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT max(x) FROM c', 409],
  ['a recursive CTE over a datastore table', `WITH RECURSIVE c(x) AS (SELECT "_id" FROM ${R} UNION ALL SELECT x FROM c) SELECT count(*) FROM c`, 409],
  ['a five-way cross join', `SELECT count(*) FROM ${R} a, ${R} b, ${R} c, ${R} d, ${R} e`, 409],
  ['the main schema', 'SELECT * FROM main.datastore_resources', 409],
  ['the temp schema', 'SELECT * FROM temp.x', 409],
  ['a quoted schema', 'SELECT * FROM "main"."sqlite_master"', 409],
  ['IN over a bare table name', `SELECT * FROM ${R} WHERE "Commune" IN sqlite_master`, 409],
  ['a bound parameter', `SELECT * FROM ${R} WHERE "Commune" = ?`, 409],
  ['an empty query', '   ', 409],
  ['a query over 8000 characters', `SELECT ${Array.from({ length: 3000 }, (_, i) => i).join('+')}`, 409],
  ['an unknown resource id', 'SELECT * FROM "00000000-0000-0000-0000-000000000000"', 404],
  ['a guessed internal table name', 'SELECT * FROM "ds_5e5f5a7e5d0c4b8e9c55000000000000_00000000"', 404],
  ['a guessed full-text table', `SELECT * FROM "${RES_COMMUNES}_fts"`, 404],
  ['a restricted resource', `SELECT * FROM ${P}`, 403],
  ['a restricted resource in a subquery', `SELECT * FROM ${R} WHERE "Commune" IN (SELECT "canalisation" FROM ${P})`, 403],
  ['a restricted resource in a CTE', `WITH x AS (SELECT * FROM ${P}) SELECT * FROM x`, 403],
  ['a restricted resource in a UNION', `SELECT "Commune" FROM ${R} UNION SELECT "canalisation" FROM ${P}`, 403],
  ['a restricted resource in a scalar subquery', `SELECT (SELECT count(*) FROM ${P}) AS n`, 403],
  ['a restricted resource in EXISTS', `SELECT "Commune" FROM ${R} WHERE EXISTS (SELECT 1 FROM ${P} WHERE "materiau" = 'fonte')`, 403],
  ['a restricted resource in a join', `SELECT * FROM ${R} JOIN ${P} ON 1 = 1`, 403],
  ['a backtick alias closing its quotes to read the schema', `SELECT "Commune" AS \`x", (SELECT group_concat(name) FROM sqlite_master) AS "y\` FROM ${R}`, 409],
  ['a backtick column name closing its quotes', `SELECT \`Commune" FROM sqlite_master --\` FROM ${R}`, 409],
  ['a backtick table alias closing its quotes', `SELECT t."Commune" FROM ${R} AS \`t" JOIN sqlite_master AS "m\``, 409],
  ['a backtick CTE name closing its quotes', 'WITH `w" AS (SELECT name FROM sqlite_master) SELECT * FROM "w` AS (SELECT 1) SELECT * FROM `w" AS (SELECT name FROM sqlite_master) SELECT * FROM "w`', 409],
];

describe('datastore_search_sql attack suite', () => {
  it.each(REFUSED)('refuses %s', async (_name, sql, status) => {
    await publishCorpus(['latin1-semicolon-decimal-comma.csv']);
    await runIngest(RES_COMMUNES, RES_PRIVATE);
    const { status: got, body } = await action('datastore_search_sql', { sql });
    expect(got).toBe(status);
    expect(body.success).toBe(false);
    expect(body.error.__type).toBe({ 403: 'Authorization Error', 404: 'Not Found Error', 409: 'Validation Error' }[status]);
    expect(JSON.stringify(body)).not.toContain('canalisation;');
    expect(JSON.stringify(body)).not.toContain('datastore_resources,');
    // Nothing was written or dropped.
    const entry = await readEntry(env.DATASTORE, RES_COMMUNES);
    expect((await action('datastore_search', { resource_id: RES_COMMUNES, limit: 0 })).body.result.total).toBe(5);
    expect(entry?.tableName).toBeTruthy();
  });

  it('bounds a huge LIMIT and a cross join by the row cap, saying the records were truncated', async () => {
    const grid = `n\n${Array.from({ length: 200 }, (_, i) => i).join('\n')}\n`;
    await publishCorpus(['latin1-semicolon-decimal-comma.csv'], { 'files/grille.csv': grid });
    await env.FILES.put(`grid/${GRID}`, grid);
    await env.DB.prepare(`INSERT INTO resources (id, dataset_id, title, format, source_mode, file_key, file_name, size_bytes, created_at, modified_at)
      SELECT ?, dataset_id, 'Grille', 'CSV', 'upload', ?, 'grille.csv', ?, created_at, modified_at FROM resources WHERE id = ?`)
      .bind(GRID, `grid/${GRID}`, grid.length, RES_COMMUNES).run();
    await runIngest(GRID);
    const huge = await action('datastore_search_sql', { sql: `SELECT * FROM ${G} LIMIT 999999999` });
    expect(huge.body.result.records).toHaveLength(200);
    expect(huge.body.result).not.toHaveProperty('records_truncated');
    const cross = await action('datastore_search_sql', { sql: `SELECT a."n" AS x, b."n" AS y FROM ${G} a, ${G} b` });
    expect(cross.status).toBe(200);
    expect(cross.body.result.records).toHaveLength(32000);
    expect(cross.body.result.records_truncated).toBe(true);
  });

  it('answers ordinary analysis, harmless comments and aliases included', async () => {
    await publishCorpus(['latin1-semicolon-decimal-comma.csv']);
    await runIngest(RES_COMMUNES);
    const { status, body } = await action('datastore_search_sql', {
      sql: `SELECT /* total */ sum("Population") AS population, count(*) AS n, max(${R}."Densite") AS densite FROM ${R} -- fin`,
    });
    expect(status).toBe(200);
    expect(body.result.records).toEqual([{ population: 229207, n: 5, densite: 1838.1 }]);
    expect(body.result.fields).toEqual([{ id: 'population', type: 'int' }, { id: 'n', type: 'int' }, { id: 'densite', type: 'numeric' }]);
    const aliased = await action('datastore_search_sql', { sql: `SELECT sqlite_master."Commune" FROM ${R} AS sqlite_master WHERE "Population" < 10000` });
    expect(aliased.body.result.records).toEqual([{ Commune: 'Uzès' }]);
  });
});
