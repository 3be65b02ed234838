import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { readEntry } from '../../worker/src/store/datastore';
import { action, CORPUS, corpusId, publishCorpus, runIngest } from './datastore-fixtures';

describe('ingest of the bad-input corpus', () => {
  it.each(CORPUS.map((c, n) => [c.file, n] as const))('%s ends as its manifest says', async (file, n) => {
    const { expect: expected } = CORPUS[n]!;
    await publishCorpus([file]);
    const id = corpusId(n);
    const { acked } = await runIngest(id);
    expect(acked).toHaveLength(1);
    const entry = (await readEntry(env.DATASTORE, id))!;
    expect(entry.jobState, JSON.stringify(entry.report)).toBe(expected.state);
    const report = entry.report!;
    if (expected.error) expect(report.errors.join('\n')).toContain(expected.error);
    if (expected.warning) expect(report.warnings.join('\n')).toContain(expected.warning);
    for (const fragment of (expected.warnings as string[] | undefined) ?? []) expect(report.warnings.join('\n')).toContain(fragment);
    if (expected.state !== 'done') {
      expect(entry.tableName).toBeNull();
      return;
    }
    expect(report.rows).toBe(expected.rows);
    expect(entry.rowCount).toBe(expected.rows);
    for (const key of ['encoding', 'delimiter', 'sheet'] as const) if (expected[key]) expect(report[key]).toBe(expected[key]);
    const types = Object.fromEntries(entry.fields.map((f) => [f.id, f.type]));
    for (const [column, type] of Object.entries((expected.types as Record<string, string>) ?? {})) expect(types[column], column).toBe(type);
    if (expected.columns) expect(entry.fields.map((f) => f.id)).toEqual(expected.columns);
    if (expected.columnCount) expect(entry.fields).toHaveLength(expected.columnCount as number);
    if (expected.first) {
      const { body } = await action('datastore_search', { resource_id: id, limit: 1 });
      expect(body.success).toBe(true);
      expect(body.result.records[0]).toMatchObject(expected.first as object);
    }
  });
});
