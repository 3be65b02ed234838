import { describe, expect, it } from 'vitest';
import { parseQuery, rewriteQuery, SqlRefused } from '../../worker/src/domain/datastore-sql';

const RES = '2d2f5a7e-5d0c-4b8e-9c55-0a6f0d7c1c01';
const refusal = (sql: string) => {
  try {
    parseQuery(sql);
  } catch (error) {
    if (error instanceof SqlRefused) return error.notice.key;
    throw error;
  }
  return null;
};

describe('datastore SQL sandbox', () => {
  it('accepts one SELECT over resource tables and reports the resources it reads', () => {
    const parsed = parseQuery(`SELECT "Commune", count(*) AS n FROM "${RES}" WHERE "Population" > 1000 GROUP BY 1 ORDER BY n DESC LIMIT 5`);
    expect(parsed.resourceIds).toEqual([RES]);
  });

  it('does not count CTE names as resources', () => {
    expect(parseQuery(`WITH big AS (SELECT * FROM "${RES}" WHERE p > 10) SELECT * FROM big`).resourceIds).toEqual([RES]);
  });

  it('runs SQL regenerated from the checked tree, with internal table names and a row cap', () => {
    const sql = rewriteQuery(parseQuery(`SELECT "${RES}".a FROM "${RES}" /* ; DROP TABLE x */ LIMIT 999999999`), new Map([[RES, { table: 'ds_abc_1', fields: [{ id: 'a', type: 'text' as const }] }]]), 32001).sql;
    expect(sql).toBe(`SELECT * FROM (SELECT "${RES}"."a" FROM "ds_abc_1" AS "${RES}" LIMIT 999999999) LIMIT 32001`);
    expect(sql).not.toContain('DROP');
  });

  it.each([
    ['SELECT 1; DROP TABLE t', 'datastore.sql.notSingle'],
    ['SELECT * FROM t -- x\n; DELETE FROM t', 'datastore.sql.notSingle'],
    ['DELETE FROM t', 'datastore.sql.notSelect'],
    ["ATTACH DATABASE 'x' AS y", 'datastore.sql.notSelect'],
    ['PRAGMA table_info(t)', 'datastore.sql.syntaxAt'],
    ["SELECT load_extension('x')", 'datastore.sql.function'],
    ['SELECT sqlite_version()', 'datastore.sql.function'],
    ["SELECT printf('%.*c', 1000000000, 'x')", 'datastore.sql.function'],
    ['WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c', 'datastore.sql.recursive'],
    ['WITH c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c', 'datastore.sql.recursive'],
    ['SELECT * FROM main.t', 'datastore.sql.schema'],
    ["SELECT * FROM json_each('[1]')", 'datastore.sql.tableFunction'],
    ['SELECT * FROM t WHERE a = ?', 'datastore.sql.parameter'],
    ['SELECT count(*) FROM t a, t b, t c, t d, t e', 'datastore.sql.tooManyTables'],
    ['', 'datastore.sql.empty'],
  ])('refuses %j', (sql, key) => {
    expect(refusal(sql)).toBe(key);
  });

  it('refuses queries longer than its limit', () => {
    expect(refusal(`SELECT ${'1+'.repeat(5000)}1`)).toBe('datastore.sql.tooLong');
  });

  it('accepts the expressions of everyday analysis', () => {
    const sql = `SELECT CASE WHEN a THEN 1 ELSE 2 END, CAST(a AS REAL), -a, a BETWEEN 1 AND 2, a IN (1, 2), (SELECT max(b) FROM "${RES}"),
      row_number() OVER (PARTITION BY a ORDER BY b), strftime('%Y', d) FROM "${RES}" WHERE x LIKE 'a%' OR y IS NULL ORDER BY 1 DESC`;
    expect(parseQuery(sql).resourceIds).toEqual([RES]);
  });
});

describe('wide resources in SQL', () => {
  const fields = Array.from({ length: 200 }, (_, i) => ({ id: `m${i + 1}`, type: 'integer' as const }));
  const tables = new Map([[RES, { table: 'ds_w_1', fields }]]);

  it('joins only the group tables a query uses and qualifies their columns', () => {
    const { sql, columns } = rewriteQuery(parseQuery(`SELECT m1, "m150", sum(m199) AS s FROM "${RES}" WHERE M120 > 3 GROUP BY m1`), tables, 10);
    expect(columns).toBeNull();
    expect(sql).toBe(`SELECT * FROM (SELECT "m1", "${RES}:c1"."m150", SUM("${RES}:c2"."m199") AS "s" FROM "ds_w_1" AS "${RES}" `
      + `LEFT JOIN "ds_w_1_c1" AS "${RES}:c1" ON "${RES}:c1"."_id" = "${RES}"."_id" LEFT JOIN "ds_w_1_c2" AS "${RES}:c2" ON "${RES}:c2"."_id" = "${RES}"."_id" `
      + `WHERE "${RES}:c1"."M120" > 3 GROUP BY "m1") LIMIT 10`);
  });

  it('writes * out and packs a result wider than 100 columns as JSON arrays, ordering by what the aliases name', () => {
    const { sql, columns } = rewriteQuery(parseQuery(`SELECT *, m150 * 2 AS double FROM "${RES}" ORDER BY double DESC, 1`), tables, 10);
    expect(columns).toEqual(['_id', ...fields.map((f) => f.id), 'double']);
    expect(sql.match(/json_array\(/g)).toHaveLength(3);
    expect(sql).toContain(`ORDER BY "${RES}:c1"."m150" * 2 DESC, "${RES}"."_id" ASC`);
  });

  it('refuses a * next to a subquery whose columns it cannot know', () => {
    expect(() => rewriteQuery(parseQuery(`SELECT * FROM "${RES}", (SELECT 1 AS one) s`), tables, 10)).toThrow(SqlRefused);
  });
});
